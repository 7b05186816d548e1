"""The mapping as tables: Figure 1's mapping frame and the two sheets of the Excel annex.

One row per activity and Resolution it cites, with the spend allocated to that Resolution;
the by-year sheet holds every allocation, for pivoting. The frames carry the catalogue's
labels and the names of the beneficiary countries, as the annex prints them.
"""

from __future__ import annotations

import itertools

import pandas as pd

from cyber_mapping.analysis.scope import scope_allocations
from cyber_mapping.analysis.spend import ACTUAL, ESTIMATED
from cyber_mapping.labels import beneficiary_names, list_text, month_text, resolution_label
from cyber_mapping.money import chf_prose
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference


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


# The Mapping sheet's four amounts of an activity and Resolution: column -> (basis, cost type).
_PARTS = {
    "as_": (ACTUAL, "Staff"),
    "an_": (ACTUAL, "Non-staff"),
    "es_": (ESTIMATED, "Staff"),
    "en_": (ESTIMATED, "Non-staff"),
}
_KEYS = ["activity_id", "resolution_id"]


def annex_frames(product: Product, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Excel annex: the mapping (activity × resolution) and the allocations by year.

    Money columns are numbers in CHF (cents / 100, exact to the cent), so that analysts can
    sort, sum and pivot; the by-year sheet holds every allocation summed by activity,
    resolution, region, country, year, funder, basis and cost type.
    """
    return annex_mapping(product, ref), annex_by_year(product, ref)


def annex_mapping(product: Product, ref: Reference) -> pd.DataFrame:
    """The Mapping sheet: one row per activity and Resolution it cites (:data:`ANNEX_COLUMNS`)."""
    alloc = product.allocations
    acts = product.activities.set_index("activity_id")
    names = ref.country_name()
    labels = {r: resolution_label(r, ref) for r in ref.resolutions["resolution_id"]}
    clause_of = _cited_clauses(product)
    parts = _cents_by_part(alloc)
    regions = _joined(alloc, "region", keep_empty=False)
    funders = _joined(alloc, "funder")
    out = []
    for (aid, rid), row in parts.sort_index().iterrows():
        out.append(
            {
                "Activity ID": aid,
                "Resolution ID": rid,
                "Resolution": labels.get(rid, rid),
                "Clause (catalogue reference)": clause_of.get((aid, rid), ""),
                "Region(s)": regions.get((aid, rid), ""),
                "Funder(s)": funders.get((aid, rid), ""),
                **_activity_cells(acts.loc[aid], names),
                **_money_cells([int(row[c]) for c in _PARTS]),
            }
        )
    return pd.DataFrame(out, columns=list(ANNEX_COLUMNS))


def _cited_clauses(product: Product) -> dict[tuple[str, str], str]:
    """(activity, Resolution) -> the catalogue clauses it cites, ``"; "``-joined."""
    # Only the clauses an activity cites (its Clauses column); nothing inferred from wording.
    if product.activity_clauses.empty:
        return {}
    return (
        product.activity_clauses.groupby(_KEYS)["clause_ref"]
        .agg(lambda refs: "; ".join(sorted(refs)))
        .to_dict()
    )


def _cents_by_part(alloc: pd.DataFrame) -> pd.DataFrame:
    """Cents per (activity, Resolution) in the four columns of ``_PARTS`` (0 where none)."""
    money = alloc.pivot_table(
        index=_KEYS,
        columns=["basis", "cost_type"],
        values="amount_cents",
        aggfunc="sum",
        fill_value=0,
        observed=True,
    )
    frame = pd.DataFrame(index=money.index)
    for column, key in _PARTS.items():
        if key in money.columns:
            frame[column] = money[key].astype("int64")
        else:
            frame[column] = pd.Series(0, index=money.index, dtype="int64")
    return frame


def _joined(alloc: pd.DataFrame, column: str, keep_empty: bool = True) -> pd.Series:
    """The distinct values of ``column`` per (activity, Resolution), sorted, ``"; "``-joined."""
    return alloc.groupby(_KEYS, observed=True)[column].agg(
        lambda v: "; ".join(sorted({str(x) for x in v if keep_empty or str(x)}))
    )


def _activity_cells(act: pd.Series, names: dict[str, str]) -> dict[str, object]:
    """The Mapping columns that come from the activity itself, whatever the Resolution."""
    implementors = [p.strip() for p in str(act["implementors"] or "").split(";") if p.strip()]
    return {
        "Activity": act["title"],
        "Status": act["status"],
        "Theme": act["theme"],
        "Clause quoted": act["clause_quoted"] or "",
        "Beneficiary countries": "; ".join(beneficiary_names(act["beneficiaries"], names)),
        "Implementor(s)": "; ".join(implementors),
        "Lead implementor": act.get("lead_implementor")
        or (implementors[0] if implementors else ""),
        "Start": act["start_date"] if pd.notna(act["start_date"]) else None,
        "End": act["end_date"] if pd.notna(act["end_date"]) else None,
        "Main outputs": month_text(act["outputs_text"]),
        "Envisaged outcomes": month_text(act["outcomes_text"]),
    }


def _money_cells(cents: list[int]) -> dict[str, float]:
    """The Mapping's CHF columns from the four amounts of ``_PARTS`` (in cents), and sums."""
    actual_staff, actual_other, estimated_staff, estimated_other = cents
    return {
        "Actual staff (CHF)": actual_staff / 100,
        "Actual non-staff (CHF)": actual_other / 100,
        "Estimated staff (CHF)": estimated_staff / 100,
        "Estimated non-staff (CHF)": estimated_other / 100,
        "Actual (CHF)": (actual_staff + actual_other) / 100,
        "Estimated (CHF)": (estimated_staff + estimated_other) / 100,
        "Total (CHF)": sum(cents) / 100,
    }


# The By year sheet's grouping: one row per allocation cell with money.
_BY_YEAR = [
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


def annex_by_year(product: Product, ref: Reference) -> pd.DataFrame:
    """The By year sheet: the allocations summed by :data:`ANNEX_YEAR_COLUMNS`' keys, in CHF."""
    alloc = product.allocations
    names = ref.country_name()
    years = (
        alloc.assign(country_iso3=alloc["country_iso3"].astype(object).fillna(""))
        .groupby(_BY_YEAR, observed=True, dropna=False)["amount_cents"]
        .sum()
        .reset_index()
    )
    years = years[years["amount_cents"] != 0]
    return pd.DataFrame(
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
