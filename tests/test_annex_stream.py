"""The Excel annex is streamed (openpyxl write-only) and equals the cell-by-cell writer.

``_normal_mode_writer`` below is ``annex.write_table_workbook`` as it was before streaming
(openpyxl's normal mode, one cell at a time), kept here as the oracle: the streamed
workbook must hold the same values, types, number formats, wrapping, quote prefixes, table
objects, widths, panes and print settings, cell for cell.
"""

from __future__ import annotations

import datetime as dt
import gc
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cyber_mapping.excel import annex
from cyber_mapping.excel.cells import (
    BOLD,
    HEADER_FILL,
    WRAP,
    fit_width,
    put_text,
    save_atomic,
    style_header,
)


def _normal_mode_writer(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    about: list[str],
    columns: dict[str, dict[str, str]] | None = None,
) -> Path:
    """The cell-by-cell writer before streaming (verbatim, the oracle)."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "About"
    for letter, width in zip("ABC", (16, 30, 80), strict=True):
        info.column_dimensions[letter].width = width
    row = 0
    for row, line in enumerate(about, start=1):
        info.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        cell = put_text(info, row, 1, line)
        cell.alignment = WRAP
        cell.font = BOLD if row == 1 else Font()
        info.row_dimensions[row].height = 15 * max(1, -(-len(line) // 120))
    if columns:
        row += 2
        for j, header in enumerate(("Sheet", "Column", "What it holds"), start=1):
            cell = put_text(info, row, j, header)
            cell.font, cell.fill = BOLD, HEADER_FILL
        for sheet, described in columns.items():
            for column, meaning in described.items():
                row += 1
                for j, value in enumerate((sheet, column, meaning), start=1):
                    put_text(info, row, j, value).alignment = WRAP
                lines = max(-(-len(column) // 28), -(-len(meaning) // 85), 1)
                info.row_dimensions[row].height = 15 * lines
    info.page_setup.orientation = "portrait"
    fit_width(info)
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        headers = [str(c) for c in frame.columns]
        style_header(ws, headers)
        kinds = []
        for c in frame.columns:
            series = frame[c]
            if pd.api.types.is_integer_dtype(series):
                kinds.append("0")
            elif pd.api.types.is_float_dtype(series):
                kinds.append("#,##0")
            elif series.map(lambda v: isinstance(v, pd.Timestamp | dt.date)).any():
                kinds.append("d mmmm yyyy")
            else:
                kinds.append("")
        wrap = [
            not kind and bool(frame[c].astype(str).str.len().gt(40).any())
            for c, kind in zip(frame.columns, kinds, strict=True)
        ]
        for i, values in enumerate(frame.itertuples(index=False), start=2):
            for j, (value, kind, wraps) in enumerate(
                zip(values, kinds, wrap, strict=True), start=1
            ):
                cell = put_text(ws, i, j, value)
                if kind:
                    cell.number_format = kind
                elif wraps:
                    cell.alignment = WRAP
        for j, (header, kind) in enumerate(zip(headers, kinds, strict=True), start=1):
            if kind:
                width = max(12, min(len(header) + 2, 16))
            else:
                longest = max(
                    [len(header), *(len(str(v)) for v in frame.iloc[:, j - 1])], default=10
                )
                width = min(50, max(12, longest + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = "A2"
        last = get_column_letter(max(1, len(headers)))
        name = "".join(ch for ch in title if ch.isalnum()) or "Table"
        table = Table(displayName=name, ref=f"A1:{last}{max(2, len(frame) + 1)}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        fit_width(ws)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path)
    return path


LONG = "A capacity-building workshop on national incident response, with a long title"


def _frames() -> dict[str, pd.DataFrame]:
    mapping = pd.DataFrame(
        {
            "Activity ID": ["A-1", "A-2", "A-3", "A-4"],
            # Formula-like text (every FORMULA_START character), a long text, NaN.
            "Activity": ['=HYPERLINK("http://x")', "+1 call", LONG, np.nan],
            "Note": ["-minus", "@at", "\tTab", "\rCR"],
            "Year": pd.array([2021, 2022, 2023, 2024], dtype="int64"),
            "Staff (CHF)": [1234.5, 0.0, np.nan, 1e7],
            "Start": [pd.Timestamp("2021-03-15"), pd.NaT, dt.date(2023, 1, 2), None],
            "Count": pd.array([1, None, 3, 4], dtype="Int64"),
            "Plain": ["x", None, "z", "2021-2022"],
        }
    )
    by_year = pd.DataFrame({"Year": [2021], "CHF": [10_000.0], "Region": ["Africa"]})
    empty = pd.DataFrame({"Region": pd.Series([], dtype=object), "CHF": []})
    return {"Mapping": mapping, "By year": by_year, "Empty one": empty}


ABOUT = [
    "Mapping of activities to ITU Resolutions",
    "Mapping: one row per activity and Resolution it cites; " + "spend in CHF. " * 30,
    "=Source: a line that looks like a formula",
]
COLUMNS = {
    "Mapping": {"Activity ID": "the activity's ID", "Activity": "its title " * 40},
    "By year": {"CHF": "spend in Swiss francs"},
}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("annex")
    old = _normal_mode_writer(tmp / "old.xlsx", _frames(), ABOUT, COLUMNS)
    new = annex.write_table_workbook(tmp / "new.xlsx", _frames(), ABOUT, COLUMNS)
    return openpyxl.load_workbook(old), openpyxl.load_workbook(new), new


def test_streamed_workbook_is_write_only(monkeypatch, tmp_path):
    # The point of the change: the annex is written by a write-only (streaming) workbook.
    modes = []
    real = openpyxl.Workbook

    def spy(*args, **kwargs):
        modes.append(kwargs.get("write_only", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(annex.openpyxl, "Workbook", spy)
    annex.write_table_workbook(tmp_path / "a.xlsx", _frames(), ABOUT, COLUMNS)
    assert modes == [True]


@pytest.mark.parametrize("title", ["Mapping", "By year", "Empty one"])
def test_data_sheets_equal_the_cell_by_cell_writer(both, title):
    old_wb, new_wb, _ = both
    old, new = old_wb[title], new_wb[title]
    assert (new.max_row, new.max_column) == (old.max_row, old.max_column)
    for old_row, new_row in zip(old.iter_rows(), new.iter_rows(), strict=True):
        for a, b in zip(old_row, new_row, strict=True):
            where = f"{title}!{a.coordinate}"
            assert (b.value, b.data_type) == (a.value, a.data_type), where
            assert type(b.value) is type(a.value), where
            assert b.number_format == a.number_format, where
            assert b.quotePrefix == a.quotePrefix, where
            assert bool(b.alignment.wrap_text) == bool(a.alignment.wrap_text), where
            assert (b.font.b, b.fill.fgColor.rgb) == (a.font.b, a.fill.fgColor.rgb), where
    assert {n: new.tables[n].ref for n in new.tables} == {n: old.tables[n].ref for n in old.tables}
    for name in new.tables:
        table = new.tables[name]
        assert [c.name for c in table.tableColumns] == [
            c.name for c in old.tables[name].tableColumns
        ]
        assert table.tableStyleInfo.name == "TableStyleLight9"
        assert table.tableStyleInfo.showRowStripes and table.autoFilter is not None
    assert new.freeze_panes == old.freeze_panes == "A2"
    assert new.print_title_rows == old.print_title_rows == "$1:$1"
    assert new.row_dimensions[1].height == old.row_dimensions[1].height == 32
    widths = {k: d.width for k, d in old.column_dimensions.items()}
    assert {k: new.column_dimensions[k].width for k in widths} == widths
    for attr in ("paperSize", "orientation", "fitToWidth", "fitToHeight"):
        assert getattr(new.page_setup, attr) == getattr(old.page_setup, attr), attr
    assert new.sheet_properties.pageSetUpPr.fitToPage


def test_worked_cells_by_hand(both):
    # The expectations written out, in case the oracle and the new writer shared a bug.
    ws = both[1]["Mapping"]
    assert [c.value for c in ws[1]] == list(_frames()["Mapping"].columns)
    assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
    assert ws["B2"].quotePrefix and ws["C3"].value == "@at" and ws["C3"].quotePrefix
    assert ws["B4"].alignment.wrap_text  # the long-text column wraps
    assert not ws["A2"].alignment.wrap_text and ws["A2"].number_format == "General"
    assert ws["D2"].value == 2021 and ws["D2"].number_format == "0"
    assert ws["E2"].value == 1234.5 and ws["E2"].number_format == "#,##0"
    assert ws["E4"].value is None and ws["E4"].number_format == "#,##0"  # NaN: empty
    assert ws["F2"].value == dt.datetime(2021, 3, 15) and ws["F2"].number_format == "d mmmm yyyy"
    assert ws["F4"].value == dt.datetime(2023, 1, 2)
    assert ws["F3"].value is None and ws["G3"].value is None  # NaT and pd.NA: empty
    assert ws["H5"].value == "2021-2022" and ws.tables["Mapping"].ref == "A1:H5"
    assert both[1]["Empty one"].tables["Emptyone"].ref == "A1:B2"


def test_about_sheet_says_the_same_without_merged_cells(both):
    old_wb, new_wb, _ = both
    old, new = old_wb["About"], new_wb["About"]
    assert not new.merged_cells.ranges
    # Every about line whole, in column A (joined again where it was cut into rows).
    text = " ".join(str(new.cell(r, 1).value) for r in range(1, new.max_row + 1))
    for line in ABOUT:
        assert " ".join(line.split()) in text
    assert new["A1"].font.b and new["A1"].value == ABOUT[0]
    assert new["A2"].value.startswith("Mapping:") and not new["A2"].font.b
    # No row of about text is longer than the A:C span it overflows into, and none wraps,
    # so one line's height (15 points) is enough.
    about_rows = [r for r in range(1, new.max_row + 1) if new.cell(r, 1).value is not None]
    header = next(r for r in about_rows if new.cell(r, 1).value == "Sheet")
    for r in [r for r in about_rows if r < header]:
        assert len(new.cell(r, 1).value) <= 110 and not new.cell(r, 1).alignment.wrap_text
        assert new.row_dimensions[r].height == 15
    formula_like = next(r for r in about_rows if str(new.cell(r, 1).value).startswith("="))
    assert new.cell(formula_like, 1).data_type == "s" and new.cell(formula_like, 1).quotePrefix

    # The column list: same rows, wrapped, same heights, as before.
    def listing(ws, first):
        return [
            (
                tuple(ws.cell(r, j).value for j in (1, 2, 3)),
                ws.row_dimensions[r].height,
                all(ws.cell(r, j).alignment.wrap_text for j in (1, 2, 3)) if r > first else None,
            )
            for r in range(first, ws.max_row + 1)
        ]

    old_header = next(r for r in range(1, old.max_row + 1) if old.cell(r, 1).value == "Sheet")
    assert listing(new, header) == listing(old, old_header)
    assert new.cell(header, 1).font.b and new.cell(header, 3).font.b
    widths = {k: new.column_dimensions[k].width for k in "ABC"}
    assert widths == {"A": 16, "B": 30, "C": 80}
    assert new.page_setup.orientation == "portrait" and new.page_setup.fitToWidth == 1
    assert new.sheet_properties.pageSetUpPr.fitToPage


def test_table_parts_name_their_columns_in_the_file(both):
    # Excel checks the table XML against the header cells: the streamed file must carry
    # the real header names (not Column1, Column2) in its table parts.
    with zipfile.ZipFile(both[2]) as z:
        tables = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(tables) == 3
    assert any('name="Staff (CHF)"' in t for t in tables)
    assert not any('name="Column1"' in t for t in tables)


# The failed save leaves openpyxl's row streams open; their clean-up noise is expected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_written_atomically(tmp_path, monkeypatch):
    # A failure while saving leaves what was there before, not a half-written file.
    target = tmp_path / "annex.xlsx"
    target.write_bytes(b"previous")

    def boom(self, filename):
        # The workbook is saved into memory, then written under a temporary name.
        if isinstance(filename, str | Path):
            Path(filename).write_bytes(b"half")
        else:
            filename.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        annex.write_table_workbook(target, _frames(), ABOUT, COLUMNS)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["annex.xlsx"]
    gc.collect()  # the noise, here rather than in a later test
