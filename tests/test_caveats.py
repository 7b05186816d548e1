"""Statuses contradicted by the as-of date, and quarantine bias (worked by hand)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.analysis import caveats
from tests.handmade import AS_OF, activity, alloc, current, make_product


def test_stale_statuses_by_hand():
    # as of 30 Jun 2025: A2 Ongoing ended 30 Jun 2023; A3 Planned ended 31 Mar 2025;
    # A4 Completed starts 1 Jan 2026. A6 Ongoing ends ON the as-of date: not stale.
    # A5 Planned with no end date: nothing to contradict.
    stale = caveats.stale_statuses(current(), AS_OF)
    assert stale.ids == ("A2", "A3", "A4")
    assert stale.count == 3 and stale.activities == 6
    assert stale.by_rule() == {
        caveats.PLANNED_ENDED: 1,
        caveats.ONGOING_ENDED: 1,
        caveats.COMPLETED_NOT_STARTED: 1,
    }
    # One day later A6 has ended too.
    assert "A6" in caveats.stale_statuses(current(), dt.date(2025, 7, 1)).ids
    # In the Asia and the Pacific scope only A4 (Fiji) is in scope.
    assert caveats.stale_statuses(current(), AS_OF, "Asia and the Pacific").ids == ("A4",)


def test_completed_starting_on_the_as_of_date_is_not_stale():
    p = make_product(
        [activity("B1", "Completed", "2025-06-30", "2025-06-30")],
        [("B1", "KEN", "Africa")],
        [alloc("B1", "KEN", 2025, 100)],
    )
    assert caveats.stale_statuses(p, AS_OF).count == 0


def _with_quarantine(read, quarantined, rows, gross=None):
    cents = {"read": read, "processed": read - quarantined, "quarantined": quarantined}
    if gross is not None:  # (read, quarantined) counted gross, as builds since issue 19
        cents.update(read_gross=gross[0], quarantined_gross=gross[1])
    manifest = {
        "built_at": "2025-07-01T08:00:00+00:00",
        "inputs": [],
        "chf_cents": cents,
    }
    return make_product(
        [activity("B1", "Completed", "2021-01-01")],
        [("B1", "KEN", "Africa")],
        [alloc("B1", "KEN", 2021, read - quarantined)],
        quarantine=rows,
        manifest=manifest,
    )


def test_quarantine_bias_by_hand():
    # Counted gross: quarantined 1 500 + 600 + |-100| = 2 200 of read 98 000 + 2 200 = 100 200
    # -> 2 200 / 100 200 = 2.196 % -> 2.2 % > 1 %: material.
    # wb1 1 500 / 2 200 = 68.18 -> 68.2 %; wb2 600 + 100 = 700 / 2 200 = 31.82 -> 31.8 %
    # (net it would be 500: a negative correction must not hide spend set aside);
    # wb3 unreadable amount -> 0.
    rows = [
        ("wb1.xlsx", "Expenditure", 3, "A", 1500),
        ("wb2.xlsx", "Expenditure", 4, "B", 600),
        ("wb2.xlsx", "Expenditure", 5, "B", -100),
        ("wb3.xlsx", "Expenditure", 6, "C", None),
    ]
    bias = caveats.quarantine_bias(_with_quarantine(100_000, 2_000, rows, (100_200, 2_200)))
    assert bias.share == 2.2 and bias.material
    t = bias.by_workbook
    assert t["workbook"].tolist() == ["wb1.xlsx", "wb2.xlsx", "wb3.xlsx"]
    assert t["cents"].tolist() == [1500, 700, 0]
    assert t["share"].tolist() == [68.2, 31.8, 0.0]


def test_set_aside_rows_of_opposite_signs_do_not_cancel_out():
    # +1 000 000 and -1 000 000 set aside: CHF 2 000 000 gross (net would be 0, and the
    # summary would say nothing). Read gross 1 000 000 processed + 2 000 000 set aside =
    # 3 000 000 francs; 2 000 000 / 3 000 000 = 66.67 % -> 66.7 %.
    rows = [
        ("wb1.xlsx", "Expenditure", 3, "A", 100_000_000),
        ("wb1.xlsx", "Expenditure", 4, "A", -100_000_000),
    ]
    product = _with_quarantine(100_000_000, 0, rows, (300_000_000, 200_000_000))
    bias = caveats.quarantine_bias(product)
    assert bias.quarantined_cents == 200_000_000
    assert bias.share == 66.7
    assert bias.material
    assert bias.by_workbook["cents"].tolist() == [200_000_000]


@pytest.mark.parametrize(
    ("quarantined", "material"),
    # exactly 1 % is not "more than 1 %"; one cent more is.
    [(1_000, False), (1_001, True), (0, False)],
)
def test_quarantine_threshold_is_strict(quarantined, material):
    rows = [("wb1.xlsx", "Expenditure", 3, "A", quarantined)]
    assert (
        caveats.quarantine_bias(_with_quarantine(100_000, quarantined, rows)).material is material
    )


def test_quarantine_bias_on_the_sample_reconciles(small):
    bias = caveats.quarantine_bias(small)
    assert int(bias.by_workbook["cents"].sum()) == bias.quarantined_cents


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 10**9)), max_size=20))
def test_workbook_parts_add_up_to_the_quarantined_total(parts):
    total = sum(c for _, c in parts)
    rows = [(f"{w}.xlsx", "Expenditure", i + 2, "X", c) for i, (w, c) in enumerate(parts)]
    bias = caveats.quarantine_bias(_with_quarantine(10**12, total, rows))
    assert int(bias.by_workbook["cents"].sum()) == total
    assert bias.material == (total * 100 > 10**12)


def test_stale_statuses_on_a_loaded_product(small):
    # tests/conftest.py: A1 Completed, starts 1 Jan 2021; as of 1 Jan 2020 it cannot be
    # completed. A2 (Ongoing) and A3 (Planned) have no end date; A4 Completed in May 2019.
    stale = caveats.stale_statuses(small, dt.date(2020, 1, 1))
    assert stale.ids == ("A1",)
    assert stale.by_rule() == {caveats.COMPLETED_NOT_STARTED: 1}
    assert caveats.stale_statuses(small, dt.date(2021, 1, 1)).count == 0
