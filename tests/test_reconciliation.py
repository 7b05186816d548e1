"""Every franc accounted for: the reconciliation over awkward but realistic workbooks.

Each test reproduces a finding of issue 10; the expected figures are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.cli import main
from cyber_mapping.contract import SHEETS
from cyber_mapping.intake.validation import validate_folder
from cyber_mapping.product.build import build
from cyber_mapping.product.store import load
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _act(**kw):
    return {**GOOD_ACTIVITY, **kw}


def _spend(**kw):
    return {**GOOD_SPEND, **kw}


def _balances(rec: dict) -> bool:
    return rec["chf_cents_read"] == rec["chf_cents_processed"] + rec["chf_cents_quarantined"]


def _titled_workbook(path, title_rows, activities, expenditure):
    """A workbook whose sheets carry ``title_rows`` (lists of cells) above the header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    data = {"Activities": activities, "Expenditure": expenditure, "Outputs": []}
    for spec in SHEETS:
        ws = wb.create_sheet(spec.title)
        for line in title_rows:
            ws.append(line)
        headers = [c.header for c in spec.columns]
        ws.append(headers)
        for rec in data.get(spec.title, []):
            ws.append([rec.get(h) for h in headers])
    wb.save(path)
    return path


# ----------------------------------------------------------------------------- finding 1 and 2
def test_title_row_above_the_header_is_found_and_said(tmp_path):
    # Row 1 a title, row 2 blank, row 3 the header: the rows below are read as usual.
    _titled_workbook(
        tmp_path / "t.xlsx",
        [["Regional Office for Africa: cybersecurity activities 2021"], []],
        [_act()],
        [_spend(Amount=1000), _spend(Amount="250.50")],
    )
    result = validate_folder(tmp_path)
    assert result.n_errors == 0, result.issues
    # 1000 + 250.50 = 1250.50 CHF, all processed.
    assert result.reconciliation["chf_cents_read"] == 125_050
    assert result.reconciliation["chf_cents_processed"] == 125_050
    assert result.expenditure["row"].tolist() == [4, 5]
    said = result.issues[result.issues["message"].str.contains("header row is row 3")]
    assert set(said["sheet"]) == {spec.title for spec in SHEETS}
    assert set(said["severity"]) == {"warning"}


def test_best_matching_row_wins_over_a_partial_one(tmp_path):
    # Row 1 names one contract header ("Amount" in a note); row 2 is the real header.
    _titled_workbook(tmp_path / "t.xlsx", [["Amount", "in CHF unless stated"]], [_act()], [])
    result = validate_folder(tmp_path)
    assert len(result.activities) == 1 and result.activities["row"].iloc[0] == 3


def test_sheet_without_a_header_is_one_error_and_keeps_its_amounts(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Activities"
    ws.append([c.header for c in SHEETS[0].columns])
    ws.append([_act().get(c.header) for c in SHEETS[0].columns])
    e = wb.create_sheet("Expenditure")
    # No contract header, except an "Amount" column: its amounts are still counted.
    e.append(["Spend notes"])
    e.append(["ID", "Who", "Amount"])
    e.append(["T-1", "ITU", 700])
    e.append(["T-1", "ITU", "300.25"])
    e.append([None, "a stray note", None])
    wb.save(tmp_path / "h.xlsx")
    result = validate_folder(tmp_path)
    errors = result.issues[
        (result.issues["severity"] == "error") & (result.issues["sheet"] == "Expenditure")
    ]
    assert len(errors) == 1 and "no recognisable header" in errors["message"].iloc[0]
    said = result.issues[(result.issues["sheet"] == "Expenditure") & (result.issues["row"] == 2)]
    assert "row 2 names Amount" in said["message"].iloc[0]
    q = result.quarantine[result.quarantine["sheet"] == "Expenditure"]
    # Rows 3, 4 and 5 (every non-empty row below the row naming "Amount") are quarantined.
    assert q["row"].tolist() == [3, 4, 5]
    # 700 + 300.25 = 1000.25 CHF read and quarantined.
    rec = result.reconciliation
    assert rec["chf_cents_read"] == 100_025 and rec["chf_cents_quarantined"] == 100_025
    assert _balances(rec)


def test_sheet_with_no_header_at_all_quarantines_every_non_empty_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Activities"
    ws.append(["just", "some", "text"])
    ws.append([None, None, None])
    ws.append(["more", None, 3])
    wb.create_sheet("Expenditure").append([c.header for c in SHEETS[1].columns])
    wb.save(tmp_path / "n.xlsx")
    result = validate_folder(tmp_path)
    q = result.quarantine
    assert q["row"].tolist() == [1, 3]
    assert (result.issues["severity"] == "error").sum() == 1


def test_chf_spend_needs_no_exchange_rate(tmp_path):
    # CHF 1000 in 2031 (no rate in the table, outside the period): quarantined for the
    # period only, and its 1000 CHF are read and quarantined.
    write_workbook(
        tmp_path / "w.xlsx", activities=[_act()], expenditure=[_spend(Period=2031, Amount=1000)]
    )
    result = validate_folder(tmp_path)
    msgs = " | ".join(result.issues["message"])
    assert "no exchange rate" not in msgs and "outside the mapping period" in msgs
    rec = result.reconciliation
    assert rec["chf_cents_read"] == 100_000 and rec["chf_cents_quarantined"] == 100_000
    assert result.quarantine["amount_chf"].tolist() == [1000.0]


def test_unconvertible_amounts_are_listed_per_currency(tmp_path):
    # USD 500 in 2031 (no rate), MNT 2000 in 2021 (no MNT rate) and XYZ 40 (no such
    # currency) cannot be converted; they are listed in their currencies, never zero.
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[_act()],
        expenditure=[
            _spend(Period=2031, Amount=500, Currency="USD"),
            _spend(Amount=2000, Currency="MNT"),
            _spend(Amount="40", Currency="XYZ"),
            _spend(Amount=100),
        ],
    )
    result = validate_folder(tmp_path)
    rec = result.reconciliation
    assert rec["unconverted_cents"] == {"MNT": 200_000, "USD": 50_000, "XYZ": 4_000}
    assert rec["chf_cents_read"] == rec["chf_cents_processed"] == 10_000
    q = result.quarantine.set_index("row")
    assert q.loc[2, "currency"] == "USD" and q.loc[2, "amount_original"] == 500.0
    assert q.loc[3, "currency"] == "MNT" and q.loc[4, "currency"] == "XYZ"


