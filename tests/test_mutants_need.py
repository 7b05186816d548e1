"""Mutation-killing tests for cyber_mapping.analysis.need (hand-worked expectations)."""

from __future__ import annotations

from cyber_mapping.analysis import need
from tests.handmade import activity, alloc, make_product


def _zero_cent_country():
    # 1 cent split equally over UGA and BDI by the largest-remainder method: UGA 1, BDI 0.
    # BDI is named (and so has an allocation row) but receives nothing; a funder (EU) has a
    # 0-cent row too.
    return make_product(
        [activity("A1", "Completed", "2024-01-01", "2024-12-31", partners="FIRST")],
        [("A1", "UGA", "Africa"), ("A1", "BDI", "Africa")],
        [
            alloc("A1", "UGA", 2024, 1),
            alloc("A1", "BDI", 2024, 0),
            alloc("A1", "UGA", 2024, 0, funder="European Union"),
        ],
    )


def test_a_state_with_zero_spend_is_not_a_beneficiary(ref):
    # Africa: country_cents 1; beneficiaries = States with spend > 0 = 1 (UGA; BDI got 0);
    # per beneficiary 1 / 1 = 1 cent; per Member State 1 / 44 rounds half up to 0.
    row = need.spend_per_state(_zero_cent_country(), ref).set_index("region").loc["Africa"]
    assert row.tolist() == [44, 1, 1, 1, 0]


def test_group_states_count_only_states_with_spend(ref):
    # UGA (LDC, LLDC) 1 cent, BDI (LDC, LLDC) 0: one State of each group with spend.
    # Shares: 1 of 1 = 100.0 %.
    g = need.group_shares(_zero_cent_country(), ref).set_index("group")
    assert g.loc["LDC"].tolist() == [1, 1, 100.0]
    assert g.loc["LLDC"].tolist() == [1, 1, 100.0]
    assert g.loc["LDC, LLDC or SIDS"].tolist() == [1, 1, 100.0]


def test_a_funder_with_no_spend_is_not_listed_as_active():
    # ITU regular budget 1 + 0 cents, European Union 0: only the regular budget is active.
    t = need.active_partners(_zero_cent_country()).set_index(["region", "theme"])
    assert t.loc[("Africa", "CIRT"), "funders"] == "ITU regular budget"
    assert t.loc[("Africa", "CIRT"), "cents"] == 1
