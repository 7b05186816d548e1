"""Issue 18, items 4, 5 and 9: two audiences for messages, funders and partners as reference
data, and issues that carry the row's Activity ID.

The rows are invented, written as offices write them (a French office's funder line, a
beneficiary typed twice, a currency BDT has no rate for yet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cyber_mapping.analysis import need, spend
from cyber_mapping.intake.validation import validate_folder
from cyber_mapping.product import build as build_mod
from cyber_mapping.product.store import load
from cyber_mapping.reference import load_reference
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _act(**kw):
    return {**GOOD_ACTIVITY, **kw}


def _spend(**kw):
    return {**GOOD_SPEND, **kw}


@pytest.fixture(scope="module")
def ref_without_eur():
    """The package's reference, as if BDT had not yet entered any EUR rate."""
    ref = load_reference()
    rates = ref.exchange_rates[ref.exchange_rates["currency"] != "EUR"]
    return dataclasses.replace(ref, exchange_rates=rates.reset_index(drop=True))


def _office_rows(result, workbook="ro.xlsx"):
    return result.issues[result.issues["workbook"] == workbook]


# ------------------------------------------------------------------ item 4: two audiences
def test_a_missing_rate_waits_for_bdt_and_is_on_the_for_bdt_list(tmp_path, ref_without_eur):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[_act(**{"Activity ID": "EUR-1"})],
        expenditure=[
            _spend(**{"Activity ID": "EUR-1", "Amount": "1 200,00", "Currency": "EUR"}),
            _spend(**{"Activity ID": "EUR-1", "Amount": 300, "Currency": "EUR", "Basis": "Est."}),
        ],
    )
    result = validate_folder(tmp_path, ref=ref_without_eur)
    rate = result.issues[result.issues["column"] == "Currency"]
    assert len(rate) == 2
    assert set(rate["audience"]) == {"BDT"}
    for message in rate["message"]:
        assert "waits for BDT" in message
        assert "cyber_mapping/reference" not in message and ".csv" not in message
    todo = result.for_bdt
    # One thing to add (the EUR rate of 2021) for the two rows that wait for it.
    assert list(todo["kind"]) == ["exchange rate"]
    assert list(todo["value"]) == ["EUR 2021"]
    # BDT adds a rate to its override file (the UN operational rates), not to package data
    assert list(todo["reference_file"]) == ["data/reference/un_operational_rates.csv"]
    assert list(todo["rows_waiting"]) == [2]
    text = build_mod.summary_text(result)
    assert "For BDT" in text and "EUR 2021" in text


def test_a_resolution_missing_from_the_catalogue_waits_for_bdt(tmp_path):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[_act(**{"Activity ID": "R-1", "Resolution references": "WTDC Resolution 99"})],
        expenditure=[_spend(**{"Activity ID": "R-1"})],
    )
    result = validate_folder(tmp_path)
    res = result.issues[result.issues["column"] == "Resolution references"]
    assert list(res["audience"]) == ["BDT"]
    assert "resolutions.yaml" not in res["message"].iloc[0]
    assert "waits for BDT" in res["message"].iloc[0]
    assert ("resolution", "WTDC-99") in set(zip(result.for_bdt["kind"], result.for_bdt["value"]))


def test_what_the_office_must_fix_stays_with_the_office(tmp_path):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[_act(**{"Activity ID": "K-1", "Beneficiary countries": "Keyna"})],
        expenditure=[_spend(**{"Activity ID": "K-1"})],
    )
    result = validate_folder(tmp_path)
    country = result.issues[result.issues["column"] == "Beneficiary countries"]
    assert list(country["audience"]) == ["office"]
    assert result.for_bdt.empty


def test_a_beneficiary_listed_twice_is_named(tmp_path):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[
            _act(**{"Activity ID": "D-1", "Beneficiary countries": "Kenya; Uganda; uganda"})
        ],
        expenditure=[_spend(**{"Activity ID": "D-1"})],
    )
    result = validate_folder(tmp_path)
    twice = result.issues[result.issues["message"].str.contains("twice")]
    assert len(twice) == 1
    assert "Uganda" in twice["message"].iloc[0]


def test_the_feedback_copy_marks_bdt_todos_as_not_the_offices_errors(tmp_path, ref_without_eur):
    from cyber_mapping.excel.feedback import write_feedback

    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "ro.xlsx",
        activities=[_act(**{"Activity ID": "EUR-1"})],
        expenditure=[_spend(**{"Activity ID": "EUR-1", "Amount": 500, "Currency": "EUR"})],
    )
    result = validate_folder(raw, ref=ref_without_eur)
    (path,) = write_feedback(result, tmp_path / "fb", raw_dir=raw, ref=ref_without_eur)
    ws = openpyxl.load_workbook(path)["Issues"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rate_rows = [r for r in rows if r[3] == "Currency"]
    assert rate_rows and all(r[0] == "waits for BDT" for r in rate_rows)
    notes = " ".join(str(r[5]) for r in rows)
    assert "nothing to correct" in notes.lower() or "no change" in notes.lower()


# ------------------------------------------------------------------ item 9: activity_id
def test_issues_carry_the_rows_activity_id(tmp_path):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[
            _act(**{"Activity ID": "RO-2021-007", "Status": "Finished maybe"}),
            _act(**{"Activity ID": "RO-2021-008"}),
        ],
        expenditure=[
            _spend(**{"Activity ID": "RO-2021-007"}),
            _spend(**{"Activity ID": "RO-2021-008", "Amount": "mille"}),
        ],
    )
    result = validate_folder(tmp_path)
    issues = result.issues
    status = issues[issues["column"] == "Status"]
    amount = issues[issues["column"] == "Amount"]
    assert list(status["activity_id"]) == ["RO-2021-007"]
    assert list(amount["activity_id"]) == ["RO-2021-008"]
    from cyber_mapping.intake.schemas import IssueTable

    IssueTable.validate(issues, lazy=True)


