"""Need and gap, on the hand-built product of tests/handmade.py (figures worked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.analysis import need, shares
from tests.handmade import current


@pytest.fixture(scope="module")
def cur():
    return current()


def gci_frame():
    return pd.DataFrame(
        {
            "iso3": ["KEN", "UGA", "TZA", "BDI"],
            "tier": pd.array([1, 4, None, 5], dtype="Int64"),
            "tier_name": ["Role-modelling", "Evolving", "", "Building"],
            "verification": ["secondary", "secondary", "unverified", "secondary"],
        }
    )


def test_share_pct_by_hand():
    assert shares.share_pct(1, 8) == 12.5
    # 1/16 = 6.25 % -> 6.3 (half up, not 6.2 from binary floats or banker's rounding)
    assert shares.share_pct(1, 16) == 6.3
    assert shares.share_pct(8000, 17000) == 47.1  # 47.0588...
    assert shares.share_pct(5, 0) == 0.0
    assert shares.share_pct(-100, 2000) == -5.0


def test_reach_uses_delivered_only(cur, ref):
    reach = need.state_reach(cur, ref, "Africa").set_index("iso3")
    # KEN: A1 (Completed) and A6 (Ongoing); UGA: A1 and A2 (Ongoing): reached.
    assert reach.loc["KEN", ["delivered", "planned", "reach"]].tolist() == [2, 0, "reached"]
    assert reach.loc["UGA", ["delivered", "planned", "reach"]].tolist() == [2, 0, "reached"]
    # TZA is named only by A3 (Planned): planned only, not reached.
    assert reach.loc["TZA", ["delivered", "planned", "reach"]].tolist() == [0, 1, "planned only"]
    assert reach.loc["BDI", "reach"] == "not named"
    # 44 Member States in Africa: 2 reached, 1 planned only, 41 not named.
    assert reach["reach"].value_counts().to_dict() == {
        "not named": 41,
        "reached": 2,
        "planned only": 1,
    }
    # Fiji (Asia and the Pacific) is outside the Africa scope, reached overall by A4.
    overall = need.state_reach(cur, ref).set_index("iso3")
    assert "FJI" not in reach.index and overall.loc["FJI", "reach"] == "reached"


def test_spend_per_state_by_hand(cur, ref):
    t = need.spend_per_state(cur, ref).set_index("region")
    # Africa: KEN 3 000, UGA 3 000 + 4 000, TZA 1 000 = 11 000 over 3 beneficiaries
    # -> 3 666.67 -> 3 667; over 44 Member States -> 250.
    assert t.loc["Africa"].tolist() == [44, 3, 11000, 3667, 250]
    # Asia and the Pacific: FJI 6 000; 6 000 / 39 = 153.8 -> 154.
    assert t.loc["Asia and the Pacific"].tolist() == [39, 1, 6000, 6000, 154]
    # Europe: A5 is regional, no country-attributed spend.
    assert t.loc["Europe", "country_cents"] == 0 and t.loc["Europe", "per_beneficiary_cents"] == 0


def test_group_shares_by_hand(cur, ref):
    g = need.group_shares(cur, ref).set_index("group")
    # Country-attributed total 3 000 + 7 000 + 1 000 + 6 000 = 17 000 (A5 is regional).
    # LDC: UGA 7 000 + TZA 1 000 = 8 000 -> 47.06 % -> 47.1
    assert g.loc["LDC"].tolist() == [2, 8000, 47.1]
    # LLDC: UGA 7 000 -> 41.18 -> 41.2 ; SIDS: FJI 6 000 -> 35.29 -> 35.3
    assert g.loc["LLDC"].tolist() == [1, 7000, 41.2]
    assert g.loc["SIDS"].tolist() == [1, 6000, 35.3]
    # Any group: 8 000 + 6 000 = 14 000 (UGA counted once) -> 82.35 -> 82.4
    assert g.loc["LDC, LLDC or SIDS"].tolist() == [3, 14000, 82.4]
    africa = need.group_shares(cur, ref, "Africa").set_index("group")
    # Africa total 11 000: LDC 8 000 -> 72.7 ; LLDC 7 000 -> 63.6 ; SIDS 0
    assert africa["share"].tolist() == [72.7, 63.6, 0.0, 72.7]


def test_largest_recipients_by_hand(cur, ref):
    top = need.largest_recipients(cur, ref, top=3, gci=gci_frame())
    # UGA 7 000 (41.2 %), FJI 6 000 (35.3 %), KEN 3 000 (17.6 %); TZA 1 000 left out.
    assert top["iso3"].tolist() == ["UGA", "FJI", "KEN"]
    assert top["share"].tolist() == [41.2, 35.3, 17.6]
    assert top["groups"].tolist() == ["LDC, LLDC", "SIDS", ""]
    assert top["gci_tier"].tolist()[0] == 4 and pd.isna(top["gci_tier"].tolist()[1])
    assert top["gci_verification"].tolist() == ["secondary", "unverified", "secondary"]


def test_need_table_order(cur, ref):
    t = need.need_table(cur, ref, "Africa", gci=gci_frame())
    assert len(t) == 44
    # Burundi: not named, LDC and LLDC, GCI Tier 5: the first row.
    assert t.loc[0, "iso3"] == "BDI" and t.loc[0, "gci_tier_name"] == "Building"
    # Then the other not-named States; TZA (planned only), then the reached ones:
    # UGA (LDC, tier 4) before KEN (no group, tier 1).
    assert t["iso3"].tolist()[-3:] == ["TZA", "UGA", "KEN"]
    assert t.loc[t["iso3"] == "UGA", "cents"].item() == 7000
    # Without GCI data the columns are there and empty.
    bare = need.need_table(cur, ref, "Africa")
    assert bare["gci_tier"].isna().all() and set(bare["gci_verification"]) == {""}


def test_active_partners_by_hand(cur):
    t = need.active_partners(cur).set_index(["region", "theme"])
    cirt = t.loc[("Africa", "CIRT")]
    # A1 3 000 + 3 000 and A3 1 000: ITU RB 3 000, UK 3 000 (ties by name), EU 1 000.
    assert cirt["cents"] == 7000
    assert cirt["funders"] == "ITU regular budget; United Kingdom; European Union"
    assert cirt["partners"] == "FIRST; UNODC"
    assert t.loc[("Asia and the Pacific", "CIRT"), "funders"] == "Australia"
    assert t.loc[("Europe", "COP"), "cents"] == 5000
    with pytest.raises(ValueError, match="by is"):
        need.active_partners(cur, by="funder")


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**12))
def test_share_pct_is_the_exact_share_rounded(part, whole):
    from fractions import Fraction

    exact = Fraction(part * 100, whole)
    assert abs(Fraction(shares.share_pct(part, whole)).limit_denominator(10) - exact) <= Fraction(
        1, 20
    )


states = st.sampled_from(["KEN", "UGA", "TZA", "BDI", "FJI"])
statuses = st.sampled_from(["Completed", "Ongoing", "Planned"])


@given(st.lists(st.tuples(states, statuses, st.integers(0, 10**6)), max_size=10))
def test_reach_partitions_the_states(ref, named):
    from tests.handmade import REGION, activity, alloc, make_product

    if not named:
        named = [("KEN", "Planned", 0)]
    acts = [activity(f"X{i}", s, "2021-01-01") for i, (_, s, _) in enumerate(named)]
    places = [(f"X{i}", c, REGION[c]) for i, (c, _, _) in enumerate(named)]
    allocs = [alloc(f"X{i}", c, 2021, v, status=s) for i, (c, s, v) in enumerate(named)]
    p = make_product(acts, places, allocs)
    reach = need.state_reach(p, ref)
    assert len(reach) == len(ref.member_states)
    delivered = {c for c, s, _ in named if s in need.DELIVERED}
    planned = {c for c, s, _ in named if s == "Planned"} - delivered
    by = reach.set_index("iso3")["reach"]
    assert set(by[by == need.REACHED].index) == delivered
    assert set(by[by == need.PLANNED_ONLY].index) == planned
    # Spend per region adds up to all country-attributed spend (all five are Member States).
    per = need.spend_per_state(p, ref)
    assert int(per["country_cents"].sum()) == sum(v for _, _, v in named)


def test_need_table_lists_planned_only_and_not_named_first(cur, ref):
    # Africa: 44 Member States, KEN and UGA reached -> 42 (41 not named + TZA planned only),
    # listed before the reached ones.
    table = need.need_table(cur, ref, "Africa", gci=gci_frame())
    assert set(table["reach"].iloc[42:]) == {need.REACHED}
    out = table.iloc[:42]
    assert len(out) == 42 and out.loc[0, "iso3"] == "BDI"
    assert out["reach"].value_counts().to_dict() == {"not named": 41, "planned only": 1}