def test_build_prints_and_records_unconvertible_amounts(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx",
        activities=[_act()],
        expenditure=[_spend(Amount=2000, Currency="MNT"), _spend(Amount=100)],
    )
    code = main(["build", "--raw", str(raw), "--out", str(tmp_path / "p")])
    out = capsys.readouterr().out
    assert code == 1  # the MNT line is an error
    assert "MNT 2'000.00" in out and "balances" in out
    m = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert m["unconverted_cents"] == {"MNT": 200_000}


# ----------------------------------------------------------------------------- finding 7
@pytest.mark.parametrize("text", ["12.500", "1.250", "CHF 12.500", "-1.250"])
def test_ambiguous_dot_amount_is_an_error(tmp_path, text):
    write_workbook(tmp_path / "w.xlsx", activities=[_act()], expenditure=[_spend(Amount=text)])
    result = validate_folder(tmp_path)
    msg = " | ".join(result.issues["message"])
    assert "ambiguous" in msg
    assert result.expenditure.empty


@pytest.mark.parametrize(("value", "cents"), [("12,500", 1_250_000), (12.5, 1_250)])
def test_unambiguous_amounts_keep_their_reading(tmp_path, value, cents):
    write_workbook(tmp_path / "w.xlsx", activities=[_act()], expenditure=[_spend(Amount=value)])
    result = validate_folder(tmp_path)
    assert result.expenditure["chf_cents"].tolist() == [cents]


@pytest.mark.parametrize("value", [2021, 1, 99999])
def test_numbers_that_are_not_plausible_dates_are_errors(tmp_path, value):
    write_workbook(
        tmp_path / "w.xlsx", activities=[_act(**{"Start date": value})], expenditure=[_spend()]
    )
    result = validate_folder(tmp_path)
    errors = result.issues[result.issues["severity"] == "error"]
    assert "Start date" in set(errors["column"])
    assert str(value) in " ".join(errors["message"])
    assert result.activities.empty


@pytest.mark.parametrize("amount", [1e17, 1e20, 1e308, "92233720368547758.07"])
def test_huge_amounts_are_quarantined_not_a_crash(tmp_path, amount):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx",
        activities=[_act(**{"Country shares (%)": "33.33; 66.67"})],
        expenditure=[_spend(Amount=amount), _spend(Amount=100)],
    )
    m = build(raw, tmp_path / "p")
    c = m["chf_cents"]
    assert c["processed"] == 10_000 and c["read"] == c["processed"] + c["quarantined"]
    assert m["issues"]["errors"] == 1


def test_just_above_the_row_maximum_is_quarantined_with_its_amount(tmp_path):
    # CHF 92 233 720 368.55 (cents just above 2**63 / 100): above CHF 10 billion.
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[_act(**{"Country shares (%)": "33.33; 66.67"})],
        expenditure=[_spend(Amount="92233720368.55")],
    )
    result = validate_folder(tmp_path)
    assert "maximum" in " | ".join(result.issues["message"])
    rec = result.reconciliation
    assert rec["chf_cents_read"] == rec["chf_cents_quarantined"] == 9_223_372_036_855


