"""The figures of a report's summary: activities, Member States reached, spend and leaders."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.scope import (
    member_states_in_scope,
    scope_activity_ids,
    scope_allocations,
)
from cyber_mapping.analysis.shares import rounded_shares
from cyber_mapping.analysis.spend import ACTUAL, ESTIMATED, implementor_spend, spend_by
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference


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
