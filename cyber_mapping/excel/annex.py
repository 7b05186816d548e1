"""Tables as Excel workbooks for people and pivoting: the streamed annex and analysts' exports.

Each table is an Excel table object on its own sheet after an ``About`` sheet; text follows
the formula-safe rule of :mod:`cyber_mapping.excel.cells`.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from cyber_mapping import paths
from cyber_mapping.analysis.change import product_as_of
from cyber_mapping.excel.cells import (
    BOLD,
    FIXED_STAMP,
    HEADER_FILL,
    WRAP,
    fit_width,
    save_atomic,
    stream_cell,
    stream_header,
)
from cyber_mapping.exceptions import ExportError
from cyber_mapping.reference import read_yaml

# About-sheet layout: columns A:C, 16 + 30 + 80 characters wide. Write-only sheets cannot
# merge cells, so each about line is cut at word boundaries into rows of at most this many
# characters, written unwrapped in column A: the text runs on over the empty B and C (on
# screen and in print, which covers A:C) and each row needs only one line's height.
_ABOUT_WIDTHS = (16, 30, 80)
_ABOUT_CHARS = 110


def write_table_workbook(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    about: list[str],
    columns: dict[str, dict[str, str]] | None = None,
    doc_title: str | None = None,
    stamp: dt.datetime = FIXED_STAMP,
) -> Path:
    """Write tables for people and for pivoting: one sheet each, as Excel tables.

    ``about`` lines go on a first sheet ``About`` (title, units, source, as-of), followed by
    a list of every column of every sheet with what it holds (``columns``: sheet -> column
    -> meaning). Numeric columns are written as numbers (money ``#,##0``, years ``0``),
    dates as dates, text with the formula-safe rule of :mod:`cyber_mapping.excel.cells`, so
    nothing from a submission can run as a formula. Each sheet is an Excel table object
    (banded, with filters), its header row frozen and repeated on every printed page;
    everything prints on A4, one page wide.
    ``doc_title``, when given, is the workbook's document title (its properties);
    ``stamp`` is the time the workbook records (the data product's build time, so that the
    same product gives the same bytes).

    The workbook is streamed (openpyxl's write-only mode): rows go to the file as they are
    made instead of living as cell objects in memory, which makes the annex of a
    200,000-row product several times faster (see the README's performance paragraph).
    Each about line is cut into rows of at most 110 characters (no merged cells in this
    mode). The file is written under a temporary name and renamed into place.
    """
    wb = openpyxl.Workbook(write_only=True)
    info = wb.create_sheet("About")
    row = _about_lines(info, about)
    if columns:
        _column_meanings(info, columns, row)
    for title, frame in sheets.items():
        _table_sheet(wb.create_sheet(title[:31]), title, frame)
    if doc_title is not None:
        wb.properties.title = doc_title
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path, stamp)
    return path


def _about_lines(info: Any, about: list[str]) -> int:
    """The About sheet's layout and its lines (the first in bold); returns the last row."""
    for letter, width in zip("ABC", _ABOUT_WIDTHS, strict=True):
        info.column_dimensions[letter].width = width
    info.page_setup.orientation = "portrait"
    fit_width(info)
    row = 0
    for number, line in enumerate(about, start=1):
        font = BOLD if number == 1 else Font()
        for part in textwrap.wrap(line, _ABOUT_CHARS, break_on_hyphens=False) or [""]:
            row += 1
            cell = stream_cell(info, part)
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(info, cell)
            cell.font = font
            info.row_dimensions[row].height = 15
            info.append([cell])
    return row


def _column_meanings(info: Any, columns: dict[str, dict[str, str]], row: int) -> None:
    """After two blank rows, a table of every sheet's columns and what each holds."""
    info.append([])
    info.append([])
    row += 2
    head = []
    for header in ("Sheet", "Column", "What it holds"):
        cell = WriteOnlyCell(info, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        head.append(cell)
    info.append(head)
    row += 1
    wrapped = WriteOnlyCell(info)
    wrapped.alignment = WRAP
    for sheet, described in columns.items():
        for column, meaning in described.items():
            row += 1
            # Spreadsheets do not grow rows for wrapped text written by a program: set
            # the height (before the row is written), or long lines print over the
            # next row.
            lines = max(-(-len(column) // 28), -(-len(meaning) // 85), 1)
            info.row_dimensions[row].height = 15 * lines
            info.append([stream_cell(info, v, wrapped) for v in (sheet, column, meaning)])


def _table_sheet(ws: Any, title: str, frame: pd.DataFrame) -> None:
    """One table on its own sheet: layout first (a streamed sheet needs it), then the rows."""
    headers = [str(c) for c in frame.columns]
    kinds = _number_formats(frame)
    # Only columns with long text wrap (as before streaming: a wrapped cell is a
    # styled cell, and styling costs time on the by-year sheet's many cells).
    wrap = [
        not kind and bool(frame[c].astype(str).str.len().gt(40).any())
        for c, kind in zip(frame.columns, kinds, strict=True)
    ]
    # Column widths, panes and print settings must be set before the first row is
    # written: a write-only sheet writes its head when the first row arrives.
    for j, (header, kind) in enumerate(zip(headers, kinds, strict=True), start=1):
        if kind:
            width = max(12, min(len(header) + 2, 16))
        else:
            longest = max([len(header), *(len(str(v)) for v in frame.iloc[:, j - 1])], default=10)
            width = min(50, max(12, longest + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    fit_width(ws)
    styles = _column_styles(ws, kinds, wrap)
    stream_header(ws, headers)
    for values in frame.itertuples(index=False):
        ws.append([stream_cell(ws, v, s) for v, s in zip(values, styles, strict=True)])
    _add_table(ws, title, headers, len(frame))


def _number_formats(frame: pd.DataFrame) -> list[str]:
    """Each column's number format: integers ``0``, floats ``#,##0``, dates; '' for text."""
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
    return kinds


def _column_styles(ws: Any, kinds: list[str], wrap: list[bool]) -> list[Cell | None]:
    """One template cell per column, whose style is copied to each of its data cells.

    None for a plain column, whose cells carry no style (as with ``put_text``).
    """
    styles: list[Cell | None] = []
    for kind, wraps in zip(kinds, wrap, strict=True):
        if kind:
            template = WriteOnlyCell(ws)
            template.number_format = kind
        elif wraps:
            template = WriteOnlyCell(ws)
            template.alignment = WRAP
        else:
            template = None
        styles.append(template)
    return styles


def _add_table(ws: Any, title: str, headers: list[str], rows: int) -> None:
    """Make the sheet's header and ``rows`` data rows an Excel table (banded, filtered)."""
    last = get_column_letter(max(1, len(headers)))
    name = "".join(ch for ch in title if ch.isalnum()) or "Table"
    table = Table(displayName=name, ref=f"A1:{last}{max(2, rows + 1)}")
    # A write-only sheet cannot read its header row back when saving: name the table's
    # columns here, exactly as the header cells (Excel repairs a table whose column
    # names differ from its header cells), and give it its filter buttons (normal
    # mode adds them when it reads the header row).
    table.tableColumns = [
        TableColumn(id=j, name=header) for j, header in enumerate(headers, start=1)
    ]
    table.autoFilter = AutoFilter(ref=table.ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    with warnings.catch_warnings():
        # openpyxl warns on every write-only table to name its columns: done above.
        warnings.filterwarnings("ignore", message="In write-only mode you must add table")
        ws.add_table(table)


# ----------------------------------------------------------------------------- analysts' exports

EXPORT_DIR_NAME = "explore"
# Written into the workbook's properties, so that a later export replaces only files that
# an export wrote (never a file someone else put there).
EXPORT_MARK = "cyber_mapping export"


def export_name(name: str) -> str:
    """A file-safe stem for ``name``: letters, digits, ``-`` and ``_``; spaces become ``_``."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.strip())
    stem = "_".join(part for part in stem.split("_") if part)
    if not stem:
        raise ExportError(f"cannot make a file name from {name!r}; give letters or digits.")
    return stem


def export_table(
    frame: pd.DataFrame,
    name: str,
    folder: Path | str | None = None,
    *,
    product: object | None = None,
) -> Path:
    """Write one table to ``<folder>/<name>.xlsx`` for an analyst, and return the path.

    Parameters
    ----------
    frame
        Any table (a named index, as :func:`cyber_mapping.analysis.spend.year_table` returns, is
        written as the first column).
    name
        The table's name: the file's stem (made file-safe) and its sheet's title.
    folder
        Where to write; ``None`` or ``""`` means ``reports/explore/``, a folder the package
        owns (``make clean`` empties it).
    product
        The data product the table comes from (:func:`cyber_mapping.product.store.load`); when
        given, the ``About`` sheet names its folder, build date and as-of date.

    The workbook has a first sheet ``About`` (title, units, source, as-of date) and the
    table as an Excel table (see :func:`write_table_workbook`). It is written to a temporary
    name in the same folder and renamed into place, so a reader never sees half a file.

    Raises
    ------
    ExportError
        When ``folder`` is inside ``data/raw/`` (the offices' submissions are read-only), or
        when a file of that name exists that no export wrote.
    """
    # The folders are read when called (paths.X, not imported names): tests point them at
    # temporary folders.
    target_dir = Path(folder) if folder else paths.REPORTS_DIR / EXPORT_DIR_NAME
    resolved = target_dir.resolve()
    raw = paths.RAW_DIR.resolve()
    if resolved == raw or raw in resolved.parents:
        raise ExportError(
            f"not exporting into {target_dir}: data/raw/ holds the offices' submissions and "
            "is read-only. Leave the folder empty (reports/explore/) or choose another one."
        )
    stem = export_name(name)
    path = target_dir / f"{stem}.xlsx"
    if path.exists() and not _exported_by_us(path):
        raise ExportError(
            f"{path} exists and was not written by an export; not replacing it. "
            "Choose another name or folder, or move that file."
        )
    t = read_yaml(paths.TEMPLATES_DIR / "text_en.yaml")
    about = [t["export_title"].format(name=name), t["export_units"]]
    stamp = FIXED_STAMP
    if product is not None:
        manifest = getattr(product, "manifest", {}) or {}
        stamp = built_time(manifest)
        as_of = product_as_of(product)  # type: ignore[arg-type]
        about.append(
            t["export_source"].format(
                folder=getattr(product, "directory", ""),
                built=str(manifest.get("built_at", ""))[:10],
                as_of=as_of.isoformat() if as_of else "",
            )
        )
    # A named index (a pivot's rows) is data; an unnamed one is only row numbers.
    named = any(n is not None for n in frame.index.names)
    table = frame.reset_index() if named else frame.reset_index(drop=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = target_dir / f".{stem}.xlsx.tmp"
    try:
        write_table_workbook(
            staging, {stem[:31]: table}, about, doc_title=EXPORT_MARK, stamp=stamp
        )
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def built_time(manifest: dict) -> dt.datetime:
    """When the data product of ``manifest`` was built (UTC), the time its workbooks record."""
    try:
        return dt.datetime.fromisoformat(str(manifest["built_at"])).replace(tzinfo=None)
    except (KeyError, ValueError):
        return FIXED_STAMP


def _exported_by_us(path: Path) -> bool:
    """Whether ``path`` is a workbook that :func:`export_table` wrote (its title says so)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException):
        return False  # not a workbook we could have written: never replace it
    try:
        return wb.properties.title == EXPORT_MARK
    finally:
        wb.close()
