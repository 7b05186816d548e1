"""Cells of the package's workbooks: formula-safe text, shared styles, print setup, drop-downs.

Text that came from a submission is stored as a text cell (never a formula) with Excel's
quote prefix, so a value such as ``=HYPERLINK(...)`` is shown, not run: :func:`put_text`
for normal sheets, :func:`stream_cell` for write-only (streamed) ones.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cyber_mapping.paths import atomic_path
from cyber_mapping.product.store import FORMULA_START

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FILL = PatternFill("solid", fgColor="9DC3E6")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
AUTHOR = "cyber_mapping"
# A workbook records when it was made: twice in docProps/core.xml and once per part of its
# zip. Left to openpyxl these are the moment of saving, so identical inputs would give
# different bytes. The package writes the data's time instead (the product's build time,
# the submission's own date) or, for what comes from no data (a blank template), this one.
FIXED_STAMP = dt.datetime(2025, 1, 31, 12, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")


def pinned_xlsx(data: bytes, stamp: dt.datetime = FIXED_STAMP) -> bytes:
    """The workbook ``data`` with every timestamp set to ``stamp`` (same content, same bytes)."""
    stamp = stamp.replace(tzinfo=None, microsecond=0)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_DATES.sub(rb"\g<1>" + text + rb"\2", payload)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, payload)
    return out.getvalue()


def save_atomic(wb: openpyxl.Workbook, path: Path, stamp: dt.datetime = FIXED_STAMP) -> Path:
    """Save ``wb``, its timestamps pinned to ``stamp``, as ``path`` through a temporary name.

    A run killed while saving never leaves a half-written workbook under the final name,
    and the same workbook saved twice is the same bytes (:func:`pinned_xlsx`).
    """
    buffer = io.BytesIO()
    wb.save(buffer)
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(pinned_xlsx(buffer.getvalue(), stamp))
    return Path(path)


def put_text(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write ``value`` into a cell; text that looks like a formula stays inert text.

    openpyxl turns any string starting with ``=`` into a formula, so such text is stored as
    a string cell with Excel's quote prefix (shown as typed, never evaluated).
    """
    cell = ws.cell(row=row, column=column)
    value = cell_value(value)
    if value is None:
        return cell
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def style_header(ws: Worksheet, headers: list[str], required: Iterable[bool] | None = None):
    """Bold, shaded, wrapped header row; required columns in a darker shade."""
    flags = list(required) if required is not None else [False] * len(headers)
    for j, (text, req) in enumerate(zip(headers, flags, strict=True), start=1):
        cell = put_text(ws, 1, j, text)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if req else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 32


def cell_comment(text: str, width: int = 320) -> Comment:
    """A cell comment by the package, tall enough for ``text`` at ``width`` pixels."""
    note = Comment(text, AUTHOR)
    note.width = width
    # About 45 characters a line at this width; leave room for wrapped lines.
    note.height = max(60, 18 * (len(text) // 45 + 2))
    return note


def fit_width(ws: Worksheet) -> None:
    """Print on A4, every column on one page width."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def add_list_validation(
    ws: Worksheet, letter: str, last: int, header: str, hint: str, ref_text: str, strict: bool
) -> None:
    """A drop-down from ``ref_text`` on rows 2..``last`` of a column (template and feedback).

    ``strict`` lists refuse other input; the others accept several values typed by hand.
    """
    dv = DataValidation(
        type="list",
        formula1=ref_text,
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle=f"Not a valid {header.lower()}" if strict else None,
        error="Choose a value from the drop-down list." if strict else None,
        showInputMessage=True,
        promptTitle=header[:32],
        prompt=(hint if strict else hint + ". Pick one, or type several.")[:255],
    )
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)


def cell_value(value: object) -> object:
    """What a cell stores for ``value`` (:func:`put_text`, :func:`stream_cell`): ``None`` if empty.

    Missing values (``None``, NaN, ``pd.NA``) leave the cell empty; a pandas timestamp
    becomes a ``datetime``, which spreadsheets store as a date.
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def stream_cell(ws: Any, value: object, style: Any = None) -> object:
    """One cell of a write-only sheet, with the same formula-safe rule as :func:`put_text`.

    Plain values are passed as they are (openpyxl makes the cell); a styled cell or text
    that looks like a formula becomes a ``WriteOnlyCell``: such text is stored as a string
    with Excel's quote prefix, shown as typed and never evaluated. ``style`` is a cell
    whose style (number format, alignment) is copied: copying one style array is much
    cheaper than setting the format on every cell of a 200,000-row sheet.
    """
    value = cell_value(value)
    inert = isinstance(value, str) and value.startswith(FORMULA_START)
    if style is None and not inert:
        return value
    cell = WriteOnlyCell(ws, value)
    if style is not None:
        cell._style = copy(style._style)
    if inert:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def stream_header(ws: Any, headers: list[str]) -> None:
    """The header row of a write-only sheet, styled as :func:`style_header` does."""
    ws.row_dimensions[1].height = 32
    row = []
    for text in headers:
        cell = stream_cell(ws, text)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, cell)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        row.append(cell)
    ws.append(row)
