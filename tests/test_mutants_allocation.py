"""Mutation-killing tests for cyber_mapping.allocation (hand-worked expectations)."""

from __future__ import annotations

import pandas as pd

from cyber_mapping.allocation import allocate


def _one_activity(
    implementors, cents=100, start="2022-01-01", end="2022-12-31", years=(2022, 2022)
):
    acts = pd.DataFrame(
        [
            {
                "activity_id": "A",
                "start_date": pd.Timestamp(start),
                "end_date": pd.Timestamp(end),
                "status": "Completed",
                "theme": "Incident response and CIRTs",
            }
        ]
    )
    exp = pd.DataFrame(
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": years[0],
                "year_end": years[1],
                "chf_cents": cents,
                "funder": "ITU regular budget",
                "cost_type": "Non-staff",
                "basis": "Actual",
            }
        ]
    )
    res = pd.DataFrame(
        [{"activity_id": "A", "position": 0, "resolution_id": "PP-130", "weight": 1}]
    )
    places = pd.DataFrame(
        [
            {
                "activity_id": "A",
                "position": 0,
                "country_iso3": "KEN",
                "region": "Africa",
                "weight": 1,
            }
        ]
    )
    impls = pd.DataFrame(
        [{"activity_id": "A", "position": k, "implementor": n} for k, n in enumerate(implementors)]
    )
    return allocate(acts, exp, res, places, impls)


def test_implementors_are_listed_alphabetically_whatever_the_order_written():
    # Written RO Africa, BDT (HQ), Area Office Dakar; 100 cents / 3 = 33 rem 1: the first
    # written (RO Africa, turn 0 on row 0) gets 34. Tables grouped by implementor list them
    # alphabetically (categories sorted), not in the order of the first activity read.
    out = _one_activity(["Regional Office for Africa", "BDT (HQ)", "Area Office Dakar"])
    impl = out.implementor_allocations
    totals = impl.groupby("implementor", observed=True)["amount_cents"].sum()
    assert list(totals.index) == ["Area Office Dakar", "BDT (HQ)", "Regional Office for Africa"]
    assert totals.tolist() == [33, 33, 34]


def test_leftover_cents_restart_with_the_first_implementor_on_each_line():
    # Two expenditure lines of one activity, 100 cents each, one row each (one year,
    # resolution and place). Each row is the line's row k = 0, so its leftover cent goes to
    # the first implementor written: 34, 33, 33 on both lines -> RO Africa 68, HQ 66,
    # Dakar 66. (Counting rows across lines would give line 2's cent to HQ: 67, 67, 66.)
    acts = pd.DataFrame(
        [
            {
                "activity_id": "A",
                "start_date": pd.Timestamp("2022-01-01"),
                "end_date": pd.Timestamp("2022-12-31"),
                "status": "Completed",
                "theme": "Incident response and CIRTs",
            }
        ]
    )
    exp = pd.DataFrame(
        [
            {
                "expenditure_id": f"x:{n}",
                "activity_id": "A",
                "year_start": 2022,
                "year_end": 2022,
                "chf_cents": 100,
                "funder": "ITU regular budget",
                "cost_type": "Non-staff",
                "basis": "Actual",
            }
            for n in (2, 3)
        ]
    )
    res = pd.DataFrame(
        [{"activity_id": "A", "position": 0, "resolution_id": "PP-130", "weight": 1}]
    )
    places = pd.DataFrame(
        [
            {
                "activity_id": "A",
                "position": 0,
                "country_iso3": "KEN",
                "region": "Africa",
                "weight": 1,
            }
        ]
    )
    names = ["Regional Office for Africa", "BDT (HQ)", "Area Office Dakar"]
    impls = pd.DataFrame(
        [{"activity_id": "A", "position": k, "implementor": n} for k, n in enumerate(names)]
    )
    impl = allocate(acts, exp, res, places, impls).implementor_allocations
    totals = impl.groupby("implementor", observed=True)["amount_cents"].sum().to_dict()
    assert totals == {"Area Office Dakar": 66, "BDT (HQ)": 66, "Regional Office for Africa": 68}
