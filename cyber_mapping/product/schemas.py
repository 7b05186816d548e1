"""Pandera schemas of the tables the build adds: the allocations (stage 2).

They double as the data dictionary of ``allocations`` and ``implementor_allocations`` (the
same columns with the implementor); the vocabularies (statuses, cost types, bases) are those
of the clean stage.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from cyber_mapping.intake.schemas import BASES, COST_TYPES, STATUSES


class AllocationTable(pa.DataFrameModel):
    """Stage 2: one share of spend (activity × year × resolution × place)."""

    expenditure_id: Series[str]
    activity_id: Series[str]
    resolution_id: Series[str]
    country_iso3: Series[str] = pa.Field(nullable=True, description="Empty for regional/global")
    region: Series[str]
    year: Series[int] = pa.Field(ge=1990, le=2100)
    funder: Series[str]
    cost_type: Series[str] = pa.Field(isin=COST_TYPES)
    basis: Series[str] = pa.Field(isin=BASES)
    status: Series[str] = pa.Field(isin=STATUSES)
    theme: Series[str]
    amount_cents: Series[int] = pa.Field(ge=0, description="CHF cents")
    amount_chf: Series[float] = pa.Field(ge=0, description="CHF")

    class Config:
        coerce = True  # categorical columns in memory are validated as text


class ImplementorAllocationTable(AllocationTable):
    """Stage 2: each allocation row split equally across its activity's implementors.

    The allocation row's columns (and their checks) with its implementor.
    """

    implementor: Series[str] = pa.Field(str_length={"min_value": 1})
