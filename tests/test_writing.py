"""The submission template and the feedback workbooks (issue 5)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cyber_mapping.cli import main
from cyber_mapping.contract import ACTIVITIES, EXPENDITURE, RESULTS, SUBMISSION_SHEETS
from cyber_mapping.excel.annex import export_table
from cyber_mapping.excel.cells import put_text
from cyber_mapping.excel.feedback import _ISSUE_HEADERS, write_feedback
from cyber_mapping.excel.lists import Lists
from cyber_mapping.excel.template import (
    EXAMPLE_ACTIVITY,
    EXAMPLE_EXPENDITURE,
    EXAMPLE_RESULTS,
    write_template,
)
from cyber_mapping.exceptions import CyberMappingError
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

GENERATED = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def template(tmp_path_factory, ref):
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    return write_template(path, ref, implementor="Addis Ababa", generated=GENERATED)


def _fill(ws, headers_row, record, row):
    headers = [c.value for c in headers_row]
    for header, value in record.items():
        ws.cell(row=row, column=headers.index(header) + 1, value=value)


# ----------------------------------------------------------------------------- template


def test_template_sheets_headers_and_hints(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Instructions", "Activities", "Expenditure", "Results", "Lists"]
    for spec in SUBMISSION_SHEETS:
        ws = wb[spec.title]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        for cell, col in zip(ws[1], spec.columns, strict=True):
            assert col.hint.rstrip(".") in cell.comment.text
            assert cell.comment.text.startswith("Required" if col.required else "Optional")
        assert ws.freeze_panes == "B2"
        assert ws.column_dimensions["A"].width >= 10
    acts = wb["Activities"]
    start = [c.header for c in ACTIVITIES.columns].index("Start date") + 1
    assert acts.cell(row=2, column=start).number_format == "yyyy-mm-dd"
    amount = [c.header for c in EXPENDITURE.columns].index("Amount") + 1
    assert wb["Expenditure"].cell(row=2, column=amount).number_format == "#,##0.00"
    period = [c.header for c in EXPENDITURE.columns].index("Period") + 1
    assert wb["Expenditure"].cell(row=2, column=period).number_format == "@"


def test_template_instructions_explain_the_columns_and_period(template):
    ws = openpyxl.load_workbook(template)["Instructions"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "WTDC-17 to WTDC-25 (2017-2025)" in text
    assert "Region: Africa" in text and "Global" in text
    for word in ("Funder", "Period", "Cost type", "Basis", "Worked example"):
        assert word in text
    for spec in SUBMISSION_SHEETS:
        for col in spec.columns:
            assert col.header in text
    assert "29 November 2026" in text


def test_template_dropdowns_come_from_the_reference_data(template, ref):
    wb = openpyxl.load_workbook(template)
    lists = wb["Lists"]
    assert lists.protection.sheet is True
    expected = Lists.from_reference(ref).values
    assert expected["Themes"] == list(ref.themes["theme"])
    assert expected["Statuses"] == ["Completed", "Ongoing", "Planned"]
    assert expected["Bases"] == ["Actual", "Estimated"]
    assert "Côte d'Ivoire" in expected["Countries"] and len(expected["Countries"]) >= 193
    for name, values in expected.items():
        (sheet, cells), *_ = wb.defined_names[name].destinations
        assert sheet == "Lists"
        got = [c.value for row in lists[cells.replace("$", "")] for c in row]
        assert got == values, name
    # Every drop-down column has a list validation over the data rows.
    wanted = {
        "Activities": {"Activity theme", "Status", "Resolution references"}
        | {"Beneficiary countries", "Implementor(s)", "Clauses", "Lead implementor"},
        "Expenditure": {"Funder", "Cost type", "Basis", "Currency"},
        "Results": {"Level", "Indicator", "Unit", "Country"},
    }
    for title, headers in wanted.items():
        ws = wb[title]
        header_at = {c.column_letter: c.value for c in ws[1]}
        found = {}
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list":
                letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
                found[header_at[letter]] = dv
        assert set(found) == headers
        assert found.get("Status", found[next(iter(found))]).sqref is not None
    strict = {
        dv.formula1: dv.showErrorMessage
        for dv in wb["Activities"].data_validations.dataValidation
        if dv.type == "list"
    }
    assert strict["Themes"] is True  # one theme only
    assert strict["Beneficiaries"] is False  # several countries separated by ';'
    assert strict["Clauses"] is False  # several clauses separated by ';'
    assert strict["Implementors"] is True  # the lead implementor: one of the list
    results_strict = {
        dv.formula1: dv.showErrorMessage
        for dv in wb["Results"].data_validations.dataValidation
        if dv.type == "list"
    }
    assert results_strict["Levels"] is True and results_strict["Indicators"] is False
    assert expected["Levels"] == ["Output", "Outcome"]
    assert expected["Clauses"] == list(ref.clauses["clause_ref"])
    assert expected["Indicators"] == list(ref.indicators["name"])


def test_template_with_implementor_prefills_and_suggests_ids(template):
    ws = openpyxl.load_workbook(template)["Activities"]
    headers = [c.value for c in ws[1]]
    ids = [ws.cell(row=r, column=1).value for r in range(2, 52)]
    impl = headers.index("Implementor(s)") + 1
    assert ids[0] == "RO-AFR-2026-001" and ids[-1] == "RO-AFR-2026-050"
    assert {ws.cell(row=r, column=impl).value for r in range(2, 52)} == {
        "Regional Office for Africa"
    }
    assert ws.cell(row=52, column=1).value is None


def test_unknown_implementor_is_refused_with_a_suggestion(tmp_path, ref):
    with pytest.raises(CyberMappingError, match="Did you mean 'Regional Office for Africa'"):
        write_template(tmp_path / "t.xlsx", ref, implementor="Regional Ofice Africa")
    assert not (tmp_path / "t.xlsx").exists()


def test_empty_template_validates_with_no_issue(tmp_path, ref):
    raw = tmp_path / "raw"
    write_template(raw / "blank.xlsx", ref, generated=GENERATED)
    result = validate_folder(raw)
    assert result.issues.empty
    assert result.activities.empty


def test_filled_template_round_trip_has_no_issue(tmp_path, ref):
    raw = tmp_path / "raw"
    path = write_template(
        raw / "africa.xlsx", ref, implementor="Regional Office for Africa", generated=GENERATED
    )
    wb = openpyxl.load_workbook(path)
    # Two activities in the first pre-filled rows (their suggested IDs kept), the rest unused.
    # The example's joint part (HQ-2021-014) is in HQ's workbook: here the second row is.
    first = dict(
        EXAMPLE_ACTIVITY,
        **{"Activity ID": "RO-AFR-2026-001", "Joint with": "RO-AFR-2026-002"},
    )
    second = dict(
        GOOD_ACTIVITY,
        **{"Activity ID": "RO-AFR-2026-002", "Implementor(s)": "Regional Office for Africa"},
    )
    _fill(wb["Activities"], wb["Activities"][1], first, 2)
    _fill(wb["Activities"], wb["Activities"][1], second, 3)
    spend = [dict(r, **{"Activity ID": "RO-AFR-2026-001"}) for r in EXAMPLE_EXPENDITURE]
    spend.append(dict(GOOD_SPEND, **{"Activity ID": "RO-AFR-2026-002"}))
    for i, rec in enumerate(spend, start=2):
        _fill(wb["Expenditure"], wb["Expenditure"][1], rec, i)
    for i, rec in enumerate(EXAMPLE_RESULTS, start=2):
        _fill(wb["Results"], wb["Results"][1], dict(rec, **{"Activity ID": "RO-AFR-2026-001"}), i)
    wb.save(path)

    result = validate_folder(raw)
    assert result.issues.empty, result.issues.to_dict("records")
    assert sorted(result.activities["activity_id"]) == ["RO-AFR-2026-001", "RO-AFR-2026-002"]
    # Three results; two of level Output with an achieved value make the version-1 view.
    assert len(result.expenditure) == 3 and len(result.results) == 3 and len(result.outputs) == 2
    # The new columns came through: clauses with the revision in force on 15 March 2021
    # (PP-130: Dubai 2018; WTDC-69: Buenos Aires 2017, closing 20 Oct 2017), the lead, and
    # the joint link made symmetric.
    clauses = result.activity_clauses.sort_values("clause_ref")
    assert clauses[["clause_ref", "revision_in_force"]].values.tolist() == [
        ["PP-130/instructs-BDT/CIRTs", "Rev. Dubai, 2018"],
        ["WTDC-69/instructs-BDT/establish", "Rev. Buenos Aires, 2017"],
    ]
    lead = result.activities.set_index("activity_id")["lead_implementor"]
    assert lead["RO-AFR-2026-001"] == "Regional Office for Africa"
    assert result.joint_links.values.tolist() == [
        ["RO-AFR-2026-001", "RO-AFR-2026-002"],
        ["RO-AFR-2026-002", "RO-AFR-2026-001"],
    ]
    # 50 pre-filled rows, 2 used: 48 skipped and counted, not reported as errors.
    assert result.workbooks[0].unused_template_rows == 48
    # Hand-worked: 18,000 CHF + 25,000 USD at the 2021 rate + 1,000 CHF, nothing quarantined.
    assert result.quarantine.empty


def test_a_row_with_only_an_id_is_skipped_only_on_activities(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx",
        activities=[GOOD_ACTIVITY, {"Activity ID": "X-9", "Implementor(s)": "BDT (HQ)"}],
        expenditure=[GOOD_SPEND, {"Activity ID": "T-1"}],
    )
    result = validate_folder(raw)
    assert result.workbooks[0].unused_template_rows == 1
    # An expenditure row with only an ID is a real (incomplete) row: errors, quarantined.
    assert set(result.issues.query("sheet == 'Expenditure'")["column"]) >= {"Funder", "Amount"}


# ----------------------------------------------------------------------------- feedback

BAD_ACTIVITY = dict(
    GOOD_ACTIVITY,
    **{
        "Activity ID": "T-2",
        "Beneficiary countries": "Cote d Ivoir",
    },
)


@pytest.fixture
def submissions(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "office.xlsx",
        activities=[GOOD_ACTIVITY, BAD_ACTIVITY],
        expenditure=[
            GOOD_SPEND,
            dict(GOOD_SPEND, **{"Amount": "=1+1", "Period": 2022}),
            dict(GOOD_SPEND, **{"Amount": 500, "Period": 2023, "Basis": "Estimated"}),
        ],
    )
    # A text cell (not a formula) that a spreadsheet would run if it were pasted as typed.
    wb = openpyxl.load_workbook(raw / "office.xlsx")
    amount = [c.value for c in wb["Expenditure"][1]].index("Amount") + 1
    put_text(wb["Expenditure"], 3, amount, "=1+1")
    wb.save(raw / "office.xlsx")
    (raw / "broken.xlsx").write_bytes(b"not a zip")
    return raw


def _sha(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_feedback_marks_cells_and_lists_every_issue(submissions, tmp_path):
    before = _sha(submissions)
    result = validate_folder(submissions)
    written = write_feedback(result, tmp_path / "feedback", raw_dir=submissions)
    assert _sha(submissions) == before  # originals untouched
    assert [p.name for p in written] == ["broken_feedback.xlsx", "office_feedback.xlsx"]

    wb = openpyxl.load_workbook(tmp_path / "feedback" / "office_feedback.xlsx")
    assert wb.sheetnames[0] == "Issues"
    issues = wb["Issues"]
    rows = list(issues.iter_rows(min_row=2, values_only=True))
    mine = result.issues[result.issues["workbook"] == "office.xlsx"]
    assert len(rows) == len(mine) > 0
    severities = [r[0] for r in rows]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert [c.value for c in issues[1]] == _ISSUE_HEADERS

    # The misspelt country (Activities row 3, column H) is red with a comment and suggestion.
    acts = wb["Activities"]
    col = [c.value for c in acts[1]].index("Beneficiary countries") + 1
    cell = acts.cell(row=3, column=col)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "Did you mean 'Côte d'Ivoire'?" in cell.comment.text
    assert cell.comment.text.startswith("ERROR: ")
    # Each listed problem links to its cell.
    links = [r[6].hyperlink.location for r in issues.iter_rows(min_row=2) if r[6].hyperlink]
    assert f"'Activities'!{cell.coordinate}" in links

    # The warning (Estimated spend on a Completed activity) is yellow.
    exp = wb["Expenditure"]
    basis = [c.value for c in exp[1]].index("Basis") + 1
    assert exp.cell(row=4, column=basis).fill.fgColor.rgb.endswith("FFEB9C")

    broken = openpyxl.load_workbook(tmp_path / "feedback" / "broken_feedback.xlsx")
    assert broken.sheetnames == ["Issues"]
    assert "cannot be opened" in broken["Issues"]["F2"].value


def test_feedback_neutralises_formula_like_text(submissions, tmp_path):
    result = validate_folder(submissions)
    write_feedback(result, tmp_path / "fb")
    path = tmp_path / "fb" / "office_feedback.xlsx"
    issues = openpyxl.load_workbook(path)["Issues"]
    values = [r[4].value for r in issues.iter_rows(min_row=2)]
    assert "=1+1" in values
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "<f>" not in sheet_xml  # the Issues sheet holds no formula at all
    assert not any("vbaProject" in n for n in names)
    assert "macroEnabled" not in types
    cell = next(r[4] for r in issues.iter_rows(min_row=2) if r[4].value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix


def test_feedback_refuses_to_write_into_the_raw_folder(submissions):
    result = validate_folder(submissions)
    with pytest.raises(CyberMappingError, match="never written to"):
        write_feedback(result, submissions)


def test_clean_workbook_feedback_says_so(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "ok.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    write_feedback(validate_folder(raw), tmp_path / "fb")
    ws = openpyxl.load_workbook(tmp_path / "fb" / "ok_feedback.xlsx")["Issues"]
    assert "No problems found" in ws["F2"].value


def test_put_text_neutralises_and_keeps_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, value in enumerate(["=SUM(A1:A2)", "+41 22", "-x", "@cmd", "plain", 12.5], 1):
        put_text(ws, i, 1, value)
    assert [ws.cell(row=i, column=1).data_type for i in range(1, 7)] == [
        "s",
        "s",
        "s",
        "s",
        "s",
        "n",
    ]
    path = tmp_path / "n.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path).active
    assert back["A1"].value == "=SUM(A1:A2)" and back["A1"].data_type == "s"


# ----------------------------------------------------------------------------- CLI


def test_cli_template_and_feedback(submissions, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--implementor", "Bangkok"]) == 0
    made = tmp_path / "submission_template_Bangkok.xlsx"
    assert made.is_file()
    ws = openpyxl.load_workbook(made)["Activities"]
    assert ws["A2"].value.startswith("RO-ASP-")
    assert main(["template", "--implementor", "Nowhere Office"]) == 1
    assert "not a known implementor" in capsys.readouterr().err

    code = main(
        [
            "validate",
            "--raw",
            str(submissions),
            "--out",
            str(tmp_path / "o"),
            "--feedback",
            str(tmp_path / "fb"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "office.xlsx: activities 2, expenditure 3, outputs 0 rows; 2 error(s), 2 warning(s); "
        "CHF 0.00 quarantined" in out
    )
    assert "broken.xlsx: unreadable; 1 error(s)" in out
    assert "2 feedback workbook(s) written" in out and "office_feedback.xlsx" in out


# ----------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_template_and_feedback_open_in_libreoffice(template, submissions, tmp_path):
    result = validate_folder(submissions)
    feedback = write_feedback(result, tmp_path / "fb")
    out = tmp_path / "lo"
    profile = (tmp_path / "profile").as_uri()
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            str(template),
            *map(str, feedback),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    for src in [template, *feedback]:
        converted = out / (Path(src).stem + ".ods")
        assert converted.is_file() and converted.stat().st_size > 2000, converted
        with zipfile.ZipFile(converted) as z:
            content = z.read("content.xml").decode()
        # LibreOffice parsed the sheets and (for the template) the drop-downs and comments.
        if src == template:
            for title in ("Instructions", "Activities", "Expenditure", "Results", "Lists"):
                assert f'table:name="{title}"' in content
            assert "table:content-validation " in content
            assert "office:annotation" in content
            assert "Regional Office for Africa" in content
        else:
            assert 'table:name="Issues"' in content
    assert RESULTS.title  # the contract's optional sheet is part of the template too


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_excel_annex_opens_in_libreoffice_with_numbers_to_pivot(small_product_dir, tmp_path):
    from cyber_mapping.report import rendering

    annex = rendering.write_annex(small_product_dir, tmp_path / "annex.xlsx")
    out = tmp_path / "lo"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            str(annex),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0 and "Error" not in proc.stdout + proc.stderr, proc.stderr
    with zipfile.ZipFile(out / "annex.ods") as z:
        content = z.read("content.xml").decode()
    for title in ("About", "Mapping", "By year"):
        assert f'table:name="{title}"' in content
    # Money as numbers (A1: 10 000 CHF staff actual), the tables as database ranges.
    assert 'office:value-type="float" office:value="10000"' in content
    assert "table:database-range" in content


def test_cli_template_all_writes_one_per_office(tmp_path, ref, capsys):
    assert main(["template", "--all", "--out", str(tmp_path / "t")]) == 0
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert len(names) == len(ref.offices) + 1
    assert "submission_template.xlsx" in names and "submission_template_RO-CIS.xlsx" in names
    ws = openpyxl.load_workbook(tmp_path / "t" / "submission_template_AO-DKR.xlsx")["Activities"]
    assert ws["A2"].value.startswith("AO-DKR-")


def test_feedback_on_a_version_1_workbook_offers_the_version_2_columns(tmp_path, ref):
    # A version-1 workbook without an Outputs sheet: its feedback copy gains the three new
    # Activities columns after its last header and a Results sheet, with drop-downs, and
    # a sheet explaining them; what the office wrote is unchanged, and validating the
    # copy finds the same problems as the original.
    from tests.test_validation import V1_ACTIVITIES, V1_EXPENDITURE, _v1_act, _v1_spend

    raw = tmp_path / "raw"
    raw.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (
        ("Activities", V1_ACTIVITIES, [_v1_act("V-1"), _v1_act("V-2", Status="Finished soon")]),
        ("Expenditure", V1_EXPENDITURE, [_v1_spend("V-1"), _v1_spend("V-2")]),
    ):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for rec in rows:
            ws.append([rec.get(h) for h in headers])
    wb.save(raw / "v1.xlsx")
    result = validate_folder(raw)
    [path] = write_feedback(result, tmp_path / "fb", ref=ref)
    copy = openpyxl.load_workbook(path)
    assert copy.sheetnames == [
        "Issues", "Clause suggestions", "Activities", "Expenditure", "Results",
        "Lists (contract 2)", "New in contract 2",
    ]  # fmt: skip
    assert result.n_errors == 1  # "Finished soon" is not a status
    acts = copy["Activities"]
    headers = [c.value for c in acts[1]]
    assert headers == [*V1_ACTIVITIES, "Clauses", "Lead implementor", "Joint with"]
    assert acts.cell(2, 1).value == "V-1"  # the office's rows untouched
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
        for dv in acts.data_validations.dataValidation
    }
    assert lists["Q"].formula1 == "'Lists (contract 2)'!$A$2:$A$" + str(len(ref.clauses) + 1)
    assert lists["Q"].showErrorMessage is False and lists["R"].showErrorMessage is True
    assert "S" not in lists  # Joint with: free text (IDs)
    assert [c.value for c in copy["Results"][1]][:3] == ["Activity ID", "Level", "Indicator"]
    results_lists = {dv.formula1 for dv in copy["Results"].data_validations.dataValidation}
    assert len([f for f in results_lists if f.startswith("'Lists (contract 2)'")]) == 4
    notes = "\n".join(
        str(c.value) for row in copy["New in contract 2"].iter_rows() for c in row if c.value
    )
    assert "Activities column 'Clauses'" in notes and "sheet 'Results'" in notes
    assert "PP-130/instructs-BDT/CIRTs" in notes and "Worked example" in notes
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(path, again / "v1.xlsx")
    redo = validate_folder(again)
    cols = ["sheet", "row", "column", "severity", "message"]
    assert redo.issues[cols].values.tolist() == result.issues[cols].values.tolist()


def test_feedback_on_a_version_2_workbook_adds_nothing(tmp_path, ref):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND], results=[]
    )
    result = validate_folder(raw)
    [path] = write_feedback(result, tmp_path / "fb", ref=ref)
    assert openpyxl.load_workbook(path).sheetnames == [
        "Issues", "Activities", "Expenditure", "Results", "Outputs",
    ]  # fmt: skip


# ----------------------------------------------------------------------------- analysts' exports


def test_export_table_writes_about_and_table(tmp_path, small):
    import pandas as pd

    frame = pd.DataFrame({"year": [2021, 2022], "amount_cents": [100, 250]}).set_index("year")
    path = export_table(frame, "Spend / year", tmp_path / "out", product=small)
    assert path == tmp_path / "out" / "Spend_year.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["About", "Spend_year"]
    # A named index is written as the first column, numbers as numbers.
    rows = [[c.value for c in r] for r in wb["Spend_year"].iter_rows()]
    assert rows == [["year", "amount_cents"], [2021, 100], [2022, 250]]
    about = [c.value for c in wb["About"]["A"] if c.value]
    assert about[0].startswith("Spend / year")
    # About lines run over several rows of at most 110 characters (the streamed writer).
    text = " ".join(about)
    assert "cents" in text and str(small.directory) in text
    # No staging file is left behind.
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["Spend_year.xlsx"]
    # Its own export is replaced on a second run (re-runnable notebook cells).
    export_table(frame.iloc[:1], "Spend / year", tmp_path / "out")
    assert openpyxl.load_workbook(path)["Spend_year"].max_row == 2


def test_export_table_never_writes_into_raw_or_over_a_foreign_file(tmp_path, monkeypatch):
    import pandas as pd

    from cyber_mapping import paths
    from cyber_mapping.exceptions import ExportError

    frame = pd.DataFrame({"a": [1]})
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    for folder in (raw, raw / "sub", tmp_path / "data" / ".." / "data" / "raw"):
        with pytest.raises(ExportError, match="read-only"):
            export_table(frame, "t", folder)
    assert list(raw.iterdir()) == []
    # A workbook someone else saved under that name, and a non-workbook, are kept.
    theirs = openpyxl.Workbook()
    theirs.active["A1"] = "mine"
    theirs.save(tmp_path / "t.xlsx")
    (tmp_path / "u.xlsx").write_text("not a workbook")
    for stem in ("t", "u"):
        with pytest.raises(ExportError, match="not written by an export"):
            export_table(frame, stem, tmp_path)
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"].value == "mine"
    assert (tmp_path / "u.xlsx").read_text() == "not a workbook"
    with pytest.raises(ExportError, match="file name"):
        export_table(frame, " / ", tmp_path)


def test_export_table_defaults_to_reports_explore(tmp_path, monkeypatch):
    import pandas as pd

    from cyber_mapping import paths

    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    path = export_table(pd.DataFrame({"a": [1]}), "t", "")
    assert path == tmp_path / "reports" / "explore" / "t.xlsx"