def test_nan_shares_are_an_error(tmp_path):
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[
            _act(**{"Country shares (%)": float("nan")}),
            _act(**{"Activity ID": "T-2", "Country shares (%)": "NaN; 100"}),
        ],
        expenditure=[_spend()],
    )
    result = validate_folder(tmp_path)
    assert (result.issues["column"] == "Country shares (%)").sum() >= 1
    assert len(result.activities) <= 1


# ----------------------------------------------------------------------------- finding 8
def test_empty_raw_folder_builds_an_empty_product(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    code = main(["build", "--raw", str(raw), "--out", str(tmp_path / "p")])
    out = capsys.readouterr().out
    assert code == 0 and "0 activities" in out and "balances" in out
    assert "No file was found in the raw folder." in out
    product = load(tmp_path / "p")
    assert product.activities.empty and product.allocations.empty


def test_activities_without_any_expenditure(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", activities=[_act()], sheets={"Activities", "Expenditure"})
    code = main(["build", "--raw", str(raw), "--out", str(tmp_path / "p")])
    assert code == 0
    product = load(tmp_path / "p")
    assert len(product.activities) == 1 and product.allocations.empty
    assert "no expenditure is reported" in " ".join(product.issues["message"])


def test_every_activity_invalid(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx",
        activities=[_act(Status="??"), _act(**{"Activity ID": "T-2", "Status": "??"})],
        expenditure=[_spend(), _spend(**{"Activity ID": "T-2", "Amount": 5})],
    )
    code = main(["build", "--raw", str(raw), "--out", str(tmp_path / "p")])
    out = capsys.readouterr().out
    assert code == 1 and "balances" in out
    m = load(tmp_path / "p").manifest
    # 1000 + 5 CHF read, all quarantined with their activities.
    assert m["chf_cents"] == {
        "read": 100_500,
        "processed": 0,
        "quarantined": 100_500,
        "read_gross": 100_500,
        "processed_gross": 0,
        "quarantined_gross": 100_500,
        "quarantined_negative": 0,
    }


def test_start_date_typed_as_a_date_cell_in_1905(tmp_path):
    # 2021 typed into a date-formatted cell is 13 July 1905 to Excel.
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[_act(**{"Start date": dt.datetime(1905, 7, 13)})],
        expenditure=[_spend()],
    )
    result = validate_folder(tmp_path)
    assert "1905-07-13" in " | ".join(result.issues["message"])
    assert result.activities.empty


def test_a_row_with_values_only_in_unread_columns_is_skipped_and_said(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Activities"
    headers = [c.header for c in SHEETS[0].columns]
    ws.append([*headers, "Notes"])
    ws.append([_act().get(h) for h in headers] + [None])
    ws.append([None] * len(headers) + ["to be confirmed with HQ"])
    wb.create_sheet("Expenditure").append([c.header for c in SHEETS[1].columns])
    wb.save(tmp_path / "u.xlsx")
    result = validate_folder(tmp_path)
    said = result.issues[result.issues["row"] == 3]
    assert len(said) == 1 and "it is skipped" in said["message"].iloc[0]
    # "Notes" is the column after the contract's last header.
    notes = openpyxl.utils.get_column_letter(len(headers) + 1)
    assert said["severity"].iloc[0] == "warning" and f"{notes}3" in said["message"].iloc[0]
    assert len(result.activities) == 1 and result.quarantine.empty


def test_an_ambiguous_output_value_says_why(tmp_path):
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[_act()],
        expenditure=[_spend()],
        outputs=[{"Activity ID": "T-1", "Indicator": "Participants trained", "Value": "1.250"}],
    )
    result = validate_folder(tmp_path)
    msg = result.issues.loc[result.issues["column"] == "Value", "message"].iloc[0]
    assert "ambiguous" in msg and "1250" in msg
    assert result.outputs.empty


@given(st.integers(0, 999_999), st.integers(0, 999))
def test_one_dot_before_three_digits_is_ambiguous_as_text_only(whole, frac):
    from decimal import ROUND_HALF_UP, Decimal

    from cyber_mapping.intake.cleaning import parse_amount

    text = f"{whole}.{frac:03d}"
    assert "ambiguous" in parse_amount(text).problem
    assert parse_amount(f"USD {text}").cents is None
    # Stored as a number, it is a number: e.g. 12.5 -> 1250 cents, 1.255 -> 126 (half up).
    cents = int((Decimal(text) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    assert parse_amount(float(text)).cents == cents


@given(st.integers(1, 999), st.integers(0, 999))
def test_one_comma_before_three_digits_keeps_its_english_reading(whole, frac):
    from cyber_mapping.intake.cleaning import parse_amount

    # 12,500 is twelve thousand five hundred (the documented English reading).
    assert parse_amount(f"{whole},{frac:03d}").cents == (whole * 1000 + frac) * 100
