"""Progress and results: planned against delivered work, targets against achievements.

Every function takes the data product (and reference data) as arguments and an optional
ITU region that scopes it (:mod:`cyber_mapping.analysis.scope`). Results are as the offices
reported them (not audited); only indicators marked ``additive`` in
``reference/indicators.csv`` are summed across activities.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.scope import results_in_scope, scope_activity_ids, scope_allocations
from cyber_mapping.analysis.shares import share_pct
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference

STATUSES = ("Completed", "Ongoing", "Planned")
NOT_STATED = "Not stated"


def status_counts(product: Product, region: str | None = None) -> dict[str, int]:
    """Activities in scope per status, in the order Completed, Ongoing, Planned (all present)."""
    ids = scope_activity_ids(product, region)
    acts = product.activities[product.activities["activity_id"].isin(ids)]
    counts = acts["status"].astype(str).value_counts()
    out = {s: int(counts.get(s, 0)) for s in STATUSES}
    for other in sorted(set(counts.index) - set(STATUSES)):
        out[other] = int(counts[other])
    return out


def status_year(product: Product, region: str | None = None) -> pd.DataFrame:
    """Activities and spend by status and accounting year.

    An activity counts in every year it has spend in scope (so a year's activities do not
    add up to the number of activities); spend is actual plus estimated, in cents.

    Returns
    -------
    pandas.DataFrame
        ``status``, ``year``, ``activities``, ``cents``; statuses in the order Completed,
        Ongoing, Planned, then years ascending.
    """
    rows = scope_allocations(product, region)
    if rows.empty:
        return pd.DataFrame(columns=["status", "year", "activities", "cents"])
    frame = rows[["status", "year", "activity_id", "amount_cents"]].astype(
        {"status": str, "activity_id": str}
    )
    out = frame.groupby(["status", "year"]).agg(
        activities=("activity_id", "nunique"), cents=("amount_cents", "sum")
    )
    out = out.reset_index().astype({"year": int, "activities": "int64", "cents": "int64"})
    order = {s: i for i, s in enumerate(STATUSES)}
    out["_o"] = out["status"].map(order).fillna(len(order))
    return out.sort_values(["_o", "status", "year"]).drop(columns="_o").reset_index(drop=True)


def additive_ids(ref_indicators: pd.DataFrame) -> set[str]:
    """Indicator ids whose values may be added across activities (``additive`` = yes)."""
    flag = ref_indicators["additive"].astype(str).str.strip().str.lower()
    return set(ref_indicators.loc[flag.isin(("yes", "true", "1")), "id"].astype(str))


def outcomes_by_country(
    product: Product, ref: Reference, region: str | None = None
) -> pd.DataFrame:
    """Outcomes reported (level ``Outcome``), listed by country.

    Returns
    -------
    pandas.DataFrame
        ``country_iso3``, ``name``, ``region``, ``outcomes`` (``indicator: achieved`` joined
        by ``; ``, achieved summed per indicator, only where more than 0 was achieved),
        ``activities``; countries by name. Rows with no country are left out.
    """
    columns = ["country_iso3", "name", "region", "outcomes", "activities"]
    rows = results_in_scope(product, ref, region)
    # An outcome achieved 0 times (a strategy not yet adopted) is not an outcome reported.
    achieved = pd.to_numeric(rows["achieved"], errors="coerce")
    rows = rows[(rows["level"].astype(str) == "Outcome") & (achieved > 0)]
    rows = rows[rows["country_iso3"].fillna("").astype(str) != ""]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    names, regions = ref.country_name(), ref.region_of()
    out = []
    for iso3, mine in rows.groupby(rows["country_iso3"].astype(str)):
        sums = mine.groupby(mine["indicator"].astype(str))["achieved"].sum()
        items = [f"{ind}: {_number(v)}" for ind, v in sums.items()]
        out.append(
            {
                "country_iso3": iso3,
                "name": names.get(iso3, iso3),
                "region": regions.get(iso3, ""),
                "outcomes": "; ".join(items),
                "activities": int(mine["activity_id"].nunique()),
            }
        )
    return pd.DataFrame(out, columns=columns).sort_values("name").reset_index(drop=True)


def _number(value: float) -> str:
    """``3.0`` -> ``3``; ``2.5`` -> ``2.5`` (values as reported)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class ResultCoverage:
    """Activities in scope with and without any result reported."""

    activities: int
    without: int  # activities with no result row at all
    without_delivered: int  # of which Completed or Ongoing

    @property
    def share(self) -> float:
        """Percent of activities in scope with no result (one decimal, half up)."""
        return share_pct(self.without, self.activities)


def result_coverage(product: Product, region: str | None = None) -> ResultCoverage:
    """How many activities in scope report no result (no row on the Results sheet)."""
    ids = scope_activity_ids(product, region)
    with_results = set(product.results["activity_id"].astype(str)) & ids
    acts = product.activities[product.activities["activity_id"].isin(ids - with_results)]
    delivered = int(acts["status"].isin(("Completed", "Ongoing")).sum())
    return ResultCoverage(len(ids), len(ids - with_results), delivered)


@dataclass(frozen=True)
class ResultStatements:
    """How many activities in scope report at least one result (Results or Outputs row)."""

    reporting: int
    activities: int

    @property
    def not_reporting(self) -> int:
        """Activities in scope that report no result at all."""
        return self.activities - self.reporting


