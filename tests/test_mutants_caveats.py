"""Mutation-killing tests for cyber_mapping.analysis.caveats (hand-worked expectations)."""

from __future__ import annotations

from cyber_mapping.analysis import caveats
from tests.handmade import activity, alloc, make_product


def _product(read, quarantined, rows, manifest_quarantined=True):
    cents = {"read": read, "processed": read - quarantined}
    if manifest_quarantined:
        cents["quarantined"] = quarantined
    return make_product(
        [activity("B1", "Completed", "2021-01-01")],
        [("B1", "KEN", "Africa")],
        [alloc("B1", "KEN", 2021, read - quarantined)],
        quarantine=rows,
        manifest={"built_at": "2025-07-01T08:00:00+00:00", "inputs": [], "chf_cents": cents},
    )


def test_threshold_in_hundredths_is_rounded_not_truncated():
    # threshold 0.29 %: 0.29 * 100 is 28.999999999999996 in binary floating point, so the
    # hundredths must be round()ed to 29, not int()ed to 28.
    # read 10 000 cents, quarantined 29: 29 * 10 000 = 290 000 > 10 000 * 29 = 290 000 is
    # False -> exactly 0.29 % is not "more than 0.29 %". Truncation (28) would say material.
    rows = [("wb1.xlsx", "Expenditure", 3, "A", 29)]
    bias = caveats.quarantine_bias(_product(10_000, 29, rows), threshold_pct=0.29)
    assert bias.material is False
    # One cent more: 30 * 10 000 = 300 000 > 290 000 -> material.
    rows = [("wb1.xlsx", "Expenditure", 3, "A", 30)]
    assert caveats.quarantine_bias(_product(10_000, 30, rows), threshold_pct=0.29).material


def test_quarantined_total_comes_from_the_manifest():
    # The manifest says 4 000 cents were quarantined; the rows hold 1 000 + 1 000 = 2 000.
    # The total (and the shares' denominator) is the manifest's: each workbook 1 000 / 4 000
    # = 25.0 %; summing the rows instead would give 50.0 % each.
    rows = [("a.xlsx", "Expenditure", 3, "A", 1_000), ("b.xlsx", "Expenditure", 3, "B", 1_000)]
    bias = caveats.quarantine_bias(_product(100_000, 4_000, rows))
    assert bias.quarantined_cents == 4_000
    assert bias.by_workbook["share"].tolist() == [25.0, 25.0]
    # Without a manifest figure the rows' sum is used: 2 000, 50.0 % each.
    bias = caveats.quarantine_bias(_product(100_000, 2_000, rows, manifest_quarantined=False))
    assert bias.quarantined_cents == 2_000
    assert bias.by_workbook["share"].tolist() == [50.0, 50.0]
