"""The bad-input corpus: each fault gives its clear message, and good rows keep their spend."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cyber_mapping.intake.reading import read_folder
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _act(**kw):
    return {**GOOD_ACTIVITY, **kw}


def _spend(**kw):
    return {**GOOD_SPEND, **kw}


def _good_pair(aid="G-1"):
    return _act(**{"Activity ID": aid}), _spend(**{"Activity ID": aid, "Amount": 2500})


@pytest.fixture
def corpus(tmp_path):
    """A folder with one good workbook plus the given bad one; returns the validation."""

    def run(**bad):
        good_a, good_e = _good_pair()
        write_workbook(tmp_path / "good.xlsx", activities=[good_a], expenditure=[good_e])
        write_workbook(tmp_path / "bad.xlsx", **bad)
        return validate_folder(tmp_path)

    return run


def _messages(result, workbook="bad.xlsx"):
    rows = result.issues[result.issues["workbook"] == workbook]
    return " | ".join(rows["message"])


def _good_spend_kept(result):
    exp = result.expenditure
    assert exp.loc[exp["activity_id"] == "G-1", "chf_cents"].sum() == 250_000


CASES = [
    (
        "unknown country",
        {"Beneficiary countries": "Wakanda"},
        None,
        "'Wakanda' is not a recognised ITU Member State",
    ),
    ("misspelt country", {"Beneficiary countries": "Keyna"}, None, "Did you mean 'Kenya'"),
    (
        "unknown resolution",
        {"Resolution references": "WTDC Resolution 99"},
        None,
        "not in the package's resolutions catalogue",
    ),
    (
        "unknown theme",
        {"Activity theme": "Cyber hygene"},
        None,
        "Did you mean 'Awareness and cyber hygiene'",
    ),
    (
        "unknown implementor",
        {"Implementor(s)": "Regional Office for Antarctica"},
        None,
        "is not a known implementor",
    ),
    ("unknown status", {"Status": "Delayed"}, None, "'Delayed' is not a status"),
    ("impossible date", {"End date": "31/02/2021"}, None, "is not a date"),
    (
        "reversed dates",
        {"Start date": dt.date(2021, 6, 1), "End date": dt.date(2021, 1, 1)},
        None,
        "the end date is before the start date",
    ),
    ("shares not 100", {"Country shares (%)": "70; 20"}, None, "sums to 90, not 100"),
    ("negative amount", None, {"Amount": -500}, "the amount is negative"),
    ("non-numeric amount", None, {"Amount": "tbd"}, "'tbd' is not a number"),
    ("unknown currency", None, {"Currency": "XYZ"}, "not an ISO 4217 currency code"),
    ("missing rate", None, {"Currency": "MNT"}, "no exchange rate to CHF for MNT in 2021"),
    ("outside period", None, {"Period": 2016}, "outside the mapping period 2017-2025"),
    ("missing activity", None, {"Activity ID": "NOPE-1"}, "no activity 'NOPE-1'"),
    ("missing required", {"Activity": None}, None, "required value missing"),
]


@pytest.mark.parametrize(
    ("label", "act_fault", "spend_fault", "needle"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input(corpus, label, act_fault, spend_fault, needle):
    act = _act(**{"Activity ID": "B-1", **(act_fault or {})})
    spend = _spend(**{"Activity ID": "B-1", **(spend_fault or {})})
    result = corpus(activities=[act], expenditure=[spend])
    assert needle in _messages(result)
    errors = result.issues[result.issues["severity"] == "error"]
    assert set(errors["workbook"]) == {"bad.xlsx"}
    row = errors.iloc[0]
    assert row["sheet"] in {"Activities", "Expenditure"} and row["row"] == 2
    assert row["column"]
    # The bad row is quarantined (an activity takes its spend with it), the good one is kept.
    assert len(result.quarantine) >= 1
    _good_spend_kept(result)
    rec = result.reconciliation
    assert rec["chf_cents_read"] == rec["chf_cents_processed"] + rec["chf_cents_quarantined"]


def test_rejected_activity_takes_its_spend_and_outputs(corpus):
    act = _act(**{"Activity ID": "B-1", "Beneficiary countries": "Wakanda"})
    result = corpus(
        activities=[act],
        expenditure=[_spend(**{"Activity ID": "B-1"})],
        outputs=[{"Activity ID": "B-1", "Indicator": "Participants trained", "Value": 12}],
    )
    q = result.quarantine
    assert set(q["sheet"]) == {"Activities", "Expenditure", "Outputs"}
    spend_row = q[q["sheet"] == "Expenditure"].iloc[0]
    assert (
        spend_row["amount_chf"] == 1000
        and "its activity 'B-1' was rejected" in spend_row["reasons"]
    )


def test_duplicate_ids_name_every_place(tmp_path):
    write_workbook(tmp_path / "a.xlsx", activities=[_act(), _act()], expenditure=[_spend()])
    write_workbook(tmp_path / "b.xlsx", activities=[_act()])
    result = validate_folder(tmp_path)
    msg = result.issues.loc[result.issues["column"] == "Activity ID", "message"].iloc[0]
    assert "used 3 times" in msg
    assert "a.xlsx Activities row 2" in msg and "a.xlsx Activities row 3" in msg
    assert "b.xlsx Activities row 2" in msg
    assert result.expenditure.empty and len(result.quarantine) == 4


def test_corrupt_lock_and_non_workbook_files(tmp_path):
    write_workbook(tmp_path / "ok.xlsx", activities=[_act()], expenditure=[_spend()])
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a zip file")
    (tmp_path / "~$ok.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_text("hello")
    result = validate_folder(tmp_path)
    msgs = dict(zip(result.issues["workbook"], result.issues["message"], strict=True))
    assert "cannot be opened" in msgs["broken.xlsx"]
    assert "lock file" in msgs["~$ok.xlsx"]
    assert "not an .xlsx workbook" in msgs["notes.txt"]
    assert result.expenditure["chf_cents"].sum() == 100_000


def test_missing_sheet_and_missing_column(tmp_path):
    write_workbook(tmp_path / "nosheet.xlsx", activities=[_act()], sheets={"Activities"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "activities "  # case and spaces do not matter
    ws.append(["activity id", "Resolution References", "Activity theme", "Activity"])
    ws.append(["X-1", "PP-130", "Incident response and CIRTs", "t"])
    wb.save(tmp_path / "nocol.xlsx")
    result = validate_folder(tmp_path)
    msgs = " | ".join(result.issues["message"])
    assert "sheet 'Expenditure' is missing" in msgs
    assert "required column 'Beneficiary countries' is missing" in msgs
    q = result.quarantine[result.quarantine["workbook"] == "nocol.xlsx"]
    assert "the sheet has no 'Beneficiary countries' column" in q["reasons"].iloc[0]


def test_merged_cells_and_far_formatting(tmp_path):
    path = write_workbook(
        tmp_path / "m.xlsx",
        activities=[_act()],
        expenditure=[_spend(), _spend(**{"Activity ID": None, "Period": 2022})],
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Expenditure"]
    ws.merge_cells("A2:A3")
    ws["A1000000"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    ws["B1000000"].number_format = "0.00"
    wb.save(path)
    result = validate_folder(tmp_path)
    assert "merged cells A2:A3" in " ".join(result.issues["message"])
    assert len(result.expenditure) == 2  # the merged Activity ID was copied down
    assert result.rows_read["expenditure"] == 2


def test_a_row_empty_but_for_a_merged_cell_is_an_empty_row(tmp_path):
    # A merged value lives in the range's top-left cell only: row 3 below holds nothing of
    # its own, so it is ignored like any empty row (the merge itself is a warning).
    path = write_workbook(
        tmp_path / "m.xlsx",
        activities=[_act()],
        expenditure=[_spend(), {}, _spend(**{"Period": 2022})],
    )
    wb = openpyxl.load_workbook(path)
    wb["Expenditure"].merge_cells("B2:B3")  # Funder
    wb.save(path)
    result = validate_folder(tmp_path)
    assert "merged cells B2:B3" in " ".join(result.issues["message"])
    assert result.rows_read["expenditure"] == 2
    assert list(result.expenditure["row"]) == [2, 4]
    assert result.quarantine.empty
    spend_issues = result.issues[result.issues["sheet"] == "Expenditure"]
    assert 3 not in set(spend_issues["row"].dropna())


def test_headers_and_dates_are_tolerant(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = " ACTIVITIES"
    headers = [
        "Activity ID\u00a0",
        " resolution references",
        "ACTIVITY THEME",
        "activity",
        "Beneficiary  countries",
        "Implementor(s)",
        "status",
        "Start Date",
        "End date",
        "Extra column",
    ]
    ws.append(headers)
    ws.append(
        [
            "T-1",
            "Res 69 (Kigali)",
            "incident response and cirts",
            "x",
            "Côte d’Ivoire; Ghana",
            "Addis Ababa",
            "completed",
            "15/03/2021",
            "06 2021",
            "?",
        ]
    )
    e = wb.create_sheet("Expenditure")
    e.append(["Activity ID", "Funder", "Period", "Cost type", "Basis", "Amount", "Currency"])
    e.append(["T-1", "UK", "2021", "staff", "actual", "GBP 1'000", None])
    wb.save(tmp_path / "t.xlsx")
    result = validate_folder(tmp_path)
    assert result.n_errors == 0, result.issues
    assert "unknown column 'Extra column'" in " ".join(result.issues["message"])
    act = result.activities.iloc[0]
    assert act["beneficiaries"] == "CIV; GHA" and act["resolution_ids"] == "WTDC-69"
    assert act["end_date"] == dt.datetime(2021, 6, 30)
    exp = result.expenditure.iloc[0]
    # 1000 GBP at the shipped 2021 rate 1.25788 (ECB annual average) = 1257.88 CHF
    assert (exp["currency"], exp["chf_cents"], exp["funder"]) == ("GBP", 125_788, "United Kingdom")


def test_formatting_to_row_one_million_adds_no_rows(tmp_path):
    path = write_workbook(tmp_path / "f.xlsx", activities=[_act()])
    wb = openpyxl.load_workbook(path)
    for col in "ABCDEFGHIJ":
        wb["Activities"][f"{col}1000000"].number_format = "@"
    wb.save(path)
    intake = read_folder(tmp_path)
    assert len(intake.tables["activities"]) == 1


def test_three_currencies_converted_by_hand(tmp_path):
    # Shipped rates (ECB annual averages): USD 2021 = 0.914318, EUR 2022 = 1.00471, CHF = 1.
    # USD 1000 -> 914.318 -> 914.32 CHF; EUR 2000.50 -> 2009.92 CHF (2000.50 * 1.00471 =
    # 2000.50 + 9.422355 = 2009.922355); CHF 500 -> 500.00. Total 3424.24 CHF.
    spends = [
        _spend(**{"Currency": "USD", "Amount": 1000, "Period": 2021}),
        _spend(**{"Currency": "eur", "Amount": "2'000.50", "Period": 2022}),
        _spend(**{"Currency": None, "Amount": "CHF 500", "Period": 2021}),
    ]
    write_workbook(
        tmp_path / "c.xlsx",
        activities=[_act(**{"End date": dt.date(2022, 5, 1)})],
        expenditure=spends,
    )
    result = validate_folder(tmp_path)
    assert result.n_errors == 0, result.issues
    assert result.expenditure["chf_cents"].tolist() == [91_432, 200_992, 50_000]
    assert result.expenditure["currency"].tolist() == ["USD", "EUR", "CHF"]
    rec = result.reconciliation
    assert rec["chf_cents_read"] == rec["chf_cents_processed"] == 342_424
    assert rec["chf_cents_quarantined"] == 0 and result.quarantine.empty


# ----------------------------------------------------------------------------- version 1
# A workbook of contract version 1, written with version 1's headers literally (not from
# contract.py, which now has more columns and the Results sheet). The expected issues were
# recorded from the package before version 2 (commit 08c6450) and must not change.
V1_ACTIVITIES = [
    "Activity ID", "Resolution references", "Resolution shares (%)", "Clause quoted",
    "Activity theme", "Activity", "Description", "Beneficiary countries", "Country shares (%)",
    "Implementor(s)", "Partners", "Status", "Start date", "End date", "Main outputs",
    "Envisaged outcomes",
]  # fmt: skip
V1_EXPENDITURE = ["Activity ID", "Funder", "Period", "Cost type", "Basis", "Amount", "Currency"]
V1_OUTPUTS = ["Activity ID", "Indicator", "Value", "Unit", "Country", "Group", "As of"]


def _v1_act(aid, **kw):
    row = {
        "Activity ID": aid,
        "Resolution references": "PP-130; WTDC-69",
        "Clause quoted": "support the establishment of national CIRTs",
        "Activity theme": "Incident response and CIRTs",
        "Activity": f"CIRT work {aid}",
        "Beneficiary countries": "Kenya",
        "Implementor(s)": "Regional Office for Africa",
        "Status": "Completed",
        "Start date": dt.datetime(2021, 3, 1),
        "End date": dt.datetime(2021, 6, 30),
    }
    return {**row, **kw}


def _v1_spend(aid, amount=1000, **kw):
    row = {
        "Activity ID": aid,
        "Funder": "ITU regular budget",
        "Period": 2021,
        "Cost type": "Non-staff",
        "Basis": "Actual",
        "Amount": amount,
        "Currency": "CHF",
    }
    return {**row, **kw}


V1_EXPECTED_ISSUES = [
    ("Activities", 3, "Activity theme", "Cyber hygene", "error",
     "'Cyber hygene' is not one of the package's themes. Did you mean 'Awareness and cyber "
     "hygiene'? Choose a theme from the template's drop-down list."),
    ("Expenditure", 4, "Basis", "Actual", "warning",
     "the activity is Planned but this spend is Actual. Check the status or the basis."),
    ("Expenditure", 5, "Activity ID", "V-9", "error",
     "no activity 'V-9' on any Activities sheet. Add the activity, or correct the ID."),
    ("Outputs", 4, "Value", "many", "error",
     "'many' is not a number. Write the value as a number."),
    ("Outputs", 5, "Value", "-3.0", "error",
     "the value is negative. Write a non-negative number."),
    ("Outputs", 6, "Value", "", "error", "required value missing. A non-negative number."),
    ("Outputs", 7, "Country", "Wakanda", "error",
     "'Wakanda' is not a recognised ITU Member State. Did you mean 'Rwanda'?"),
]  # fmt: skip


def test_version_1_workbook_validates_exactly_as_before(tmp_path):
    acts = [
        _v1_act("V-1"),
        _v1_act("V-2", **{"Activity theme": "Cyber hygene"}),
        _v1_act("V-3", Status="Planned", **{"Start date": dt.datetime(2025, 3, 1)}),
    ]
    acts[2]["End date"] = None
    exps = [_v1_spend("V-1"), _v1_spend("V-2", 500), _v1_spend("V-3", 700), _v1_spend("V-9", 100)]
    outs = [
        {"Activity ID": "V-1", "Indicator": "Participants trained", "Value": 45, "Unit": "people",
         "Country": "Kenya", "Group": "women", "As of": "06 2021"},
        {"Activity ID": "V-1", "Indicator": "CIRT established", "Value": 1, "Country": "Kenya"},
        {"Activity ID": "V-1", "Indicator": "Participants trained", "Value": "many"},
        {"Activity ID": "V-1", "Indicator": "Participants trained", "Value": -3},
        {"Activity ID": "V-1", "Indicator": "Participants trained"},
        {"Activity ID": "V-1", "Indicator": "Participants trained", "Value": 5,
         "Country": "Wakanda"},
        {"Activity ID": "V-2", "Indicator": "Participants trained", "Value": 7},
    ]  # fmt: skip
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (
        ("Activities", V1_ACTIVITIES, acts),
        ("Expenditure", V1_EXPENDITURE, exps),
        ("Outputs", V1_OUTPUTS, outs),
    ):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for rec in rows:
            ws.append([rec.get(h) for h in headers])
    wb.save(tmp_path / "v1.xlsx")
    result = validate_folder(tmp_path)
    got = [
        (r.sheet, r.row, r.column, r.value, r.severity, r.message)
        for r in result.issues.itertuples(index=False)
    ]
    assert got == V1_EXPECTED_ISSUES
    q = result.quarantine
    assert list(zip(q["sheet"], q["row"], q["activity_id"], strict=True)) == [
        ("Activities", 3, "V-2"),
        ("Expenditure", 3, "V-2"),
        ("Expenditure", 5, "V-9"),
        ("Outputs", 4, "V-1"),
        ("Outputs", 5, "V-1"),
        ("Outputs", 6, "V-1"),
        ("Outputs", 7, "V-1"),
        ("Outputs", 8, "V-2"),
    ]
    # CHF 1000 + 500 + 700 + 100 read; 500 (V-2) + 100 (V-9) quarantined.
    assert result.reconciliation == {
        "chf_cents_read": 230_000,
        "chf_cents_processed": 170_000,
        "chf_cents_quarantined": 60_000,
        "rows_amount_unreadable": 0,
        # Issue 10 added these two keys (nothing here is unconvertible).
        "rows_amount_unconverted": 0,
        "unconverted_cents": {},
        # Issue 19 added the gross totals: every amount here is positive, so gross = net.
        "chf_cents_read_gross": 230_000,
        "chf_cents_processed_gross": 170_000,
        "chf_cents_quarantined_gross": 60_000,
        "chf_cents_quarantined_negative": 0,
    }
    # Nothing version 2 invents for a version-1 workbook: no clauses, no links, no
    # duplicates; the lead is the first implementor; results as read (Value as Achieved).
    assert result.activity_clauses.empty and result.joint_links.empty
    assert result.possible_duplicates.empty
    assert set(result.activities["lead_implementor"]) == {"Regional Office for Africa"}
    assert result.results[["indicator_id", "achieved"]].values.tolist() == [
        ["participants_trained", 45.0],
        ["cirts_established", 1.0],
    ]
