"""Spend by any dimension and by accounting year, actual and estimated, in integer cents.

So that no notebook repeats a groupby. All amounts come from integer cents, so totals
reconcile exactly with the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from cyber_mapping.analysis.scope import (
    filter_allocations,
    mapping_period,
    scope_allocations,
    scope_implementor_allocations,
)
from cyber_mapping.analysis.shares import rounded_shares
from cyber_mapping.product.store import Product
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


def funder_agencies(product: Product, region: str | None = None) -> dict[str, str]:
    """Each funder's agencies with spend in scope, ``"; "``-joined (funders with none omitted).

    The by-funder tables group by the canonical funder (the State or organisation, from
    ``funders.csv``); this lists the ministries or authorities the offices named for it,
    e.g. ``{"Germany": "Federal Foreign Office"}``.
    """
    exp = product.expenditure
    if "funder_agency" not in exp.columns or exp.empty:
        return {}  # a product built before agencies were kept
    rows = scope_allocations(product, region)
    ids = set(rows.loc[rows["amount_cents"] > 0, "expenditure_id"].astype(str))
    named = exp[exp["expenditure_id"].astype(str).isin(ids) & (exp["funder_agency"] != "")]
    return {
        str(funder): "; ".join(sorted(set(group["funder_agency"]), key=str.casefold))
        for funder, group in named.groupby("funder", sort=True)
    }


# The two bases of spend: incurred, and estimated for ongoing and planned work.
ACTUAL = "Actual"
ESTIMATED = "Estimated"


def spend_with_basis(
    product: Product, dimension: str, region: str | None = None, *, top: int | None = None
) -> pd.DataFrame:
    """Spend by one dimension in columns ``actual``, ``estimated``, ``total`` (cents), ``share``.

    ``share`` is each row's percent of the scope's total, rounded to add up to 100. With
    ``top``, rows beyond the first ``top`` are summed into one row named ``Other``.
    """
    if dimension == "implementor":
        rows = scope_implementor_allocations(product, region)
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


def implementor_spend(product: Product, region: str | None = None) -> pd.DataFrame:
    """Spend by implementor (``implementor``, ``amount_cents``), largest first."""
    rows = scope_implementor_allocations(product, region)
    out = rows.groupby("implementor", observed=True)["amount_cents"].sum().reset_index()
    out = out[out["amount_cents"] > 0]
    return out.sort_values(["amount_cents", "implementor"], ascending=[False, True]).reset_index(
        drop=True
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


def estimated_share(product: Product, region: str | None = None) -> float:
    """Percent of recorded spend in scope that is estimated, one decimal."""
    rows = scope_allocations(product, region)
    total = int(rows["amount_cents"].sum())
    if total == 0:
        return 0.0
    est = int(rows.loc[rows["basis"] == ESTIMATED, "amount_cents"].sum())
    return round(est * 100 / total, 1)
