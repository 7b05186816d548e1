"""Query helpers over the data product, so that no notebook repeats a groupby.

All amounts come from integer cents, so totals reconcile exactly with the manifest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.shares import rounded_shares, share_pct
from cyber_mapping.labels import beneficiary_names, list_text, month_text, resolution_label
from cyber_mapping.money import chf_prose
from cyber_mapping.product import Product
from cyber_mapping.reference import Reference

DIMENSIONS = (
    "activity_id",
    "resolution_id",
    "country_iso3",
    "region",
    "year",
    "funder",
    "cost_type",
    "basis",
    "status",
    "theme",
)


def _as_set(value: str | Iterable | None) -> set | None:
    """The values a filter keeps, or ``None`` for no filter (``None``, ``""`` or empty)."""
    # "" and [] mean "no filter", as a notebook's empty parameter does.
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, str | int):
        return {value}
    return set(value) or None


def filter_allocations(
    allocations: pd.DataFrame,
    region: str | Iterable[str] | None = None,
    years: Sequence[int] | None = None,
    status: str | Iterable[str] | None = None,
    basis: str | Iterable[str] | None = None,
    funder: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``allocations`` for the given region(s), year range, status(es), basis, funder(s).

    ``years`` is inclusive at both ends, e.g. ``(2018, 2021)`` (a list such as
    ``[2018, 2021]``, as papermill passes it, works the same). ``None`` or an empty value
    keeps every row for that filter.
    """
    mask = pd.Series(True, index=allocations.index)
    filters = (("region", region), ("status", status), ("basis", basis), ("funder", funder))
    for column, wanted in filters:
        values = _as_set(wanted)
        if values is not None:
            mask &= allocations[column].astype(object).isin(values)
    if years:
        first, last = years
        mask &= allocations["year"].between(int(first), int(last))
    return allocations[mask]


