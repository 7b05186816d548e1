"""Mutation-killing tests for cyber_mapping.analysis.change (hand-worked expectations)."""

from __future__ import annotations

from cyber_mapping.analysis.change import compare, reached_states
from tests.handmade import activity, alloc, make_product


def test_an_observer_named_by_delivered_work_is_not_a_reached_member_state(ref):
    # PSE (State of Palestine) is an observer, not one of the 194 Member States: a delivered
    # activity naming it and KEN reaches KEN only. A mutant that drops the intersection
    # with ref.member_states would report PSE as newly reached.
    assert "PSE" not in set(ref.member_states["iso3"])
    before = make_product(
        [activity("A1", "Planned", "2024-01-01")],
        [("A1", "KEN", "Africa")],
        [alloc("A1", "KEN", 2024, 100)],
    )
    now = make_product(
        [activity("A1", "Completed", "2024-01-01")],
        [("A1", "KEN", "Africa"), ("A1", "PSE", "Arab States")],
        [alloc("A1", "KEN", 2024, 100)],
    )
    assert reached_states(now, ref) == {"KEN"}
    changes = compare(before, now, ref)
    assert changes.newly_reached == ("KEN",)
    assert changes.no_longer_reached == ()
