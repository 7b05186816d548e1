"""Query helpers over the data product, so that no notebook repeats a groupby.

All amounts come from integer cents, so totals reconcile exactly with the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from cyber_mapping.product import Product

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
    if value is None:
        return None
    if isinstance(value, str | int):
        return {value}
    return set(value)


def filter_allocations(
    allocations: pd.DataFrame,
    region: str | Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    status: str | Iterable[str] | None = None,
    basis: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``allocations`` for the given region(s), year range, status(es) and basis.

    ``years`` is inclusive at both ends, e.g. ``(2018, 2021)``.
    """
    mask = pd.Series(True, index=allocations.index)
    for column, wanted in (("region", region), ("status", status), ("basis", basis)):
        values = _as_set(wanted)
        if values is not None:
            mask &= allocations[column].astype(object).isin(values)
    if years is not None:
        mask &= allocations["year"].between(years[0], years[1])
    return allocations[mask]


def spend_by(
    source: Product | pd.DataFrame,
    dimensions: Sequence[str],
    region: str | Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    status: str | Iterable[str] | None = None,
    basis: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Total spend by any list of dimensions, optionally filtered.

    Parameters
    ----------
    source
        The loaded product (its ``allocations``) or an allocations frame.
    dimensions
        Columns to group by, from :data:`DIMENSIONS`; an empty list gives the grand total.
    region, years, status, basis
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
    rows = filter_allocations(allocations, region, years, status, basis)
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


def share_of_total(table: pd.DataFrame) -> pd.Series:
    """Each row's share of the table's total, in percent (0 when the total is 0)."""
    total = table["amount_cents"].sum()
    if total == 0:
        return pd.Series(0.0, index=table.index)
    return table["amount_cents"] * 100 / total