def spend_by(
    source: Product | pd.DataFrame,
    dimensions: Sequence[str],
    region: str | Iterable[str] | None = None,
    years: Sequence[int] | None = None,
    status: str | Iterable[str] | None = None,
    basis: str | Iterable[str] | None = None,
    funder: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Total spend by any list of dimensions, optionally filtered.

    Parameters
    ----------
    source
        The loaded product (its ``allocations``) or an allocations frame.
    dimensions
        Columns to group by, from :data:`DIMENSIONS`; an empty list gives the grand total.
    region, years, status, basis, funder
        Filters (see :func:`filter_allocations`).

    Returns
    -------
    pandas.DataFrame
        The dimensions plus ``amount_cents`` and ``amount_chf``, largest first; groups with
        no spend are not listed. Regional and global spend has an empty ``country_iso3``.
    """
    allocations = source.allocations if isinstance(source, Product) else source
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}; choose from {list(DIMENSIONS)}")
    rows = filter_allocations(allocations, region, years, status, basis, funder)
    if not dimensions:
        cents = int(rows["amount_cents"].sum())
        return pd.DataFrame({"amount_cents": [cents], "amount_chf": [cents / 100]})
    frame = rows[list(dimensions) + ["amount_cents"]].copy()
    for d in dimensions:
        frame[d] = frame[d].astype(object).where(frame[d].notna(), "")
    out = frame.groupby(list(dimensions), sort=True)["amount_cents"].sum().reset_index()
    out = out[out["amount_cents"] > 0]
    out = out.sort_values(
        ["amount_cents", *dimensions], ascending=[False] + [True] * len(dimensions), kind="stable"
    ).reset_index(drop=True)
    out["amount_chf"] = out["amount_cents"] / 100
    return out


# ============================================================================ report figures
# Every number a report prints comes from one of these functions; each takes the product
# (and reference data) as arguments and an optional ITU region that scopes it.

ACTUAL = "Actual"
ESTIMATED = "Estimated"
GROUPS = ("LDC", "LLDC", "SIDS")


def scope_allocations(product: Product, region: str | None = None) -> pd.DataFrame:
    """Allocation rows of the whole mapping (``region=None``) or attributed to one region."""
    rows = product.allocations
    return rows if region is None else rows[rows["region"] == region]


def scope_activity_ids(product: Product, region: str | None = None) -> set[str]:
    """Activities in scope: all, or those with a beneficiary (country or region) in ``region``."""
    if region is None:
        return set(product.activities["activity_id"])
    places = product.activity_places
    return set(places.loc[places["region"] == region, "activity_id"])


def member_states_in_scope(ref: Reference, region: str | None = None) -> pd.DataFrame:
    """ITU Member States (iso3, name, region) of the whole Union or of one region."""
    states = ref.member_states[["iso3", "itu_name", "region"]]
    return states if region is None else states[states["region"] == region]


@dataclass(frozen=True)
class Leader:
    """The leading item of one dimension and its share of recorded spend."""

    name: str
    cents: int
    share: float  # percent of all recorded spend in scope (actual and estimated)


@dataclass(frozen=True)
class Headline:
    """The figures of a report's summary."""

    region: str | None
    activities: int
    states_reached: int
    states_in_scope: int
    actual_cents: int
    estimated_cents: int
    first_year: int | None
    last_year: int | None
    leaders: dict[str, Leader]

    @property
    def total_cents(self) -> int:
        """Actual plus estimated spend (only ever printed as such)."""
        return self.actual_cents + self.estimated_cents


def states_reached(product: Product, ref: Reference, region: str | None = None) -> set[str]:
    """ISO3 of Member States named as beneficiary of at least one activity in scope."""
    places = product.activity_places
    members = set(member_states_in_scope(ref, region)["iso3"])
    if region is not None:
        places = places[places["region"] == region]
    return set(places["country_iso3"].dropna().astype(str)) & members


def leaders(table: pd.DataFrame, column: str) -> Leader | None:
    """The largest row of a :func:`spend_by` table and its share (one decimal)."""
    if table.empty:
        return None
    shares = rounded_shares(list(table["amount_cents"]))
    return Leader(str(table[column].iloc[0]), int(table["amount_cents"].iloc[0]), shares[0])


def headline(product: Product, ref: Reference, region: str | None = None) -> Headline:
    """Activities, Member States reached, CHF actual and estimated, and the leaders."""
    rows = scope_allocations(product, region)
    basis = rows.groupby("basis", observed=True)["amount_cents"].sum()
    years = rows["year"]
    lead: dict[str, Leader] = {}
    for dim in ("theme", "resolution_id", "funder"):
        found = leaders(spend_by(rows, [dim]), dim)
        if found:
            lead[dim] = found
    impl = implementor_spend(product, region)
    found = leaders(impl, "implementor")
    if found:
        lead["implementor"] = found
    return Headline(
        region=region,
        activities=len(scope_activity_ids(product, region)),
        states_reached=len(states_reached(product, ref, region)),
        states_in_scope=len(member_states_in_scope(ref, region)),
        actual_cents=int(basis.get(ACTUAL, 0)),
        estimated_cents=int(basis.get(ESTIMATED, 0)),
        first_year=int(years.min()) if len(years) else None,
        last_year=int(years.max()) if len(years) else None,
        leaders=lead,
    )


def spend_with_basis(
    product: Product, dimension: str, region: str | None = None, *, top: int | None = None
) -> pd.DataFrame:
    """Spend by one dimension in columns ``actual``, ``estimated``, ``total`` (cents), ``share``.

    ``share`` is each row's percent of the scope's total, rounded to add up to 100. With
    ``top``, rows beyond the first ``top`` are summed into one row named ``Other``.
    """
    if dimension == "implementor":
        rows = _implementor_rows(product, region)
    else:
        rows = scope_allocations(product, region)
    frame = rows[[dimension, "basis", "amount_cents"]].copy()
    frame[dimension] = frame[dimension].astype(object).where(frame[dimension].notna(), "")
    table = (
        frame.pivot_table(
            index=dimension, columns="basis", values="amount_cents", aggfunc="sum", fill_value=0
        )
        .reindex(columns=[ACTUAL, ESTIMATED], fill_value=0)
        .rename(columns={ACTUAL: "actual", ESTIMATED: "estimated"})
    )
    table.columns.name = None
    table["total"] = table["actual"] + table["estimated"]
    table = table[table["total"] > 0].reset_index()
    table = table.sort_values(["total", dimension], ascending=[False, True], kind="stable")
    table = table.reset_index(drop=True).astype({"actual": "int64", "estimated": "int64"})
    if top is not None and len(table) > top:
        head, rest = table.iloc[:top], table.iloc[top:]
        other = {dimension: "Other", **{c: int(rest[c].sum()) for c in ("actual", "estimated")}}
        other["total"] = other["actual"] + other["estimated"]
        table = pd.concat([head, pd.DataFrame([other])], ignore_index=True)
    table["share"] = rounded_shares(list(table["total"]))
    return table


def _implementor_rows(product: Product, region: str | None) -> pd.DataFrame:
    """The product's ``implementor_allocations`` in scope (all, or attributed to ``region``).

    The split itself is made once, by :func:`cyber_mapping.allocation.allocate`, so that the
    product and every report give each implementor the same cents.
    """
    rows = product.implementor_allocations
    return rows if region is None else rows[rows["region"] == region]


def implementor_spend(product: Product, region: str | None = None) -> pd.DataFrame:
    """Spend by implementor (``implementor``, ``amount_cents``), largest first."""
    rows = _implementor_rows(product, region)
    out = rows.groupby("implementor", observed=True)["amount_cents"].sum().reset_index()
    out = out[out["amount_cents"] > 0]
    return out.sort_values(["amount_cents", "implementor"], ascending=[False, True]).reset_index(
        drop=True
    )


@dataclass(frozen=True)
class Coordination:
    """Joint work of BDT headquarters and the Regional or Area Offices."""

    joint_activities: int
    activities: int
    joint_cents: int
    total_cents: int


def coordination(product: Product, ref: Reference, region: str | None = None) -> Coordination:
    """Activities (and their spend in scope) implemented by BDT (HQ) with a field office."""
    ids = scope_activity_ids(product, region)
    kinds = dict(zip(ref.offices["implementor"], ref.offices["kind"], strict=True))
    impl = product.activity_implementors
    impl = impl[impl["activity_id"].isin(ids)]
    kind_sets = impl.groupby("activity_id")["implementor"].agg(
        lambda s: {kinds.get(x, "") for x in s}
    )
    joint = {a for a, k in kind_sets.items() if "hq" in k and k & {"regional", "area"}}
    rows = scope_allocations(product, region)
    return Coordination(
        joint_activities=len(joint),
        activities=len(ids),
        joint_cents=int(rows.loc[rows["activity_id"].isin(joint), "amount_cents"].sum()),
        total_cents=int(rows["amount_cents"].sum()),
    )


def year_table(
    product: Product,
    dimension: str,
    region: str | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Spend (cents) by ``dimension`` × year, plus ``actual``, ``estimated`` and ``total``.

    ``years`` defaults to the product's mapping period, so the year columns add up to
    ``total``.
    """
    years = years or mapping_period(product)
    rows = scope_allocations(product, region)
    frame = rows[[dimension, "year", "basis", "amount_cents"]]
    by_year = frame.pivot_table(
        index=dimension, columns="year", values="amount_cents", aggfunc="sum", fill_value=0
    ).reindex(columns=range(years[0], years[1] + 1), fill_value=0)
    basis = frame.pivot_table(
        index=dimension, columns="basis", values="amount_cents", aggfunc="sum", fill_value=0
    ).reindex(columns=[ACTUAL, ESTIMATED], fill_value=0)
    out = by_year.join(basis.rename(columns={ACTUAL: "actual", ESTIMATED: "estimated"}))
    out["total"] = out["actual"] + out["estimated"]
    out.columns.name = None
    out = out.sort_values("total", ascending=False, kind="stable")
    return out.astype("int64")


def mapping_period(product: Product) -> tuple[int, int]:
    """First and last year of the product's mapping period (from its manifest)."""
    first, last = product.manifest["parameters"]["mapping_period"]
    return int(first), int(last)


def coverage_matrix(
    product: Product, ref: Reference, rows: str, measure: str = "spend"
) -> pd.DataFrame:
    """``rows`` (``resolution_id`` or ``theme``) × ITU region (and Global).

    ``measure="spend"`` gives cents; ``"activities"`` counts each activity once per cell it
    touches (so a column's counts may add up to more than the activities in it).
    """
    regions = [*ref.region_names, "Global"]
    alloc = product.allocations
    if measure == "spend":
        table = alloc.pivot_table(
            index=rows, columns="region", values="amount_cents", aggfunc="sum", fill_value=0
        )
    elif measure == "activities":
        pairs = _activity_pairs(product, rows)
        table = pairs.pivot_table(
            index=rows, columns="region", values="activity_id", aggfunc="nunique", fill_value=0
        )
    else:
        raise ValueError("measure is 'spend' or 'activities'")
    table = table.reindex(columns=regions, fill_value=0)
    table.columns.name = None
    return table.astype("int64")


def _activity_pairs(product: Product, rows: str) -> pd.DataFrame:
    places = product.activity_places[["activity_id", "region"]]
    if rows == "resolution_id":
        left = product.activity_resolutions[["activity_id", "resolution_id"]]
    else:
        left = product.activities[["activity_id", rows]]
    return left.merge(places, on="activity_id").drop_duplicates()


def country_spend(product: Product, region: str | None = None) -> pd.DataFrame:
    """Spend (cents) attributed to each beneficiary country (regional/global spend excluded)."""
    rows = scope_allocations(product, region)
    rows = rows[rows["country_iso3"].notna() & (rows["country_iso3"] != "")]
    out = rows.groupby("country_iso3", observed=True)["amount_cents"].sum().reset_index()
    return out.sort_values(["amount_cents", "country_iso3"], ascending=[False, True]).reset_index(
        drop=True
    )


def country_groups(ref: Reference) -> dict[str, list[str]]:
    """ISO3 -> the LDC/LLDC/SIDS groups it belongs to (non-UN SIDS count as SIDS)."""
    groups = ref.groups.assign(group=ref.groups["group"].replace({"SIDS_nonUN": "SIDS"}))
    groups = groups[groups["group"].isin(GROUPS)]
    return groups.groupby("iso3")["group"].agg(lambda s: sorted(set(s))).to_dict()


def uncovered_clauses(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """Clauses instructing BDT that no activity in scope cites in its ``Clauses`` column.

    Only explicit citations count (``activity_clauses``): an activity that states no clause
    is "clause not stated", never evidence that a clause has no activity (see
    :func:`clause_statements`). ``cited`` says whether any activity in scope cites the
    clause's resolution at all.
    """
    ids = scope_activity_ids(product, region)
    stated = product.activity_clauses
    covered = (
        set(stated.loc[stated["activity_id"].isin(ids), "clause_ref"]) if len(stated) else set()
    )
    res = product.activity_resolutions
    cited = set(res.loc[res["activity_id"].isin(ids), "resolution_id"])
    clauses = ref.clauses[ref.clauses["instructs_bdt"].astype(bool)]
    out = clauses[~clauses["clause_ref"].isin(covered)][["resolution_id", "clause_ref", "summary"]]
    out = out.assign(cited=out["resolution_id"].isin(cited))
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class ClauseStatements:
    """How many activities in scope cite at least one clause explicitly."""

    stating: int
    activities: int

    @property
    def not_stated(self) -> int:
        """Activities in scope that cite no clause ("clause not stated")."""
        return self.activities - self.stating


def clause_statements(product: Product, region: str | None = None) -> ClauseStatements:
    """Activities in scope citing at least one clause, out of all activities in scope."""
    ids = scope_activity_ids(product, region)
    stated = product.activity_clauses
    stating = set(stated["activity_id"]) & ids if len(stated) else set()
    return ClauseStatements(stating=len(stating), activities=len(ids))


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


def lead_implementors(product: Product, region: str | None = None) -> pd.DataFrame:
    """Each activity in scope with its implementors, lead implementor and joint links.

    Returns ``activity_id``, ``title``, ``implementors``, ``lead_implementor`` (the one the
    row names, by default its first implementor) and ``joint_with`` (the IDs under which
    other offices report their parts, ``"; "``-joined, from ``joint_links``), by Activity ID.
    """
    ids = scope_activity_ids(product, region)
    acts = product.activities[product.activities["activity_id"].isin(ids)]
    links = product.joint_links
    joint: dict[str, str] = {}
    if len(links):
        joint = links.groupby("activity_id")["joint_with"].agg(lambda s: "; ".join(sorted(s)))
        joint = joint.to_dict()
    lead = acts["lead_implementor"] if "lead_implementor" in acts.columns else ""
    out = pd.DataFrame(
        {
            "activity_id": acts["activity_id"].astype(str),
            "title": acts["title"].astype(str),
            "implementors": acts["implementors"].astype(str),
            "lead_implementor": lead,
        }
    )
    out["joint_with"] = [joint.get(a, "") for a in out["activity_id"]]
    return out.sort_values("activity_id").reset_index(drop=True)


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
    product: Product, ref: Reference, region: str | None = None
) -> pd.DataFrame:
    """Target against achieved per indicator, summed only where the indicator adds up.

    Results of activities in scope; in a regional scope only rows for a country of the
    region (or with no country) count. The sums are taken over the rows that give both a
    target and an achieved value, so that the two are like for like.
    An indicator whose values do not add up (``additive`` is not ``yes`` in
    ``reference/indicators.csv``, e.g. a yes/no) and results outside the catalogue
    (``other``) are listed with their counts and no sums.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``indicator`` (the catalogue's name), ``level``, ``unit``,
        ``additive`` (bool), ``results`` (rows in scope), ``compared`` (rows with both a
        target and an achieved value), ``target`` and ``achieved`` (sums over the compared
        rows; empty when not additive or none compared) and ``achieved_pct`` (achieved as a
        percent of target, one decimal, half up; empty when the target sum is 0). Catalogue
        order, other indicators last; indicators with no result in scope are not listed.
    """
    results = product.results
    if results.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    rows = results[results["activity_id"].isin(scope_activity_ids(product, region))]
    if region is not None:
        country = rows["country_iso3"].fillna("").astype(str)
        rows = rows[(country == "") | (country.map(ref.region_of()) == region)]
    catalogue = ref.indicators.set_index("id")
    known = list(catalogue.index)
    order = known + sorted(set(rows["indicator_id"].astype(str)) - set(known))
    out = []
    for key in order:
        mine = rows[rows["indicator_id"] == key]
        if mine.empty:
            continue
        listed = key in catalogue.index
        additive = listed and str(catalogue.at[key, "additive"]).strip().lower() == "yes"
        both = mine[mine["target"].notna() & mine["achieved"].notna()]
        target = float(both["target"].sum()) if additive and len(both) else float("nan")
        achieved = float(both["achieved"].sum()) if additive and len(both) else float("nan")
        # Half up in tenths of a percent (Python's round() would go to even on a tie).
        pct = int(achieved * 1000 / target + 0.5) / 10 if target > 0 else float("nan")
        out.append(
            {
                "indicator_id": key,
                "indicator": catalogue.at[key, "name"] if listed else key,
                "level": catalogue.at[key, "level"] if listed else "",
                "unit": catalogue.at[key, "unit"] if listed else "",
                "additive": additive,
                "results": len(mine),
                "compared": len(both),
                "target": target,
                "achieved": achieved,
                "achieved_pct": pct,
            }
        )
    return pd.DataFrame(out, columns=RESULT_COLUMNS)


def quarantine_by_workbook(product: Product) -> pd.DataFrame:
    """Per input file: rows read, quarantined, CHF quarantined (cents) and why.

    ``with_activity`` counts rows quarantined because their activity was rejected;
    ``main_reason`` is the most frequent direct reason (the column at fault) with its count.
    """
    q = product.quarantine.copy()
    reasons = q["reasons"].astype(str)
    follows = reasons.str.startswith("its activity")
    # "Header: message" -> the column at fault.
    q["reason"] = reasons.str.split(":").str[0]
    rows = []
    for item in product.manifest.get("inputs", []):
        name = item["file"]
        mine = q[q["workbook"] == name]
        direct = mine.loc[~follows.loc[mine.index], "reason"].value_counts()
        rows.append(
            {
                "workbook": name,
                "rows_read": sum(int(v) for v in (item.get("rows") or {}).values()),
                "quarantined": len(mine),
                "with_activity": int(follows.loc[mine.index].sum()),
                "chf_cents": int(pd.to_numeric(mine["amount_cents"]).fillna(0).sum()),
                "main_reason": f"{direct.index[0]} ({int(direct.iloc[0])})" if len(direct) else "",
            }
        )
    columns = ["workbook", "rows_read", "quarantined", "with_activity", "chf_cents", "main_reason"]
    return pd.DataFrame(rows, columns=columns)


def estimated_share(product: Product, region: str | None = None) -> float:
    """Percent of recorded spend in scope that is estimated, one decimal."""
    rows = scope_allocations(product, region)
    total = int(rows["amount_cents"].sum())
    if total == 0:
        return 0.0
    est = int(rows.loc[rows["basis"] == ESTIMATED, "amount_cents"].sum())
    return round(est * 100 / total, 1)


def mapping_frame(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """The Figure 1 mapping table: one row per resolution × activity, grouped by resolution.

    Expenditure is the share of the activity's spend allocated to that resolution (and, in a
    regional report, to that region), by funder, actual/estimated and staff/non-staff, in
    CHF; so the rows add up to the totals of the other tables.
    """
    rows = scope_allocations(product, region)
    acts = product.activities.set_index("activity_id").to_dict("index")
    names = ref.country_name()
    money = rows.groupby(
        ["resolution_id", "activity_id", "funder", "basis", "cost_type"], observed=True
    )["amount_cents"].sum()
    # Plain Python over one sorted aggregation (per-group pandas calls took about 1 s).
    out = []
    labels: dict[str, str] = {}  # one catalogue look-up per resolution, not per row
    for (rid, aid), items in itertools.groupby(sorted(money.items()), key=lambda m: m[0][:2]):
        if rid not in labels:
            labels[rid] = resolution_label(rid, ref)
        items = list(items)
        spend = []
        for funder, lines in itertools.groupby(items, key=lambda m: m[0][2]):
            parts = [
                f"{basis.lower()} {cost.lower()} {chf_prose(cents)}"
                for (_, _, _, basis, cost), cents in lines
            ]
            spend.append(f"{funder}: " + ", ".join(parts))
        act = acts[aid]
        places = beneficiary_names(act["beneficiaries"], names)
        out.append(
            {
                "Resolution": labels[rid],
                "Clause quoted": act["clause_quoted"] or "",
                "Theme": act["theme"],
                "Activity": f"{act['title']} ({aid}, {act['status']})",
                "Beneficiary countries": "; ".join(places),
                "Implementor(s)": list_text(act["implementors"]),
                "Expenditure by funder (CHF)": "\n".join(spend),
                "Main outputs": act["outputs_text"] or "",
                "Envisaged outcomes": act["outcomes_text"] or "",
            }
        )
    return pd.DataFrame(out)


# The Excel annex's columns and what each holds (the About sheet lists them).
ANNEX_COLUMNS: dict[str, str] = {
    "Activity ID": "The activity's ID in its office's submission workbook.",
    "Activity": "The activity's title, as submitted.",
    "Status": "Completed, Ongoing or Planned.",
    "Theme": "The activity's theme (the package's theme list).",
    "Resolution ID": "The ITU Resolution this row is about (one row per activity and "
    "Resolution it cites), e.g. PP-130.",
    "Resolution": "The Resolution's name and latest revision, from the package's catalogue.",
    "Clause (catalogue reference)": "The catalogue clauses of this Resolution that the "
    "activity cites (its Clauses column); empty when the submission states none.",
    "Clause quoted": "The clause as quoted in the submission.",
    "Region(s)": "ITU regions this row's spend is attributed to (Global: worldwide).",
    "Beneficiary countries": "Member States named by the activity, or its region, as submitted.",
    "Implementor(s)": "Every implementor of the activity.",
    "Lead implementor": "The office leading the activity (the submission's Lead implementor; "
    "by default the implementor named first).",
    "Funder(s)": "Funders of this row's spend.",
    "Start": "Start date (a date cell).",
    "End": "End date (a date cell).",
    "Actual staff (CHF)": "Spend incurred on staff, allocated to this Resolution, in CHF.",
    "Actual non-staff (CHF)": "Spend incurred other than staff, in CHF.",
    "Estimated staff (CHF)": "Estimated staff spend (ongoing and planned work), in CHF.",
    "Estimated non-staff (CHF)": "Estimated spend other than staff, in CHF.",
    "Actual (CHF)": "Actual staff + actual non-staff, in CHF.",
    "Estimated (CHF)": "Estimated staff + estimated non-staff, in CHF.",
    "Total (CHF)": "Actual + estimated, in CHF (the two added together, as the header says).",
    "Main outputs": "Outputs as submitted (not audited).",
    "Envisaged outcomes": "Outcomes as submitted.",
}
ANNEX_YEAR_COLUMNS: dict[str, str] = {
    "Activity ID": "As on the Mapping sheet.",
    "Resolution ID": "As on the Mapping sheet.",
    "Region": "The ITU region the amount is attributed to (Global: worldwide).",
    "Country": "The beneficiary Member State (empty for regional or worldwide spend).",
    "Year": "The accounting year (a span of years is spread by the days in each year).",
    "Funder": "Who paid or will pay.",
    "Basis": "Actual (incurred) or Estimated (ongoing and planned work).",
    "Cost type": "Staff or Non-staff.",
    "Theme": "The activity's theme.",
    "CHF": "The amount in CHF, allocated to the cent; the rows add up to the Mapping "
    "sheet's totals.",
}


def annex_frames(product: Product, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Excel annex: the mapping (activity × resolution) and the allocations by year.

    Money columns are numbers in CHF (cents / 100, exact to the cent), so that analysts can
    sort, sum and pivot; the by-year sheet holds every allocation summed by activity,
    resolution, region, country, year, funder, basis and cost type.
    """
    alloc = product.allocations
    acts = product.activities.set_index("activity_id")
    names = ref.country_name()
    labels = {r: resolution_label(r, ref) for r in ref.resolutions["resolution_id"]}
    # Only the clauses an activity cites (its Clauses column); nothing inferred from wording.
    clause_of = (
        product.activity_clauses.groupby(["activity_id", "resolution_id"])["clause_ref"]
        .agg(lambda refs: "; ".join(sorted(refs)))
        .to_dict()
        if not product.activity_clauses.empty
        else {}
    )
    keys = ["activity_id", "resolution_id"]
    money = alloc.pivot_table(
        index=keys,
        columns=["basis", "cost_type"],
        values="amount_cents",
        aggfunc="sum",
        fill_value=0,
        observed=True,
    )

    def part(basis: str, cost: str) -> pd.Series:
        if (basis, cost) in money.columns:
            return money[(basis, cost)].astype("int64")
        return pd.Series(0, index=money.index, dtype="int64")

    frame = pd.DataFrame(index=money.index)
    frame["as_"] = part(ACTUAL, "Staff")
    frame["an_"] = part(ACTUAL, "Non-staff")
    frame["es_"] = part(ESTIMATED, "Staff")
    frame["en_"] = part(ESTIMATED, "Non-staff")
    regions = alloc.groupby(keys, observed=True)["region"].agg(
        lambda v: "; ".join(sorted({str(x) for x in v if str(x)}))
    )
    funders = alloc.groupby(keys, observed=True)["funder"].agg(
        lambda v: "; ".join(sorted({str(x) for x in v}))
    )
    out = []
    for (aid, rid), row in frame.sort_index().iterrows():
        act = acts.loc[aid]
        implementors = [p.strip() for p in str(act["implementors"] or "").split(";") if p.strip()]
        cents = [int(row[c]) for c in ("as_", "an_", "es_", "en_")]
        out.append(
            {
                "Activity ID": aid,
                "Activity": act["title"],
                "Status": act["status"],
                "Theme": act["theme"],
                "Resolution ID": rid,
                "Resolution": labels.get(rid, rid),
                "Clause (catalogue reference)": clause_of.get((aid, rid), ""),
                "Clause quoted": act["clause_quoted"] or "",
                "Region(s)": regions.get((aid, rid), ""),
                "Beneficiary countries": "; ".join(beneficiary_names(act["beneficiaries"], names)),
                "Implementor(s)": "; ".join(implementors),
                "Lead implementor": act.get("lead_implementor")
                or (implementors[0] if implementors else ""),
                "Funder(s)": funders.get((aid, rid), ""),
                "Start": act["start_date"] if pd.notna(act["start_date"]) else None,
                "End": act["end_date"] if pd.notna(act["end_date"]) else None,
                "Actual staff (CHF)": cents[0] / 100,
                "Actual non-staff (CHF)": cents[1] / 100,
                "Estimated staff (CHF)": cents[2] / 100,
                "Estimated non-staff (CHF)": cents[3] / 100,
                "Actual (CHF)": (cents[0] + cents[1]) / 100,
                "Estimated (CHF)": (cents[2] + cents[3]) / 100,
                "Total (CHF)": sum(cents) / 100,
                "Main outputs": month_text(act["outputs_text"]),
                "Envisaged outcomes": month_text(act["outcomes_text"]),
            }
        )
    mapping = pd.DataFrame(out, columns=list(ANNEX_COLUMNS))
    by = [
        "activity_id",
        "resolution_id",
        "region",
        "country_iso3",
        "year",
        "funder",
        "basis",
        "cost_type",
        "theme",
    ]
    years = (
        alloc.assign(country_iso3=alloc["country_iso3"].astype(object).fillna(""))
        .groupby(by, observed=True, dropna=False)["amount_cents"]
        .sum()
        .reset_index()
    )
    years = years[years["amount_cents"] != 0]
    by_year = pd.DataFrame(
        {
            "Activity ID": years["activity_id"].astype(str),
            "Resolution ID": years["resolution_id"].astype(str),
            "Region": years["region"].astype(str),
            "Country": [names.get(c, c) for c in years["country_iso3"].astype(str)],
            "Year": years["year"].astype(int),
            "Funder": years["funder"].astype(str),
            "Basis": years["basis"].astype(str),
            "Cost type": years["cost_type"].astype(str),
            "Theme": years["theme"].astype(str),
            "CHF": years["amount_cents"].astype("int64") / 100,
        }
    ).reset_index(drop=True)
    return mapping, by_year


# ============================================================================ questions 2 and 4


def clause_coverage(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """For each catalogue clause that instructs BDT: the activities in scope citing it.

    Only explicit citations count (an activity's Clauses column). ``cents`` is the spend in
    scope of the citing activities allocated to the clause's resolution (actual and
    estimated); an activity citing two clauses counts under both. Clauses not addressed to
    BDT are left out: they are not gaps.

    Returns
    -------
    pandas.DataFrame
        ``resolution_id``, ``clause_ref``, ``summary``, ``activities``, ``cents``, in
        catalogue order.
    """
    ids = scope_activity_ids(product, region)
    clauses = ref.clauses[ref.clauses["instructs_bdt"].astype(bool)]
    cites = product.activity_clauses
    cites = cites[cites["activity_id"].isin(ids)] if len(cites) else cites
    rows = scope_allocations(product, region)
    spend = rows.groupby(["activity_id", "resolution_id"], observed=True)["amount_cents"].sum()
    spend_of = {(str(a), str(r)): int(v) for (a, r), v in spend.items()}
    out = []
    for rec in clauses.itertuples():
        mine = cites[cites["clause_ref"] == rec.clause_ref] if len(cites) else cites
        acts = sorted(set(mine["activity_id"].astype(str))) if len(mine) else []
        out.append(
            {
                "resolution_id": rec.resolution_id,
                "clause_ref": rec.clause_ref,
                "summary": rec.summary,
                "activities": len(acts),
                "cents": sum(spend_of.get((a, str(rec.resolution_id)), 0) for a in acts),
            }
        )
    columns = ["resolution_id", "clause_ref", "summary", "activities", "cents"]
    return pd.DataFrame(out, columns=columns)


def not_stated_spend(product: Product, region: str | None = None) -> int:
    """Spend in scope (cents) of the activities that cite no clause ("clause not stated")."""
    ids = scope_activity_ids(product, region)
    cites = product.activity_clauses
    stating = set(cites["activity_id"]) if len(cites) else set()
    rows = scope_allocations(product, region)
    return int(rows.loc[rows["activity_id"].isin(ids - stating), "amount_cents"].sum())


HQ, FIELD = "BDT headquarters", "Regional and Area Offices"


def office_kind(ref: Reference) -> dict[str, str]:
    """Implementor -> ``BDT headquarters`` or ``Regional and Area Offices`` (others: '')."""
    kinds = dict(zip(ref.offices["implementor"], ref.offices["kind"], strict=True))
    return {
        k: HQ if v == "hq" else FIELD if v in ("regional", "area") else ""
        for k, v in kinds.items()
    }


def office_shares(
    product: Product, ref: Reference, by: str = "region", region: str | None = None
) -> pd.DataFrame:
    """Headquarters against Regional/Area Office spend, by region or by theme.

    Uses the implementor view (an activity's spend split equally among its implementors).

    Returns
    -------
    pandas.DataFrame
        ``by``, ``hq_cents``, ``field_cents``, ``other_cents`` (implementors that are not
        ITU offices, e.g. partners named as implementors), ``hq_share`` (percent of the
        row's total, one decimal, half up, unforced), sorted by ``by``.
    """
    rows = _implementor_rows(product, region)
    kind = rows["implementor"].astype(str).map(office_kind(ref)).fillna("")
    frame = pd.DataFrame(
        {by: rows[by].astype(str), "kind": kind, "cents": rows["amount_cents"].astype("int64")}
    )
    wide = frame.pivot_table(index=by, columns="kind", values="cents", aggfunc="sum", fill_value=0)
    out = pd.DataFrame(
        {
            "hq_cents": wide.get(HQ, pd.Series(0, index=wide.index)),
            "field_cents": wide.get(FIELD, pd.Series(0, index=wide.index)),
            "other_cents": wide.get("", pd.Series(0, index=wide.index)),
        }
    ).astype("int64")
    out = out[(out.sum(axis=1)) > 0]
    out["hq_share"] = [
        share_pct(int(h), int(h + f + o))
        for h, f, o in zip(out["hq_cents"], out["field_cents"], out["other_cents"], strict=True)
    ]
    out.index.name = by
    return out.reset_index().sort_values(by).reset_index(drop=True)


def lead_spend(product: Product, region: str | None = None) -> pd.DataFrame:
    """Activities and spend in scope by lead implementor, largest spend first.

    Each activity's whole spend in scope counts for its lead (not split); columns ``lead``,
    ``activities``, ``cents``.
    """
    ids = scope_activity_ids(product, region)
    acts = product.activities[product.activities["activity_id"].isin(ids)]
    first = acts["implementors"].fillna("").astype(str).str.split(";").str[0].str.strip()
    lead = acts.get("lead_implementor", pd.Series("", index=acts.index)).fillna("").astype(str)
    lead = lead.where(lead.str.strip() != "", first)
    lead_of = dict(zip(acts["activity_id"], lead, strict=True))
    rows = scope_allocations(product, region)
    spend = rows.groupby("activity_id", observed=True)["amount_cents"].sum()
    frame = pd.DataFrame({"activity_id": list(lead_of), "lead": list(lead_of.values())})
    frame["cents"] = frame["activity_id"].map(spend).fillna(0).astype("int64")
    out = frame.groupby("lead").agg(activities=("activity_id", "size"), cents=("cents", "sum"))
    out = out.reset_index().sort_values(["cents", "lead"], ascending=[False, True])
    return out.reset_index(drop=True).astype({"activities": "int64", "cents": "int64"})


@dataclass(frozen=True)
class JointWork:
    """Activities in scope carried out jointly (a 'Joint with' link, or several implementors)."""

    activities: int  # activities in scope
    joint: int
    linked: int  # of which with a 'Joint with' link to another office's row
    joint_cents: int
    total_cents: int


def joint_work(product: Product, region: str | None = None) -> JointWork:
    """Joint activities and their spend in scope (each activity's spend counted once)."""
    ids = scope_activity_ids(product, region)
    impl = product.activity_implementors
    many = impl[impl["activity_id"].isin(ids)].groupby("activity_id")["implementor"].nunique()
    several = set(many[many > 1].index)
    links = product.joint_links
    linked = (set(links["activity_id"]) | set(links["joint_with"])) & ids if len(links) else set()
    joint = several | linked
    rows = scope_allocations(product, region)
    return JointWork(
        activities=len(ids),
        joint=len(joint),
        linked=len(linked),
        joint_cents=int(rows.loc[rows["activity_id"].isin(joint), "amount_cents"].sum()),
        total_cents=int(rows["amount_cents"].sum()),
    )


def workbook_offices(product: Product, ref: Reference) -> dict[str, str]:
    """Workbook file -> the office that submitted it, from its rows' Activity ID prefixes.

    The most common ID prefix (``RO-AFR``, ``HQ``...) among the workbook's activities and
    quarantined rows names the office (``reference/offices.csv``); a workbook whose
    prefixes match no office maps to ''.
    """
    offices = ref.offices
    prefixes = dict(zip(offices["id_prefix"].astype(str), offices["implementor"], strict=True))
    frames = [
        product.activities[["workbook", "activity_id"]],
        product.quarantine[["workbook", "activity_id"]],
    ]
    rows = pd.concat(frames, ignore_index=True).dropna()
    out: dict[str, str] = {}
    for workbook, ids in rows.groupby(rows["workbook"].astype(str))["activity_id"]:
        votes: dict[str, int] = {}
        for aid in ids.astype(str):
            for prefix, office in prefixes.items():
                if prefix and aid.startswith(prefix + "-"):
                    votes[office] = votes.get(office, 0) + 1
        out[workbook] = max(sorted(votes), key=lambda o: votes[o]) if votes else ""
    return out


def duplicates_in_scope(product: Product, region: str | None = None) -> pd.DataFrame:
    """Possible double reporting with at least one activity in scope (``possible_duplicates``)."""
    ids = scope_activity_ids(product, region)
    dup = product.possible_duplicates
    if dup.empty:
        return dup
    keep = dup["activity_id_a"].isin(ids) | dup["activity_id_b"].isin(ids)
    return dup[keep].reset_index(drop=True)


@dataclass(frozen=True)
class OfficeSplit:
    """Spend in scope by BDT headquarters and by the Regional and Area Offices."""

    hq_cents: int
    field_cents: int
    other_cents: int

    @property
    def hq_share(self) -> float:
        """Headquarters' percent of the total (one decimal, half up, unforced)."""
        return share_pct(self.hq_cents, self.hq_cents + self.field_cents + self.other_cents)

    @property
    def field_share(self) -> float:
        """The offices' percent of the total (one decimal, half up, unforced)."""
        return share_pct(self.field_cents, self.hq_cents + self.field_cents + self.other_cents)


def office_split(product: Product, ref: Reference, region: str | None = None) -> OfficeSplit:
    """Headquarters against Regional/Area Offices over the scope (equal implementor split)."""
    table = office_shares(product, ref, "region", region)
    return OfficeSplit(
        int(table["hq_cents"].sum()),
        int(table["field_cents"].sum()),
        int(table["other_cents"].sum()),
    )
