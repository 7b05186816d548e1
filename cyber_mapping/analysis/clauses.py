"""Mandate coverage by clause: the clauses instructing BDT that activities in scope cite.

Only explicit citations count (an activity's Clauses column, ``activity_clauses``): an
activity that states no clause is "clause not stated", never evidence that a clause has no
activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.scope import scope_activity_ids, scope_allocations
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference


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
