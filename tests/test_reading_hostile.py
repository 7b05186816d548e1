"""Hostile and accidental workbooks: far cells, huge cells, zip bombs, old and open formats,
password protection. Each test builds the file; a problem stays with its file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from cyber_mapping.exceptions import WorkbookError
from cyber_mapping.intake import reading, sizing
from cyber_mapping.intake.cells import clip_merged, kept_rows, sheet_rows, stream_sheet
from cyber_mapping.intake.reading import read_folder
from cyber_mapping.intake.sizing import PASSWORD_PROTECTED
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, generated_sample, write_workbook


def _sample() -> Path:
    """A sample workbook from the generator (not data/raw/, which may hold real data)."""
    return generated_sample() / "sample_RO_CIS.xlsx"


def _good(folder: Path, name: str = "good.xlsx") -> Path:
    return write_workbook(folder / name, activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])


def _with_cell(folder: Path, name: str, cell: str, value: object = "stray") -> Path:
    """A copy of a sample workbook with one more value, far away."""
    wb = openpyxl.load_workbook(_sample())
    wb["Activities"][cell] = value
    path = folder / name
    wb.save(path)
    return path


def _errors(intake) -> dict[str, str]:
    return {p["workbook"]: p["message"] for p in intake.issues if p["severity"] == "error"}


def _read_in_child(folder: Path) -> tuple[int, float, str]:
    """Read ``folder`` in a child process: exit code, peak RSS (MB), what it printed.

    A child, so that a regression (a Rust abort) fails this test instead of the suite.
    """
    code = (
        "import sys; from cyber_mapping.intake.reading import read_folder; "
        "i = read_folder(sys.argv[1]); "
        "print({w.name: (w.status, w.rows) for w in i.workbooks})"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    out = child.stdout.read().decode() + child.stderr.read().decode()
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, out


@pytest.mark.parametrize("cell", ["XFD1048576", "Z1048576", "XFD1"])
def test_a_far_cell_is_read_at_the_cost_of_the_cells_present(tmp_path, cell):
    # Before: XFD1048576 aborted the process (549 GB asked for), Z1048576 took 1.3 GB.
    _with_cell(tmp_path, "far.xlsx", cell)
    _good(tmp_path)
    code, peak_mb, out = _read_in_child(tmp_path)
    assert code == 0, out
    assert peak_mb < 1024, f"{peak_mb:.0f} MB"
    # Every row of the sample is read (as many as from the sample itself), and the other
    # workbook too.
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(_sample(), plain / "far.xlsx")
    rows = reading.read_folder(plain).workbooks[0].rows
    assert f"'far.xlsx': ('read', {rows!r})" in out
    assert "'good.xlsx': ('read'" in out


def test_streamed_sheets_read_exactly_what_calamine_reads():
    # The streaming route (for far-flung sheets) against calamine, on every sample sheet.
    def trimmed(rows):
        out = []
        for i, line in rows:
            last = max((j + 1 for j, v in enumerate(line) if v != "" and v is not None), default=0)
            out.append((i, list(line[:last])))
        return out

    for path in sorted(generated_sample().glob("*.xlsx")):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            expected = sheet_rows(sheet)
            streamed = stream_sheet(path, name)
            assert trimmed(streamed.rows) == trimmed(expected), (path.name, name)
            merged = clip_merged(sheet.merged_cell_ranges, expected)
            assert streamed.merged_cell_ranges == merged


def test_a_streamed_workbook_validates_like_the_original(tmp_path, monkeypatch):
    shutil.copy(_sample(), tmp_path / _sample().name)
    normal = validate_folder(tmp_path)
    monkeypatch.setattr(sizing, "MAX_GRID_CELLS", 0)  # every sheet takes the streaming route
    streamed = validate_folder(tmp_path)
    assert streamed.reconciliation == normal.reconciliation
    assert streamed.activities.equals(normal.activities)
    assert streamed.expenditure.equals(normal.expenditure)
    assert streamed.issues.equals(normal.issues)


def test_data_far_down_and_far_right_is_still_read(tmp_path):
    path = write_workbook(
        tmp_path / "sparse.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND]
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["Expenditure"]
    headers = [c.value for c in ws[1]]
    for j, header in enumerate(headers, start=1):
        value = {**GOOD_SPEND, "Period": 2022}[header]
        ws.cell(row=1_000_000, column=j, value=value)
    ws["XFD1048576"] = "note to self"
    wb.save(path)
    intake = read_folder(tmp_path)
    exp = intake.tables["expenditure"]
    assert list(exp["_row"]) == [2, 1_000_000]
    assert list(exp["period"]) == [2021, 2022]


def test_a_range_merged_to_the_last_row_costs_only_the_rows_with_data(tmp_path):
    path = _good(tmp_path)
    # Written into the XML: openpyxl would create a million merged cells to write it.
    _patched(
        path,
        "xl/worksheets/sheet2.xml",
        b"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="B2:B1048576"/></mergeCells>',
    )
    with reading._open_book(path, list(reading.SHEETS)) as (load, _):
        cells = load("Expenditure")
    assert cells.merged_cell_ranges == [((1, 1), (1, 1))]
    result = validate_folder(tmp_path)
    assert result.expenditure["chf_cents"].sum() == 100_000


def _patched(path: Path, part: str, old: bytes, new: bytes) -> Path:
    """Rewrite one part of a workbook (openpyxl itself cuts text at 32,767 characters)."""
    source = path.with_suffix(".orig")
    path.rename(source)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            out.writestr(item, data)
    source.unlink()
    return path


def test_a_cell_longer_than_excel_allows_is_that_files_error(tmp_path):
    # Inline text (as openpyxl writes it), in a sheet calamine reads.
    _with_cell(tmp_path, "long.xlsx", "F5", "LONG")
    _patched(
        tmp_path / "long.xlsx",
        "xl/worksheets/sheet2.xml",
        b"<t>LONG</t>",
        b"<t>" + b"x" * 40_000 + b"</t>",
    )
    # Shared text (as Excel writes it), in a sheet that does not even matter.
    shared = _good(tmp_path, "shared.xlsx")
    with zipfile.ZipFile(shared, "a") as z:
        z.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            + b"y" * 32_768
            + b"</t></si></sst>",
        )
    # Exactly the limit, written with entities: longer as XML, not as text.
    _with_cell(tmp_path, "limit.xlsx", "F5", "LIMIT")
    _patched(
        tmp_path / "limit.xlsx",
        "xl/worksheets/sheet2.xml",
        b"<t>LIMIT</t>",
        b"<t>" + b"&amp;" * 32_767 + b"</t>",
    )
    _good(tmp_path)
    intake = read_folder(tmp_path)
    errors = _errors(intake)
    assert "holds 40,000 characters; a cell may hold at most 32,767" in errors["long.xlsx"]
    assert "(xl/worksheets/sheet2.xml)" in errors["long.xlsx"]
    assert "holds 32,768 characters" in errors["shared.xlsx"]
    assert "limit.xlsx" not in errors
    status = {w.name: w.status for w in intake.workbooks}
    assert status == {
        "good.xlsx": "read",
        "limit.xlsx": "read",
        "long.xlsx": "unreadable",
        "shared.xlsx": "unreadable",
    }
    limit = intake.tables["activities"]
    assert limit.loc[limit["_workbook"] == "limit.xlsx", "title"].str.len().max() == 32_767


def test_a_cell_longer_than_excel_allows_in_an_xls_or_a_streamed_sheet(tmp_path, monkeypatch):
    rows = [(0, ["Activity ID", "Activity"]), (4, ["A-1", "y" * 32_768])]
    with pytest.raises(WorkbookError, match="cell B5 of sheet 'Activities' holds 32,768"):
        kept_rows(rows, "Activities")


def _bomb(path: Path, megabytes: int, one_cell: bool = True) -> Path:
    """A small workbook whose shared strings unpack to ``megabytes`` MB.

    ``one_cell``: all of it one text (the issue's 1 MB file holding a 1.1 GB cell);
    otherwise texts of 1,000 characters.
    """
    with (
        zipfile.ZipFile(_sample()) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b'<c r="F2"', b'<c r="F2" t="s"><v>0</v></c><c r="Q2"', 1)
            out.writestr(item, data)
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w", force_zip64=True) as shared:
            shared.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if one_cell:
                shared.write(b"<si><t>")
                for _ in range(megabytes):
                    shared.write(b"a" * 2**20)
                shared.write(b"</t></si>")
            else:
                block = b"<si><t>" + b"a" * 1000 + b"</t></si>"
                for _ in range(megabytes * 2**20 // len(block) + 1):
                    shared.write(block)
            shared.write(b"</sst>")
    return path


def test_one_huge_cell_is_refused_before_it_is_unpacked(tmp_path):
    # The issue's file held a 1.1 GB cell in 1 MB (MemoryError before); the check stops
    # after a few MB of it whatever its size (1.1 GB: 1.8 s, 150 MB measured).
    _bomb(tmp_path / "bomb.xlsx", 64)
    _good(tmp_path)
    assert (tmp_path / "bomb.xlsx").stat().st_size < 200_000
    intake = read_folder(tmp_path)
    errors = _errors(intake)
    assert "(xl/sharedStrings.xml) holds at least 8,388,530 characters" in errors["bomb.xlsx"]
    assert {w.name: w.status for w in intake.workbooks}["good.xlsx"] == "read"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    # Many ordinary texts that unpack past the limit (lowered so that the test stays fast).
    monkeypatch.setattr(sizing, "MAX_PART_BYTES", 8 * 2**20)
    _bomb(tmp_path / "bomb.xlsx", 9, one_cell=False)
    _good(tmp_path)
    assert (tmp_path / "bomb.xlsx").stat().st_size < 200_000
    intake = read_folder(tmp_path)
    errors = _errors(intake)
    assert "xl/sharedStrings.xml of the workbook unpacks to more than 8 MB" in errors["bomb.xlsx"]
    assert {w.name: w.status for w in intake.workbooks}["good.xlsx"] == "read"


def test_a_part_that_lies_about_its_size_is_refused(tmp_path):
    path = _good(tmp_path, "liar.xlsx")
    data = bytearray(path.read_bytes())
    # Shrink the declared size of the first sheet in the central directory.
    name = b"xl/worksheets/sheet1.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size = int.from_bytes(data[at + 24 : at + 28], "little")
    data[at + 24 : at + 28] = (size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _good(tmp_path)
    errors = _errors(read_folder(tmp_path))
    assert "cannot be opened" in errors["liar.xlsx"]


def test_an_encrypted_workbook_is_password_protected(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (dev) missing")
    from msoffcrypto.format.ooxml import OOXMLFile

    with _sample().open("rb") as plain, (tmp_path / "locked.xlsx").open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    assert msoffcrypto  # the real format, as Excel writes it
    (tmp_path / "named.xlsm").write_bytes((tmp_path / "locked.xlsx").read_bytes())
    _good(tmp_path)
    intake = read_folder(tmp_path)
    errors = _errors(intake)
    assert errors["locked.xlsx"] == PASSWORD_PROTECTED
    assert errors["named.xlsm"] == PASSWORD_PROTECTED
    assert PASSWORD_PROTECTED.startswith(
        "this workbook is password-protected: save it without a password"
    )
    info = {w.name: w for w in intake.workbooks}
    assert info["locked.xlsx"].status == "unreadable" and info["locked.xlsx"].sha256


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs it")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_submissions_are_read_like_the_xlsx(tmp_path, fmt):
    soffice = _soffice()
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(_sample(), original / _sample().name)
    converted = tmp_path / "converted"
    converted.mkdir()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(converted),
            str(original / _sample().name),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (converted / f"{_sample().stem}.{fmt}").is_file()
    a = validate_folder(original)
    b = validate_folder(converted)
    assert b.workbooks[0].status == "read"
    assert b.rows_read == a.rows_read
    assert b.reconciliation == a.reconciliation
    assert list(b.activities["activity_id"]) == list(a.activities["activity_id"])
    assert b.n_errors == a.n_errors


def test_a_spreadsheet_in_a_format_not_read_is_an_error_not_a_skip(tmp_path):
    (tmp_path / "office.csv").write_text("Activity ID,Activity\nA-1,x\n")
    (tmp_path / "notes.txt").write_text("hello")
    _good(tmp_path)
    intake = read_folder(tmp_path)
    errors = _errors(intake)
    assert "a .csv file is not read as a submission" in errors["office.csv"]
    assert "notes.txt" not in errors  # not a spreadsheet: skipped with a warning
    status = {w.name: w.status for w in intake.workbooks}
    assert status == {"good.xlsx": "read", "notes.txt": "skipped", "office.csv": "unreadable"}


def _convert(soffice: str, source: Path, fmt: str, folder: Path) -> Path:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/lo-profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{source.stem}.{fmt}"


@pytest.mark.slow
def test_an_xls_with_a_value_in_its_last_cell_is_refused_cheaply(tmp_path):
    # IV65536 is the last cell of an .xls: calamine's grid took 1.2 GB for it.
    soffice = _soffice()
    source = _with_cell(tmp_path, "far.xlsx", "IV65536")
    converted = tmp_path / "xls"
    converted.mkdir()
    xls = _convert(soffice, source, "xls", converted)
    sample = _convert(soffice, _sample(), "xls", converted)
    sizes = sizing.xls_extents(sample, ["Activities", "Expenditure"])
    # The converted sample spans what the sample's own sheets span.
    book = openpyxl.load_workbook(_sample(), read_only=True)
    spans = {}
    for title in ("Activities", "Expenditure"):
        ws = book[title]
        last = f"{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        spans[title] = (ws.max_row * ws.max_column, last)
    book.close()
    assert sizes == spans
    assert sizing.xls_extents(xls, ["Activities"]) == {"Activities": (65536 * 256, "IV65536")}
    code, peak_mb, out = _read_in_child(converted)
    assert code == 0, out
    assert peak_mb < 1024, f"{peak_mb:.0f} MB"
    assert "'far.xls': ('unreadable'" in out and f"'{sample.name}': ('read'" in out
    assert "as far as IV65536" in _errors(read_folder(converted))["far.xls"]


@pytest.mark.slow
def test_an_ods_with_a_far_cell_is_refused_cheaply(tmp_path):
    # calamine read an .ods with a value in Z1048576 with 1.7 GB (XFD1048576: refused by
    # calamine itself). It is sized first, rows and cells repeated by LibreOffice counted
    # without expanding them.
    soffice = _soffice()
    source = _with_cell(tmp_path, "far.xlsx", "Z1048576")
    converted = tmp_path / "ods"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(converted),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    _good(converted)
    code, peak_mb, out = _read_in_child(converted)
    assert code == 0, out
    assert peak_mb < 1024, f"{peak_mb:.0f} MB"
    assert "'far.ods': ('unreadable'" in out and "'good.xlsx': ('read'" in out
    errors = _errors(read_folder(converted))
    assert "as far as Z1048576" in errors["far.ods"]


def test_a_whitespace_bomb_is_still_read(tmp_path):
    # 64 MB of spaces between two tags (in 60 KB): the package survived it before; the
    # sizing scan must neither mistake it for a long text nor gather it in memory.
    path = _with_cell(tmp_path, "spaces.xlsx", "B2", "B2")
    _patched(path, "xl/worksheets/sheet2.xml", b"<sheetData>", b"<sheetData>" + b" " * 2**26)
    assert path.stat().st_size < 200_000
    intake = read_folder(tmp_path)
    assert not _errors(intake)
    assert {w.name: w.status for w in intake.workbooks} == {"spaces.xlsx": "read"}
