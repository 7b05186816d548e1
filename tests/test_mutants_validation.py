"""Mutation-killing tests for the reconciliation (intake.quarantine), worked out by hand."""

from __future__ import annotations

from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _spend(**kw):
    return {**GOOD_SPEND, **kw}


def test_unconverted_amounts_of_one_currency_add_up(tmp_path):
    # USD 500 and USD 250 in 2031 (no rate yet): USD 750.00 = 75 000 cents unconverted, not
    # the last line's 25 000. CHF 100 converts: read = processed = 10 000 cents.
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[GOOD_ACTIVITY],
        expenditure=[
            _spend(Period=2031, Amount=500, Currency="USD"),
            _spend(Period=2031, Amount=250, Currency="USD"),
            _spend(Amount=100),
        ],
    )
    rec = validate_folder(tmp_path).reconciliation
    assert rec["unconverted_cents"] == {"USD": 75_000}
    assert rec["rows_amount_unconverted"] == 2
    assert rec["chf_cents_read"] == rec["chf_cents_processed"] == 10_000


def test_unreadable_amounts_are_counted_not_the_readable_ones(tmp_path):
    # Three lines: "lots" cannot be read; CHF 100 and CHF 200 can. Unreadable rows: 1.
    # read 10 000 + 20 000 = 30 000 cents = processed; nothing readable quarantined.
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[GOOD_ACTIVITY],
        expenditure=[_spend(Amount="lots"), _spend(Amount=100), _spend(Amount=200)],
    )
    rec = validate_folder(tmp_path).reconciliation
    assert rec["rows_amount_unreadable"] == 1
    assert rec["chf_cents_read"] == rec["chf_cents_processed"] == 30_000
    assert rec["chf_cents_quarantined"] == 0


def test_a_quarantined_negative_amount_keeps_its_sign(tmp_path):
    # CHF -100 is refused and quarantined as read: -10 000 cents. read = 100 000 - 10 000 =
    # 90 000 = processed 100 000 + quarantined (-10 000).
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[GOOD_ACTIVITY],
        expenditure=[_spend(Amount=-100), _spend(Amount=1000)],
    )
    rec = validate_folder(tmp_path).reconciliation
    assert rec["chf_cents_processed"] == 100_000
    assert rec["chf_cents_quarantined"] == -10_000
    assert rec["chf_cents_read"] == 90_000