# ------------------------------------------------------------------ item 5: funders
def _funder_rows(tmp_path):
    write_workbook(
        tmp_path / "raw" / "ro.xlsx",
        activities=[
            _act(**{"Activity ID": "F-1", "Partners": "Cyber Security Authority Ghana"}),
            _act(**{"Activity ID": "F-2", "Partners": "Cyber Security Authority (Ghana)"}),
        ],
        expenditure=[
            _spend(**{"Activity ID": "F-1", "Funder": "Germany", "Amount": 100}),
            _spend(
                **{
                    "Activity ID": "F-2",
                    "Funder": "Germany (Federal Foreign Office)",
                    "Amount": 50,
                }
            ),
        ],
    )


def test_an_agency_rolls_up_to_its_funder_and_keeps_its_name(tmp_path):
    (tmp_path / "raw").mkdir()
    _funder_rows(tmp_path)
    build_mod.build(tmp_path / "raw", tmp_path / "out")
    product = load(tmp_path / "out")
    # Germany CHF 100 + Germany (Federal Foreign Office) CHF 50 = one funder, CHF 150.
    by_funder = spend.spend_with_basis(product, "funder")
    assert list(by_funder["funder"]) == ["Germany"]
    assert list(by_funder["total"]) == [15_000]
    exp = product.expenditure.set_index("activity_id")
    assert exp.loc["F-2", "funder_agency"] == "Federal Foreign Office"
    assert exp.loc["F-1", "funder_agency"] == ""
    assert spend.funder_agencies(product) == {"Germany": "Federal Foreign Office"}
    # The report's by-funder table: one row, Germany, with its agency listed.
    from cyber_mapping import narrative as nv
    from cyber_mapping.report.context import Report

    day = dt.date(2025, 6, 30)
    report = Report(product, load_reference(), None, day, "m", "d", day, "a", "r")
    block = nv.spend_table(report, "funder", "Funder")
    assert list(block.data["funder"]) == ["Germany"]
    assert "Agencies" in str(block) and "Federal Foreign Office" in str(block)
    # Partners: the two spellings of the Ghanaian authority fold to one partner.
    partners = need.active_partners(product)
    assert list(partners["partners"]) == ["Cyber Security Authority Ghana"]
    assert not product.issues["message"].str.contains("funder", case=False).any()


@pytest.mark.parametrize(
    ("written", "funder", "agency"),
    [
        ("UAE Cyber Security Council", "United Arab Emirates", "UAE Cyber Security Council"),
        ("Australia DITRDCA", "Australia", "DITRDCA"),
        ("Allemagne (Auswärtiges Amt)", "Germany", "Federal Foreign Office"),
        ("Royaume-Uni", "United Kingdom", ""),
    ],
)
def test_funder_aliases_and_agencies(written, funder, agency, ref):
    from cyber_mapping.intake.lookups import match_funder

    found = match_funder(written, ref)
    assert (found.funder, found.agency) == (funder, agency)
    assert found.match.ok


def test_an_unknown_funder_is_a_warning_with_did_you_mean(tmp_path):
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[_act(**{"Activity ID": "U-1"})],
        expenditure=[_spend(**{"Activity ID": "U-1", "Funder": "Germny", "Amount": 80})],
    )
    result = validate_folder(tmp_path)
    funder = result.issues[result.issues["column"] == "Funder"]
    assert list(funder["severity"]) == ["warning"]
    assert "Did you mean 'Germany'" in funder["message"].iloc[0]
    assert "'Germny'" in funder["message"].iloc[0]
    # The row is kept, under the name as written (CHF 80 = 8 000 cents).
    assert result.expenditure["chf_cents"].sum() == 8_000
    assert ("funder", "Germny") in set(zip(result.for_bdt["kind"], result.for_bdt["value"]))


def test_the_product_writes_the_for_bdt_list_and_counts_it(tmp_path, ref_without_eur):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "ro.xlsx",
        activities=[_act(**{"Activity ID": "U-1"})],
        expenditure=[_spend(**{"Activity ID": "U-1", "Funder": "Fondation Inconnue"})],
    )
    manifest = build_mod.build(raw, tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "for_bdt.csv")
    assert list(table["value"]) == ["Fondation Inconnue"]
    assert manifest["row_counts"]["for_bdt"] == 1
    assert manifest["for_bdt"]["rows_waiting"] == 1
    assert "For BDT" in build_mod.reconciliation_text(manifest)