def result_statements(product: Product, region: str | None = None) -> ResultStatements:
    """Activities in scope reporting at least one result, out of all activities in scope.

    Any row of ``results`` counts, whatever its level, target or achieved value, so
    ``not_reporting`` is what a report must state plainly as "no result reported".
    """
    ids = scope_activity_ids(product, region)
    results = product.results
    reporting = set(results["activity_id"]) & ids if len(results) else set()
    return ResultStatements(reporting=len(reporting), activities=len(ids))


RESULT_COLUMNS = [
    "indicator_id",
    "indicator",
    "level",
    "unit",
    "additive",
    "results",
    "compared",
    "target",
    "achieved",
    "achieved_pct",
]


def results_vs_targets(
    product: Product, ref: Reference, region: str | None = None, by: str | None = None
) -> pd.DataFrame:
    """Achievement against target per indicator, and per Resolution or region with ``by``.

    The one definition of "achieved against target", used by the report and the explore
    notebook alike: achievement and target are summed only over the result rows that report
    both a target and an achieved value (``compared``). An activity without a target never
    raises a percentage, and the target of a row with no achieved value yet is pending, not
    failed. Only indicators that add up are summed: one whose values do not (``additive``
    is not yes in ``reference/indicators.csv``, e.g. a yes/no) and results outside the
    catalogue (``other``) are listed with their counts and no sums.

    Results in scope (:func:`~cyber_mapping.analysis.scope.results_in_scope`).
    ``by="resolution_id"`` attributes each result to the
    first Resolution its activity cites (so no result counts twice); ``by="region"`` to the
    region of its country (rows with no country: ``Not stated``).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``indicator`` (the catalogue's name), ``level``, ``unit`` (the
        catalogue's), then the ``by`` column if any, ``additive`` (bool), ``results`` (rows
        in scope), ``compared`` (rows with both a target and an achieved value), ``target``
        and ``achieved`` (sums over the compared rows; empty when not additive or none
        compared) and ``achieved_pct`` (achieved as a percent of target, one decimal, half
        up; empty when the target sum is 0). Catalogue order, other indicators last, then
        ``by``; indicators with no result in scope are not listed.
    """
    if by not in (None, "resolution_id", "region"):
        raise ValueError("by is None, 'resolution_id' or 'region'")
    columns = RESULT_COLUMNS if by is None else [*RESULT_COLUMNS[:4], by, *RESULT_COLUMNS[4:]]
    if product.results.empty:
        return pd.DataFrame(columns=columns)
    rows = results_in_scope(product, ref, region)
    catalogue = ref.indicators.set_index("id")
    adds = additive_ids(ref.indicators)
    known = list(catalogue.index)
    order = known + sorted(set(rows["indicator_id"].astype(str)) - set(known))
    keys = _attributed_to(product, ref, rows, by) if by is not None else None
    out = []
    for key in order:
        mine = rows[rows["indicator_id"] == key]
        if mine.empty:
            continue
        listed = key in catalogue.index
        about = {
            "indicator_id": key,
            "indicator": catalogue.at[key, "name"] if listed else key,
            "level": catalogue.at[key, "level"] if listed else "",
            "unit": catalogue.at[key, "unit"] if listed else "",
            "additive": key in adds,
        }
        parts = [(None, mine)] if keys is None else mine.groupby(keys.loc[mine.index], sort=True)
        for part, cell in parts:
            where = {} if by is None else {by: part}
            out.append({**about, **where, **_achievement(cell, key in adds)})
    return pd.DataFrame(out, columns=columns)


def _attributed_to(product: Product, ref: Reference, rows: pd.DataFrame, by: str) -> pd.Series:
    """Each result row's Resolution (the first its activity cites) or region, as text."""
    if by == "resolution_id":
        links = product.activity_resolutions.sort_values(["activity_id", "position"])
        first = links.groupby("activity_id")["resolution_id"].first()
        key = rows["activity_id"].map(first).fillna(NOT_STATED)
    else:
        country = rows["country_iso3"].fillna("").astype(str)
        key = country.map(ref.region_of()).fillna("").replace("", NOT_STATED)
    return key.astype(str)


def _achievement(rows: pd.DataFrame, additive: bool) -> dict[str, object]:
    """Counts, and target against achieved over the rows that report both (if additive)."""
    both = rows[rows["target"].notna() & rows["achieved"].notna()]
    summed = additive and len(both) > 0
    target = float(both["target"].sum()) if summed else float("nan")
    achieved = float(both["achieved"].sum()) if summed else float("nan")
    # Half up in tenths of a percent (Python's round() would go to even on a tie).
    pct = int(achieved * 1000 / target + 0.5) / 10 if target > 0 else float("nan")
    return {
        "results": len(rows),
        "compared": len(both),
        "target": target,
        "achieved": achieved,
        "achieved_pct": pct,
    }


@dataclass(frozen=True)
class IndicatorTotal:
    """One additive indicator's target and achievement over the scope (compared rows only)."""

    indicator: str
    unit: str
    target: float
    achieved: float
    achieved_pct: float  # as :func:`results_vs_targets` computes it
    compared: int  # result rows reporting both a target and an achieved value


def leading_indicator(table: pd.DataFrame) -> IndicatorTotal | None:
    """The additive indicator with the largest target (ties: by name); ``None`` if none.

    ``table`` is :func:`results_vs_targets` of the scope (without ``by``).
    """
    rows = table[table["additive"].astype(bool) & (table["target"] > 0)]
    if rows.empty:
        return None
    top = rows.sort_values(["target", "indicator"], ascending=[False, True], kind="stable").iloc[0]
    return IndicatorTotal(
        str(top["indicator"]),
        str(top["unit"]),
        float(top["target"]),
        float(top["achieved"]),
        float(top["achieved_pct"]),
        int(top["compared"]),
    )
