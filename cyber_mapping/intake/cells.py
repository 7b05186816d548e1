"""The cells of a sheet that hold data, however the sheet was read.

:class:`SheetCells` is what reading needs of a sheet: its rows that hold a value (with their
0-based index) and its merged ranges. calamine's sheets give them row by row
(:func:`sheet_rows`); a sheet whose values span too large a range for calamine's grid is
streamed cell by cell instead (:func:`stream_sheet`). Either way, empty rows are left out,
merged ranges are cut to the rows that hold data, and a text longer than a cell may hold
is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from cyber_mapping.exceptions import WorkbookError

# Excel's own limit: a cell holds at most 32,767 characters. Longer text was not typed into
# a spreadsheet; it is refused, so that one cell cannot exhaust the memory.
MAX_CELL_CHARS = 32_767
# A streamed sheet keeps each row that holds data up to its last value; a sheet whose rows
# would need more slots than this (values far apart on many rows) is refused.
MAX_STREAMED_CELLS = 20_000_000


def cell_to_a1(row: int, col: int) -> str:
    """The A1 name of the cell at 0-based ``row`` and ``col`` (``cell_to_a1(6, 1)`` is B7)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: None, or only spaces."""
    return value is None or (isinstance(value, str) and value.strip() == "")


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass(frozen=True)
class SheetCells:
    """The rows of one sheet that hold data, and its merged ranges (0-based, inclusive).

    What reading needs of a sheet, whichever way it was read.
    """

    name: str
    rows: list[tuple[int, list[object]]]
    merged_cell_ranges: Merged


def sheet_rows(
    sheet_obj: SheetCells | python_calamine.CalamineSheet, check_text: bool = True
) -> list[tuple[int, list[object]]]:
    """The rows of a sheet that hold data, as ``(0-based row index, cell values)``, in order.

    Rows with no value are left out (their index says where the others are); a row's values
    may end at its last non-empty cell (the caller pads). ``check_text=False`` skips
    measuring every text (done already on the XML of an ``.xlsx``, by
    :func:`~cyber_mapping.intake.sizing.size_up`).

    Raises
    ------
    WorkbookError
        When a cell holds more text than Excel allows.
    """
    if isinstance(sheet_obj, SheetCells):
        return sheet_obj.rows
    # Row by row (not to_python, which builds the whole grid as Python lists): only the
    # rows that hold data are kept (an .xls with a value in IV65536 took 1.3 GB).
    # iter_rows pads rows from the first, not columns: add the empty columns on the left.
    pad = [""] * (sheet_obj.start[1] if sheet_obj.start else 0)
    lines = ((i, pad + line if pad else line) for i, line in enumerate(sheet_obj.iter_rows()))
    return kept_rows(lines, sheet_obj.name, check_text)


def kept_rows(
    lines: Iterable[tuple[int, list[object]]], sheet: str, check_text: bool = True
) -> list[tuple[int, list[object]]]:
    """The rows of ``lines`` that hold a value; refuse text longer than a cell may hold."""
    rows = [
        (i, line)
        for i, line in lines
        # any() is a fast first test; a row of zeros or False still holds data.
        if any(line) or not all(v == "" or v is None for v in line)
    ]
    for i, line in rows if check_text else ():
        for j, value in enumerate(line):
            if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                raise WorkbookError(
                    f"cell {cell_to_a1(i, j)} of sheet '{sheet}' holds {len(value):,} "
                    f"characters; a cell may hold at most {MAX_CELL_CHARS:,} (Excel's limit). "
                    "Shorten it and send the workbook again."
                )
    return rows


def clip_merged(merged: Merged | None, rows: list[tuple[int, list[object]]]) -> Merged:
    """Merged ranges cut to the rows and columns that hold data.

    A range merged down to row 1,048,576 would otherwise be copied into a million cells;
    only the rows that hold data are ever read.
    """
    if not merged or not rows:
        return []
    last_row = rows[-1][0]
    last_col = max(len(line) for _, line in rows) - 1
    return [
        ((r0, c0), (min(r1, last_row), min(c1, last_col)))
        for (r0, c0), (r1, c1) in merged
        if r0 <= last_row and c0 <= last_col
    ]


def stream_sheet(path: Path, name: str) -> SheetCells:
    """Read one sheet of an ``.xlsx``/``.xlsm`` cell by cell: cost follows the cells present.

    For sheets whose values span too large a range for calamine's grid. Uses openpyxl's
    streaming worksheet parser (the one behind its read-only mode, without the padding of
    every row to the sheet's width). Values are typed as calamine types them: numbers as
    ``float``, dates without a time as ``datetime.date``, empty cells as ``""``.

    Raises
    ------
    WorkbookError
        When the rows that hold data would need more than :data:`MAX_STREAMED_CELLS`
        slots, or a cell holds more text than Excel allows.
    """
    # openpyxl is imported only for the rare sheet that is streamed: reading has no other
    # use for it, and it would add to the start-up of every read.
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = book[name]
        slots = 0
        lines: list[tuple[int, list[object]]] = []
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for _, cells in parser.parse():
                present = [c for c in cells if c["value"] is not None and c["value"] != ""]
                if not present:
                    continue
                width = max(c["column"] for c in present)
                slots += width
                if slots > MAX_STREAMED_CELLS:
                    far = max(present, key=lambda c: c["column"])
                    raise WorkbookError(
                        f"sheet '{name}' holds values in cells far apart (such as "
                        f"{cell_to_a1(far['row'] - 1, far['column'] - 1)}), too many to "
                        "read. Delete the cells outside the table (select the columns and rows "
                        "after it, Delete) and send the workbook again."
                    )
                line: list[object] = [""] * width
                for c in present:
                    value = c["value"]
                    if value.__class__ is int:
                        value = float(value)
                    elif isinstance(value, dt.datetime) and value.time() == dt.time():
                        value = value.date()
                    line[c["column"] - 1] = value
                lines.append((present[0]["row"] - 1, line))
            merged = []
            if parser.merged_cells is not None:
                for cell_range in parser.merged_cells.mergeCell:
                    c0, r0, c1, r1 = range_boundaries(cell_range.ref)
                    merged.append(((r0 - 1, c0 - 1), (r1 - 1, c1 - 1)))
    finally:
        book.close()
    lines.sort(key=lambda item: item[0])
    rows = kept_rows(lines, name)
    return SheetCells(name, rows, clip_merged(merged, rows))
