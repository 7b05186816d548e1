"""Coordination: BDT headquarters and the Regional and Area Offices, leads and joint work.

Who implements the activities in scope (an activity's spend split equally among its
implementors where the split matters), which office leads, which activities are carried
out jointly, and which rows of different workbooks may be one activity reported twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.scope import (
    scope_activity_ids,
    scope_allocations,
    scope_implementor_allocations,
)
from cyber_mapping.analysis.shares import share_pct
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference


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
    rows = scope_implementor_allocations(product, region)
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
