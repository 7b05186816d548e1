"""Need and gap: where partners could focus, and who is already there.

Words are used in one sense everywhere (the same in summary, tables and captions):

* **delivered**: an activity whose status is Completed or Ongoing;
* **reached**: a Member State named as beneficiary by at least one delivered activity;
* **planned only**: named by Planned activities and by no delivered one;
* **not named**: named by no activity at all;
* **country-attributed spend**: allocation rows with a country (regional and global spend,
  which names no country, is excluded), actual and estimated unless ``basis`` says otherwise.

Need signals are LDC/LLDC/SIDS status (:func:`country_groups`) and the ITU Global
Cybersecurity Index 2024 tier (:func:`cyber_mapping.reference.load_gci`), which is passed in
as a frame so that a user's corrected file is used when given.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis.scope import member_states_in_scope, scope_allocations
from cyber_mapping.analysis.shares import share_pct
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference, name_key

DELIVERED = ("Completed", "Ongoing")
PLANNED = "Planned"
REACHED, PLANNED_ONLY, NOT_NAMED = "reached", "planned only", "not named"


GROUPS = ("LDC", "LLDC", "SIDS")


def country_groups(ref: Reference) -> dict[str, list[str]]:
    """ISO3 -> the LDC/LLDC/SIDS groups it belongs to (non-UN SIDS count as SIDS)."""
    groups = ref.groups.assign(group=ref.groups["group"].replace({"SIDS_nonUN": "SIDS"}))
    groups = groups[groups["group"].isin(GROUPS)]
    return groups.groupby("iso3")["group"].agg(lambda s: sorted(set(s))).to_dict()


def _named(product: Product, region: str | None) -> pd.DataFrame:
    """Pairs (country_iso3, activity_id, status) of activities naming a country in scope."""
    places = product.activity_places
    if region is not None:
        places = places[places["region"] == region]
    places = places[places["country_iso3"].notna() & (places["country_iso3"] != "")]
    status = product.activities[["activity_id", "status"]]
    pairs = places[["activity_id", "country_iso3"]].merge(status, on="activity_id", how="inner")
    return pairs.drop_duplicates().astype({"country_iso3": str, "status": str})


def state_reach(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """Every Member State in scope and whether delivered work reached it.

    Returns
    -------
    pandas.DataFrame
        ``iso3``, ``name``, ``region``, ``delivered`` (delivered activities naming it),
        ``planned`` (Planned activities naming it) and ``reach`` (``reached``,
        ``planned only`` or ``not named``), in region then name order.
    """
    states = member_states_in_scope(ref, region).rename(columns={"itu_name": "name"})
    pairs = _named(product, region)
    delivered = pairs[pairs["status"].isin(DELIVERED)].groupby("country_iso3").size()
    planned = pairs[pairs["status"] == PLANNED].groupby("country_iso3").size()
    out = states.assign(
        delivered=states["iso3"].map(delivered).fillna(0).astype("int64"),
        planned=states["iso3"].map(planned).fillna(0).astype("int64"),
    )
    out["reach"] = NOT_NAMED
    out.loc[out["planned"] > 0, "reach"] = PLANNED_ONLY
    out.loc[out["delivered"] > 0, "reach"] = REACHED
    return out.sort_values(["region", "name"]).reset_index(drop=True)


def _country_rows(product: Product, region: str | None, basis: str | None) -> pd.DataFrame:
    rows = scope_allocations(product, region)
    rows = rows[rows["country_iso3"].notna() & (rows["country_iso3"] != "")]
    if basis is not None:
        rows = rows[rows["basis"] == basis]
    return rows


def country_cents(
    product: Product, region: str | None = None, basis: str | None = None
) -> dict[str, int]:
    """Country-attributed spend (cents) per ISO3 code in scope."""
    rows = _country_rows(product, region, basis)
    sums = rows.groupby(rows["country_iso3"].astype(str))["amount_cents"].sum()
    return {str(k): int(v) for k, v in sums.items()}


def spend_per_state(product: Product, ref: Reference, basis: str | None = None) -> pd.DataFrame:
    """Country-attributed spend per beneficiary Member State, by ITU region.

    Returns
    -------
    pandas.DataFrame
        One row per region: ``member_states`` (of the region), ``beneficiaries`` (Member
        States of the region with country-attributed spend), ``country_cents`` (spend
        attributed to the region's Member States; an observer's, such as the State of
        Palestine's, is left out here but counted in :func:`group_shares`),
        ``per_beneficiary_cents`` (country_cents / beneficiaries) and
        ``per_member_state_cents`` (country_cents / member_states), both rounded half up to
        the cent; 0 when the divisor is 0.
    """
    states = ref.member_states
    spend = country_cents(product, None, basis)
    rows = []
    for region in ref.region_names:
        members = set(states.loc[states["region"] == region, "iso3"])
        cents = sum(v for k, v in spend.items() if k in members)
        beneficiaries = sum(1 for k, v in spend.items() if k in members and v > 0)
        rows.append(
            {
                "region": region,
                "member_states": len(members),
                "beneficiaries": beneficiaries,
                "country_cents": cents,
                "per_beneficiary_cents": _div_half_up(cents, beneficiaries),
                "per_member_state_cents": _div_half_up(cents, len(members)),
            }
        )
    return pd.DataFrame(rows)


def _div_half_up(num: int, den: int) -> int:
    return 0 if den == 0 else (2 * num + den) // (2 * den)


def group_shares(
    product: Product, ref: Reference, region: str | None = None, basis: str | None = None
) -> pd.DataFrame:
    """Share of country-attributed spend going to LDCs, LLDCs, SIDS, and to any of them.

    A country can be in two groups (e.g. an LDC that is also a SIDS), so the rows overlap and
    their shares do not add up to 100; ``share`` is unforced, one decimal, half up.

    Returns
    -------
    pandas.DataFrame
        ``group`` (LDC, LLDC, SIDS, "LDC, LLDC or SIDS"), ``states`` (countries of the group
        with country-attributed spend in scope), ``cents``, ``share`` (percent of all
        country-attributed spend in scope).
    """
    spend = country_cents(product, region, basis)
    total = sum(spend.values())
    groups = country_groups(ref)
    rows = []
    for name in (*GROUPS, "LDC, LLDC or SIDS"):
        members = {c for c, g in groups.items() if (name in g) or (name not in GROUPS and g)}
        mine = {k: v for k, v in spend.items() if k in members}
        cents = sum(mine.values())
        rows.append(
            {
                "group": name,
                "states": sum(1 for v in mine.values() if v > 0),
                "cents": cents,
                "share": share_pct(cents, total),
            }
        )
    return pd.DataFrame(rows)


def _gci_columns(frame: pd.DataFrame, gci: pd.DataFrame | None) -> pd.DataFrame:
    if gci is None:
        return frame.assign(
            gci_tier=pd.array([pd.NA] * len(frame), dtype="Int64"),
            gci_tier_name="",
            gci_verification="",
        )
    g = gci.set_index("iso3")
    return frame.assign(
        gci_tier=frame["iso3"].map(g["tier"]).astype("Int64"),
        gci_tier_name=frame["iso3"].map(g["tier_name"]).fillna(""),
        gci_verification=frame["iso3"].map(g["verification"]).fillna("unverified"),
    )


def largest_recipients(
    product: Product,
    ref: Reference,
    region: str | None = None,
    top: int = 10,
    gci: pd.DataFrame | None = None,
    basis: str | None = None,
) -> pd.DataFrame:
    """The ``top`` countries by country-attributed spend, with their need signals.

    Returns ``iso3``, ``name``, ``region``, ``cents``, ``share`` (percent of country-attributed
    spend in scope, unforced), ``groups`` and the GCI columns; largest first, ties by name.
    """
    spend = country_cents(product, region, basis)
    total = sum(spend.values())
    names, regions = ref.country_name(), ref.region_of()
    groups = country_groups(ref)
    frame = pd.DataFrame(
        [
            {
                "iso3": k,
                "name": names.get(k, k),
                "region": regions.get(k, ""),
                "cents": v,
                "share": share_pct(v, total),
                "groups": ", ".join(groups.get(k, [])),
            }
            for k, v in spend.items()
            if v > 0
        ],
        columns=["iso3", "name", "region", "cents", "share", "groups"],
    )
    frame = frame.sort_values(["cents", "name"], ascending=[False, True]).head(top)
    return _gci_columns(frame.reset_index(drop=True), gci)


def need_table(
    product: Product,
    ref: Reference,
    region: str | None = None,
    gci: pd.DataFrame | None = None,
    basis: str | None = None,
) -> pd.DataFrame:
    """Member States in scope with their reach, spend and need signals, neediest first.

    Order: not reached first (``not named``, then ``planned only``, then ``reached``); within
    that, LDC/LLDC/SIDS before others, then the higher GCI tier number (5, least advanced)
    first with unknown tiers after known ones, then the smaller country-attributed spend,
    then name. The order is a reading aid, not a score.

    Returns
    -------
    pandas.DataFrame
        ``iso3``, ``name``, ``region``, ``reach``, ``delivered``, ``planned``, ``cents``,
        ``groups`` and ``gci_tier``, ``gci_tier_name``, ``gci_verification``.
    """
    reach = state_reach(product, ref, region)
    spend = country_cents(product, region, basis)
    groups = country_groups(ref)
    out = reach.assign(
        cents=reach["iso3"].map(spend).fillna(0).astype("int64"),
        groups=reach["iso3"].map(lambda c: ", ".join(groups.get(c, []))),
    )
    out = _gci_columns(out, gci)
    order = {NOT_NAMED: 0, PLANNED_ONLY: 1, REACHED: 2}
    keys = pd.DataFrame(
        {
            "reach": out["reach"].map(order),
            "group": (out["groups"] == "").astype(int),
            "tier_known": out["gci_tier"].isna().astype(int),
            "tier": -out["gci_tier"].fillna(0).astype("int64"),
            "cents": out["cents"],
            "name": out["name"],
        }
    )
    index = keys.sort_values(list(keys.columns), kind="stable").index
    return out.loc[index].reset_index(drop=True)


def _split_list(text: object) -> list[str]:
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return []
    parts = str(text).replace("\n", ";").split(";")
    return [p.strip() for p in parts if p.strip()]


def _partner_spellings(partners_of: dict[str, list[str]]) -> dict[str, str]:
    """Folded partner name -> the one spelling shown for it.

    "Cyber Security Authority Ghana" and "Cyber Security Authority (Ghana)" fold to one key
    (:func:`~cyber_mapping.reference.name_key`); the spelling most activities use is shown,
    on a tie the first in the activities' order.
    """
    counts: dict[str, dict[str, int]] = {}
    for names in partners_of.values():
        for name in dict.fromkeys(names):
            spellings = counts.setdefault(name_key(name), {})
            spellings[name] = spellings.get(name, 0) + 1
    return {key: max(sp, key=sp.__getitem__) for key, sp in counts.items()}


def active_partners(
    product: Product, region: str | None = None, by: str = "theme"
) -> pd.DataFrame:
    """Funders and partners already active, per region and ``by`` (``theme`` or ``resolution_id``).

    Funders come from the spend (allocations in scope); partners from the activities'
    ``partners`` text (split on ``;``), for activities with spend in the cell; two spellings
    of one partner (same :func:`~cyber_mapping.reference.name_key`) are one partner. Funders
    are the canonical ones (agencies rolled up), largest spend first; partners alphabetically.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``by`` column, ``cents``, ``funders`` (``"; "``-joined), ``partners``.
    """
    if by not in ("theme", "resolution_id"):
        raise ValueError("by is 'theme' or 'resolution_id'")
    rows = scope_allocations(product, region)
    partners_of = {}
    if "partners" in product.activities.columns:
        partners_of = dict(
            zip(
                product.activities["activity_id"],
                product.activities["partners"].map(_split_list),
                strict=True,
            )
        )
    spelling = _partner_spellings(partners_of)
    out = []
    frame = rows[["region", by, "funder", "activity_id", "amount_cents"]].astype(
        {"region": str, by: str, "funder": str, "activity_id": str}
    )
    for (reg, key), cell in frame.groupby(["region", by], sort=True):
        funders = cell.groupby("funder")["amount_cents"].sum()
        funders = funders[funders > 0].reset_index()
        funders = funders.sort_values(["amount_cents", "funder"], ascending=[False, True])
        partner_names = sorted(
            {
                spelling.get(name_key(p), p)
                for a in cell["activity_id"].unique()
                for p in partners_of.get(a, [])
            },
            key=str.casefold,
        )
        out.append(
            {
                "region": reg,
                by: key,
                "cents": int(cell["amount_cents"].sum()),
                "funders": "; ".join(funders["funder"]),
                "partners": "; ".join(partner_names),
            }
        )
    return pd.DataFrame(out, columns=["region", by, "cents", "funders", "partners"])


def low_spend_threshold(product: Product, ref: Reference, region: str | None = None) -> int:
    """A quarter of the average country-attributed spend per beneficiary Member State (cents).

    The average is over Member States in scope with spend attributed to them, rounded half
    up to the cent, then quartered (half up); 0 when no Member State has spend.
    """
    members = set(member_states_in_scope(ref, region)["iso3"])
    spend = {k: v for k, v in country_cents(product, region).items() if k in members and v > 0}
    average = _div_half_up(sum(spend.values()), len(spend))
    return _div_half_up(average, 4)


def region_rank(
    per_state: pd.DataFrame, region: str, column: str = "per_beneficiary_cents"
) -> tuple[int, int]:
    """``(rank, regions)``: the place of ``region`` (1 = highest ``column``).

    Among regions with a beneficiary; ties share the better place; ``(0, n)`` when
    ``region`` has none.
    """
    rows = per_state[per_state["beneficiaries"] > 0]
    values = dict(zip(rows["region"], rows[column], strict=True))
    if region not in values:
        return 0, len(values)
    return 1 + sum(1 for v in values.values() if v > values[region]), len(values)
