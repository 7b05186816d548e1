"""What a report's scope holds: the allocation rows, activities and Member States of a region.

Every figure of the reports takes the product (and reference data) as arguments and an
optional ITU region that scopes it (``None``: the whole mapping); these functions are the one
definition of that scope, and of the explore notebook's filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference


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


def scope_implementor_allocations(product: Product, region: str | None) -> pd.DataFrame:
    """The product's ``implementor_allocations`` in scope (all, or attributed to ``region``).

    The split itself is made once, by :func:`cyber_mapping.allocation.allocate`, so that the
    product and every report give each implementor the same cents.
    """
    rows = product.implementor_allocations
    return rows if region is None else rows[rows["region"] == region]


def member_states_in_scope(ref: Reference, region: str | None = None) -> pd.DataFrame:
    """ITU Member States (iso3, name, region) of the whole Union or of one region."""
    states = ref.member_states[["iso3", "itu_name", "region"]]
    return states if region is None else states[states["region"] == region]


def mapping_period(product: Product) -> tuple[int, int]:
    """First and last year of the product's mapping period (from its manifest)."""
    first, last = product.manifest["parameters"]["mapping_period"]
    return int(first), int(last)


def results_in_scope(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """Result rows of the activities in scope; in a region, only its countries' rows.

    A regional activity may name countries of other regions too: its rows for those
    countries belong to their regions' reports. Rows with no country stay with the activity.
    The one region filter of result rows, for every table and figure of results.
    """
    ids = scope_activity_ids(product, region)
    rows = product.results[product.results["activity_id"].isin(ids)]
    if region is not None:
        country = rows["country_iso3"].fillna("").astype(str)
        rows = rows[(country == "") | (country.map(ref.region_of()) == region)]
    return rows
