"""Read every submission workbook in a folder into raw tables, one per contract sheet.

Cells keep their Excel types (text, number, date); nothing is interpreted here except
headers. Every row carries its workbook, sheet and Excel row number so that any later
problem can point at the cell. Reading uses calamine (``.xlsx``, ``.xlsm``, ``.xls``,
``.ods``), which skips formatting-only rows, so a sheet formatted down to row 1,000,000
still reads in well under a second.

A workbook is never trusted to be small. calamine holds a sheet as a dense grid over the
range its values span, so one stray value in ``XFD1048576`` would ask for 17 billion cells
(the process aborts). Before calamine sees an ``.xlsx``/``.xlsm`` sheet, its XML is
scanned for the cells that hold values: a sheet whose values span more than
:data:`MAX_GRID_CELLS` cells is read cell by cell instead (openpyxl's streaming parser),
so the cost follows the cells that hold data. Unpacked parts larger than
:data:`MAX_PART_BYTES` and cells longer than Excel's 32,767 characters are refused, and
whatever still goes wrong with one file is that file's error: the others are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pandas as pd
import python_calamine

from cyber_mapping.contract import (
    ERROR,
    NO_FILL_COLUMNS,
    SHEETS,
    WARNING,
    Sheet,
    fold_header,
    issue,
)
from cyber_mapping.exceptions import CyberMappingError, WorkbookError

logger = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Spreadsheets in formats that are not read: an error (the file counts as unreadable), not
# a skip, so that `build --strict` cannot succeed while an office's spend is left out.
UNREAD_SPREADSHEETS = (".csv", ".tsv", ".xlsb", ".numbers", ".xltx", ".xltm", ".fods")
# Office Open XML workbooks (zip archives): their sheets are scanned before calamine reads them.
ZIP_SUFFIXES = (".xlsx", ".xlsm")
# Excel's own limit: a cell holds at most 32,767 characters. Longer text was not typed into
# a spreadsheet; it is refused, so that one cell cannot exhaust the memory.
MAX_CELL_CHARS = 32_767
# The largest unpacked sheet XML or shared-strings part read (a 200,000-row sheet is about
# 70 MB). A 1 MB file can unpack to gigabytes; it is refused before anything is parsed.
MAX_PART_BYTES = 256 * 2**20
# calamine allocates its grid over the values' whole range, about 40 bytes a cell (measured:
# a value in Z1048576 cost 1.2 GB for 27 million cells). Up to this many cells (about
# 160 MB) it is used as is; a sheet whose values span more is streamed cell by cell.
MAX_GRID_CELLS = 4_000_000
# A streamed sheet keeps each row that holds data up to its last value; a sheet whose rows
# would need more slots than this (values far apart on many rows) is refused.
MAX_STREAMED_CELLS = 20_000_000
# An encrypted Office workbook is an OLE compound file, not a zip archive.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_PROTECTED = (
    "this workbook is password-protected: save it without a password (in Excel: File > "
    "Info > Protect Workbook > Encrypt with Password, delete the password) and send it again."
)
# Documentation that may sit beside the workbooks and is not a submission.
IGNORED_NAMES = frozenset({"readme.md", "readme.txt", ".gitkeep"})
META_COLUMNS = ("_workbook", "_sheet", "_row")
# Columns that ``cyber-mapping template --implementor`` fills in advance, per sheet: a row
# with nothing else is an unused template row, skipped (and counted) rather than an error.
TEMPLATE_PREFILLED = {"activities": frozenset({"activity_id", "implementors"})}
# Marks, in a table's ``missing_columns``, a workbook whose sheet has no recognisable header:
# all its rows are quarantined for that one reason.
NO_HEADER = "(no header)"


@dataclass(frozen=True)
class WorkbookInfo:
    """What was read from one file."""

    name: str
    sha256: str
    status: str  # "read", "skipped" or "unreadable"
    rows: dict[str, int] = field(default_factory=dict)
    unused_template_rows: int = 0
    path: Path | None = None  # where it was read from (feedback copies are made from it)


@dataclass(frozen=True)
class Intake:
    """Raw tables of all workbooks, plus what reading found wrong."""

    tables: dict[str, pd.DataFrame]
    issues: list[dict[str, object]]
    workbooks: list[WorkbookInfo]


def _cell_to_a1(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass(frozen=True)
class SheetCells:
    """The rows of one sheet that hold data, and its merged ranges (0-based, inclusive).

    What :func:`_read_sheet` needs of a sheet, whichever way it was read.
    """

    name: str
    rows: list[tuple[int, list[object]]]
    merged_cell_ranges: Merged


def _sheet_rows(
    sheet_obj: SheetCells | python_calamine.CalamineSheet, check_text: bool = True
) -> list[tuple[int, list[object]]]:
    """The rows of a sheet that hold data, as ``(0-based row index, cell values)``, in order.

    Rows with no value are left out (their index says where the others are); a row's values
    may end at its last non-empty cell (the caller pads). ``check_text=False`` skips
    measuring every text (done already on the XML of an ``.xlsx``, by :func:`size_up`).

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
    return _kept_rows(lines, sheet_obj.name, check_text)


def _kept_rows(
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
                    f"cell {_cell_to_a1(i, j)} of sheet '{sheet}' holds {len(value):,} "
                    f"characters; a cell may hold at most {MAX_CELL_CHARS:,} (Excel's limit). "
                    "Shorten it and send the workbook again."
                )
    return rows


def _clip_merged(merged: Merged | None, rows: list[tuple[int, list[object]]]) -> Merged:
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


# ------------------------------------------------------------------ sizing a workbook first

# A cell that holds a value: ``<c r="B7" t="s">`` (not self-closing: formatting-only cells
# are ``<c r="B7" s="1"/>``), with any namespace prefix and attribute order.
_VALUE_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_WITH_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="')
# The quick bound: row numbers, and cell columns of two or three letters (past Z).
_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
_WIDE_COL = re.compile(rb' r="([A-Z]{2,3})[0-9]')
_CHUNK = 4 * 2**20
# The start of a text longer than a cell may hold (text runs from a tag's end to the next).
_LONG_TEXT = re.compile(rb">[^<]{%d}" % (MAX_CELL_CHARS + 1))


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The unpacked XML of part ``name`` in pieces that end before a tag (none is cut).

    The zip reader stops at the size the archive declares and checks the CRC, so a part
    cannot unpack to more than it says without being refused as damaged.

    Raises
    ------
    WorkbookError
        When the part unpacks to more than :data:`MAX_PART_BYTES`.
    """
    size = 0
    carry = b""
    with archive.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > MAX_PART_BYTES:
                raise WorkbookError(
                    f"part {name} of the workbook unpacks to more than "
                    f"{MAX_PART_BYTES // 2**20} MB, beyond what is read. If the workbook is "
                    "genuine, split it into smaller workbooks; otherwise re-save it from Excel."
                )
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                if len(carry) > _CHUNK:
                    # One text already longer than a cell could hold (even written with
                    # entities): measure it now rather than gather gigabytes of it.
                    _checked_text(carry, name)
                    # Whitespace between tags (a "whitespace bomb") is only ever scanned
                    # here, never parsed: one space of it is enough.
                    carry = carry.rstrip() + b" "
                continue
            carry = data[cut:]
            yield _checked_text(data[:cut], name)
    if carry:
        yield _checked_text(carry, name)


def _checked_text(data: bytes, part: str) -> bytes:
    """``data``, unless it holds a text longer than a cell may hold (one pass, in C).

    A piece never cuts a text (pieces end before a tag). The XML length of a text can
    exceed its length (``&amp;`` is one character), so a hit is measured exactly.
    """
    for match in _LONG_TEXT.finditer(data):
        end = data.find(b"<", match.start() + 1)
        text = data[match.start() + 1 : end if end >= 0 else len(data)]
        if not text.strip():  # whitespace between tags, or a blank cell
            continue
        length = len(html.unescape(text.decode("utf-8", errors="replace")))
        if length > MAX_CELL_CHARS:
            # Without its end in ``data``, the text is longer still.
            at_least = "at least " if end < 0 else ""
            raise WorkbookError(
                f"a cell of the workbook ({part}) holds {at_least}{length:,} characters; a "
                "cell may hold "
                f"at most {MAX_CELL_CHARS:,} (Excel's limit). Shorten it and send the "
                "workbook again."
            )
    return data


def _quick_extent(archive: zipfile.ZipFile, name: str) -> int | None:
    """An upper bound of the cells of calamine's grid, from row numbers and wide columns.

    ``None`` when the quick bound does not apply (rows or cells without a reference,
    namespace prefixes); formatting-only rows count, so the bound may be far too high.
    """
    rows = 0
    wide = 1
    for data in _chunks(archive, name):
        found = _ROW_REF.findall(data)
        if found:
            rows = max(rows, max(map(int, found)))
        if data.count(b"<row") != len(found) or b":row" in data:
            return None
        if data.count(b"<c ") + data.count(b"<c>") != data.count(b'<c r="'):
            return None
        columns = set(_WIDE_COL.findall(data))
        if columns:
            wide = max(wide, *map(_column_number, columns))
        elif wide < 26:
            # Single-letter columns past the widest so far (one pass, rarely a match).
            later = re.findall(rb'<c r="([%c-Z])[0-9]' % (65 + wide), data)
            if later:
                wide = max(wide, *map(_column_number, set(later)))
    return rows * wide


def _exact_extent(archive: zipfile.ZipFile, name: str) -> tuple[int, str]:
    """Cells of calamine's grid over the values of part ``name``, and the farthest cell.

    A sheet with cells that have no reference (allowed: they take the next position) gets
    a size past :data:`MAX_GRID_CELLS`, so that it is streamed.
    """
    top = left = 1 << 30
    bottom = right = 0
    for data in _chunks(archive, name):
        found = _VALUE_CELL.findall(data)
        if found:
            letters, numbers = zip(*found, strict=True)
            rows = list(map(int, numbers))
            columns = list(map(_column_number, set(letters)))
            top, bottom = min(top, *rows), max(bottom, *rows)
            left, right = min(left, *columns), max(right, *columns)
        if len(_ANY_CELL.findall(data)) != len(_CELL_WITH_REF.findall(data)):
            return MAX_GRID_CELLS + 1, ""
    if not bottom:
        return 0, ""
    return (bottom - top + 1) * (right - left + 1), _cell_to_a1(bottom - 1, right - 1)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive (from the workbook and its relationships)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    book = ElementTree.fromstring(b"".join(_chunks(archive, "xl/workbook.xml")))
    rels = ElementTree.fromstring(b"".join(_chunks(archive, "xl/_rels/workbook.xml.rels")))
    targets = {}
    for rel in rels.iter(f"{pkg}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        # Normalise "xl/./worksheets/../worksheets/sheet1.xml" and the like.
        parts: list[str] = []
        for piece in PurePosixPath(path).parts:
            if piece == "..":
                if parts:
                    parts.pop()
            elif piece != ".":
                parts.append(piece)
        targets[rel.get("Id")] = "/".join(parts)
    out = {}
    for sheet in book.iter(f"{main}sheet"):
        part = targets.get(sheet.get(f"{rel_ns}id"))
        if part:
            out[sheet.get("name", "")] = part
    return out


def size_up(path: Path, titles: Iterable[str]) -> dict[str, bool]:
    """Check an ``.xlsx``/``.xlsm`` before calamine opens it; say which sheets to stream.

    calamine reads the shared strings when it opens a workbook and allocates a sheet's
    grid when it reads the sheet, so both are sized here first.

    Parameters
    ----------
    path
        The workbook.
    titles
        The sheets that will be read (matched whatever their case and spacing).

    Returns
    -------
    dict
        Sheet name as in the workbook -> ``True`` when its values span more than
        :data:`MAX_GRID_CELLS` cells (read it cell by cell), ``False`` when calamine may.

    Raises
    ------
    WorkbookError
        When the file is password-protected, is not a workbook, is damaged, or unpacks to
        more than :data:`MAX_PART_BYTES` in one part.
    """
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise WorkbookError(PASSWORD_PROTECTED)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            parts = _sheet_parts(archive)
            folded = {fold_header(t) for t in titles}
            sheets = [name for name in parts if fold_header(name) in folded]
            for name in names:
                if name.lower() == "xl/sharedstrings.xml":
                    for _ in _chunks(archive, name):
                        pass
            stream = {}
            for sheet in sheets:
                part = parts.get(sheet)
                if part is None or part not in names:
                    stream[sheet] = False  # calamine reports what is missing
                    continue
                bound = _quick_extent(archive, part)
                if bound is not None and bound <= MAX_GRID_CELLS:
                    stream[sheet] = False
                    continue
                cells, last = _exact_extent(archive, part)
                stream[sheet] = cells > MAX_GRID_CELLS
                if stream[sheet]:
                    logger.info(
                        "%s: sheet '%s' spans %s cells (to %s): streamed",
                        path.name,
                        sheet,
                        f"{cells:,}",
                        last,
                    )
            return stream
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError) as exc:
        raise WorkbookError(
            f"the workbook cannot be opened: it is damaged or not an Excel workbook ({exc}). "
            "Open it in Excel, "
            "save it again as .xlsx and send it again."
        ) from exc


# The header is looked for among the sheet's first rows: offices often put a title, a
# logo line or a note above it.
HEADER_SCAN_ROWS = 20
# A row naming fewer contract headers than this is not a header (a title may contain one).
HEADER_MIN_MATCHES = 2


def _header_score(line: list[object], spec: Sheet) -> int:
    """How many distinct contract columns of ``spec`` the cells of ``line`` name."""
    known = spec.by_header()
    found = {
        known[fold_header(c)].name for c in line if isinstance(c, str) and fold_header(c) in known
    }
    return len(found)


def _header_position(rows: list[tuple[int, list[object]]], spec: Sheet) -> int | None:
    """Position in ``rows`` of the sheet's header row, or None when no row looks like one.

    The header is the row, among the first :data:`HEADER_SCAN_ROWS` of the sheet, that names
    the most contract headers (the first such row on a tie), provided it names at least
    :data:`HEADER_MIN_MATCHES` of them.
    """
    best, best_score = None, 0
    for pos, (i, line) in enumerate(rows):
        if i >= HEADER_SCAN_ROWS:
            break
        score = _header_score(line, spec)
        if score > best_score:
            best, best_score = pos, score
    return best if best_score >= HEADER_MIN_MATCHES else None


def _named(line: list[object], spec: Sheet) -> list[str]:
    """The contract headers that the cells of ``line`` name, as the contract writes them."""
    known = spec.by_header()
    return [known[fold_header(c)].header for c in line if fold_header(c) in known]


def _headerless_position(rows: list[tuple[int, list[object]]], spec: Sheet) -> int | None:
    """For a sheet with no header: the first early row naming a contract column (e.g. Amount).

    Its named columns are still read, so that the amounts of a headerless sheet are counted.
    """
    for pos, (i, line) in enumerate(rows):
        if i >= HEADER_SCAN_ROWS:
            break
        if _header_score(line, spec):
            return pos
    return None


def _read_sheet(
    sheet_obj: SheetCells, spec: Sheet, workbook: str
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Read one sheet: map headers, fill merged ranges, drop empty rows."""
    problems: list[dict[str, object]] = []
    rows_in = _sheet_rows(sheet_obj)
    title = spec.title
    columns = [c.name for c in spec.columns]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (*columns, *META_COLUMNS)})
    if not rows_in:
        problems.append(issue(workbook, title, None, "", "", WARNING, "the sheet is empty."))
        return empty, problems
    at = _header_position(rows_in, spec)
    headerless = at is None
    if headerless:
        at = _headerless_position(rows_in, spec)
        problems.append(_no_header_issue(workbook, spec))
    header_row, header = rows_in[at] if at is not None else (-1, [])
    if header_row > 0:
        problems.append(
            issue(
                workbook,
                title,
                header_row + 1,
                "",
                "",
                WARNING,
                (
                    f"row {header_row + 1} names {', '.join(_named(header, spec))}: the rows "
                    "below it are read for those columns (and quarantined); the rows above "
                    "it are not read."
                )
                if headerless
                else f"the header row is row {header_row + 1}, not row 1; the rows above it "
                "are not read. Nothing to fix if they are only a title.",
            )
        )
    line_of = dict(rows_in)
    known = spec.by_header()
    position: dict[str, int] = {}
    for j, cell in enumerate(header):
        if _is_blank(cell):
            continue
        col = known.get(fold_header(cell))
        if col is None and headerless:
            continue  # the sheet's one error says it all
        if col is None:
            problems.append(
                issue(
                    workbook,
                    title,
                    header_row + 1,
                    str(cell),
                    cell,
                    WARNING,
                    f"unknown column '{cell}' is ignored. Remove it, or rename it to one of the "
                    f"contract's headers: {', '.join(c.header for c in spec.columns)}.",
                )
            )
        elif col.name in position:
            problems.append(
                issue(
                    workbook,
                    title,
                    header_row + 1,
                    col.header,
                    cell,
                    WARNING,
                    f"column '{col.header}' appears twice; only the first is read. "
                    "Delete the duplicate column.",
                )
            )
        else:
            position[col.name] = j
    for col in spec.columns:
        if col.name not in position and col.required and not headerless:
            problems.append(
                issue(
                    workbook,
                    title,
                    header_row + 1,
                    col.header,
                    "",
                    ERROR,
                    f"required column '{col.header}' is missing from row {header_row + 1}; "
                    "every row of this "
                    f"sheet is quarantined. Add a column headed '{col.header}'.",
                )
            )
    # A merged range keeps its value in the top-left cell only; copy it down/across
    # (except into money columns) and say so.
    fill: dict[tuple[int, int], object] = {}
    name_at = {j: name for name, j in position.items()}
    for (r0, c0), (r1, c1) in sheet_obj.merged_cell_ranges or []:
        top = line_of.get(r0)
        if top is None or c0 >= len(top):
            continue
        value = top[c0]
        cols_names = {name_at.get(c) for c in range(c0, c1 + 1)}
        money = bool(cols_names & NO_FILL_COLUMNS)
        span = f"{_cell_to_a1(r0, c0)}:{_cell_to_a1(r1, c1)}"
        if r0 <= header_row:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and not money:
                    fill[(r, c)] = value
        problems.append(
            issue(
                workbook,
                title,
                r0 + 1,
                ", ".join(c.header for c in spec.columns if c.name in cols_names),
                value,
                WARNING,
                f"merged cells {span}: "
                + (
                    "an amount is not copied into the other rows, so they have no amount."
                    if money
                    else "the value was copied into every merged row."
                )
                + " Unmerge the cells and write the value in each row.",
            )
        )
    records: list[list[object]] = []
    rows: list[int] = []
    prefilled = TEMPLATE_PREFILLED.get(spec.key, frozenset())
    unused = 0
    for i, line in rows_in[(at + 1 if at is not None else 0) :]:
        values = []
        for name in columns:
            j = position.get(name)
            value = None
            if j is not None:
                value = fill.get((i, j), line[j] if j < len(line) else None)
            if isinstance(value, str):
                value = value.replace("\u00a0", " ").strip()
                value = value if value else None
            values.append(value)
        if all(_is_blank(v) for v in values):
            if all(_is_blank(v) for v in line):
                continue  # an empty row
            if not headerless:  # values only in columns that are not read: say so
                problems.append(_unread_row_issue(workbook, title, i, line))
                continue
        if (
            prefilled
            and not headerless
            and all(_is_blank(v) for n, v in zip(columns, values) if n not in prefilled)
        ):
            # A template row the office did not use: only the suggested ID and the
            # pre-filled implementor. It carries no data; count it, don't report it.
            unused += 1
            continue
        records.append(values)
        rows.append(i + 1)
    frame = pd.DataFrame(records, columns=columns, dtype=object)
    if frame.empty:
        empty.attrs["unused_template_rows"] = unused
        return empty, problems
    frame.attrs["unused_template_rows"] = unused
    frame["_workbook"] = workbook
    frame["_sheet"] = title
    frame["_row"] = rows
    missing = [c.name for c in spec.columns if c.required and c.name not in position]
    frame.attrs["missing_columns"] = [NO_HEADER, *missing] if headerless else missing
    return frame, problems


def _no_header_issue(workbook: str, spec: Sheet) -> dict[str, object]:
    """The one error for a sheet whose first rows hold no recognisable header."""
    return issue(
        workbook,
        spec.title,
        None,
        "",
        "",
        ERROR,
        f"no recognisable header row in the first {HEADER_SCAN_ROWS} rows of sheet "
        f"'{spec.title}', so every row is quarantined (with its amount where an "
        f"'Amount' column is named). Put the contract's headers "
        f"({', '.join(c.header for c in spec.columns)}) in one row above the data.",
    )


def _unread_row_issue(workbook: str, title: str, i: int, line: list[object]) -> dict[str, object]:
    """A warning for a row whose only values lie in columns that are not read."""
    cells = [_cell_to_a1(i, j) for j, v in enumerate(line) if not _is_blank(v)]
    return issue(
        workbook,
        title,
        i + 1,
        "",
        "; ".join(str(v) for v in line if not _is_blank(v)),
        WARNING,
        f"row {i + 1} has values only in columns that are not read ({', '.join(cells[:5])}); "
        "it is skipped. Move the values into the contract's columns, or delete them.",
    )


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
    import datetime as dt

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
                        f"{_cell_to_a1(far['row'] - 1, far['column'] - 1)}), too many to "
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
    rows = _kept_rows(lines, name)
    return SheetCells(name, rows, _clip_merged(merged, rows))


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def ods_extents(path: Path, titles: Iterable[str]) -> dict[str, tuple[int, str]]:
    """For each sheet ``titles`` of an ``.ods``: the cells its values span, the farthest one.

    calamine holds an ``.ods`` sheet as a grid over its values as it does an ``.xlsx``
    (a value in ``Z1048576`` cost 1.7 GB); rows and cells repeated by LibreOffice's
    ``number-rows-repeated``/``number-columns-repeated`` are counted without expanding.

    Raises
    ------
    WorkbookError
        When the file is damaged or its content unpacks to more than :data:`MAX_PART_BYTES`.
    """
    folded = {fold_header(t) for t in titles}
    out: dict[str, tuple[int, str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo("content.xml").file_size > MAX_PART_BYTES:
                raise WorkbookError(
                    f"the workbook's content unpacks to more than {MAX_PART_BYTES // 2**20} MB, "
                    "beyond what is read. Split it into smaller workbooks."
                )
            with archive.open("content.xml") as stream:
                name, row, col, rows_here = "", 0, 0, 1
                top = left = 1 << 40
                bottom = right = -1
                for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
                    tag = elem.tag
                    if event == "start":
                        if tag == f"{_ODS_TABLE}table":
                            name, row = elem.get(f"{_ODS_TABLE}name", ""), 0
                            top = left = 1 << 40
                            bottom = right = -1
                        elif tag == f"{_ODS_TABLE}table-row":
                            col = 0
                            rows_here = int(elem.get(f"{_ODS_TABLE}number-rows-repeated", 1))
                        continue
                    if tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                        cols_here = int(elem.get(f"{_ODS_TABLE}number-columns-repeated", 1))
                        if elem.get(f"{_ODS_OFFICE}value-type") is not None or len(elem):
                            top, bottom = min(top, row), max(bottom, row + rows_here - 1)
                            left, right = min(left, col), max(right, col + cols_here - 1)
                        col += cols_here
                        elem.clear()
                    elif tag == f"{_ODS_TABLE}table-row":
                        row += rows_here
                        elem.clear()
                    elif tag == f"{_ODS_TABLE}table":
                        if fold_header(name) in folded:
                            cells = (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0
                            far = _cell_to_a1(bottom, right) if bottom >= 0 else ""
                            out[name] = (cells, far)
                        elem.clear()
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError) as exc:
        raise WorkbookError(
            f"the workbook cannot be opened: it is damaged or not a LibreOffice workbook "
            f"({exc}). Open it in LibreOffice, save it again and send it again."
        ) from exc
    return out


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream called one of ``names`` in an OLE compound file (``.xls``).

    Just enough of the format (MS-CFB) to find the workbook stream: header, FAT (with its
    DIFAT chain), directory, and the mini stream for small streams.
    """
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini = 1 << struct.unpack_from("<H", data, 0x20)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    per = sector // 4
    limit = len(data) // sector + 1  # no chain is longer than the file (loops end)

    def block(i: int) -> bytes:
        return data[(i + 1) * sector : (i + 2) * sector]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    following = first_difat
    for _ in range(min(n_difat, limit)):
        if following >= 0xFFFFFFFA:
            break
        entries = struct.unpack(f"<{per}I", block(following))
        difat.extend(entries[:-1])
        following = entries[-1]
    fat: list[int] = []
    for i in difat[:n_fat]:
        fat.extend(struct.unpack(f"<{per}I", block(i)))

    def chain(start: int, table: list[int]) -> list[int]:
        out = []
        while start < 0xFFFFFFFA and start < len(table) and len(out) < limit:
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(block(i) for i in chain(first_dir, fat))
    entries = []
    for k in range(0, len(directory) - 127, 128):
        entry = directory[k : k + 128]
        length = struct.unpack_from("<H", entry, 64)[0]
        name = entry[: max(length - 2, 0)].decode("utf-16-le", errors="replace")
        start, size = struct.unpack_from("<IQ", entry, 116)
        entries.append((name, entry[66], start, size))
    for name, kind, start, size in entries:
        if kind != 2 or name not in names:
            continue
        if size >= cutoff:
            return b"".join(block(i) for i in chain(start, fat))[:size]
        minifat: list[int] = []
        for i in chain(first_minifat, fat):
            minifat.extend(struct.unpack(f"<{per}I", block(i)))
        stream = b"".join(block(i) for i in chain(entries[0][2], fat))
        return b"".join(stream[i * mini : (i + 1) * mini] for i in chain(start, minifat))[:size]
    return None


# BIFF8 records that hold one cell's value (row and column first); MULRK holds several.
_XLS_VALUE_RECORDS = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6})
_XLS_MULRK = 0x00BD


def xls_extents(path: Path, titles: Iterable[str]) -> dict[str, tuple[int, str]]:
    """For each sheet ``titles`` of an ``.xls``: the cells its values span, the farthest one.

    calamine holds an ``.xls`` sheet as a grid over its values (a value in ``IV65536``,
    the format's last cell, cost 1.2 GB). The workbook stream's records are scanned for
    the cells that hold values (blank, formatted cells do not count). A file this scan
    does not understand gets no sizes (calamine then reads it as before).
    """
    folded = {fold_header(t) for t in titles}
    if path.stat().st_size > MAX_PART_BYTES:
        raise WorkbookError(
            f"the workbook is larger than {MAX_PART_BYTES // 2**20} MB, beyond what is read. "
            "Split it into smaller workbooks, saved as .xlsx."
        )
    data = path.read_bytes()
    out: dict[str, tuple[int, str]] = {}
    try:
        book = _ole_stream(data, ("Workbook", "Book"))
        if book is None:
            return out
        sheets, pos = [], 0
        while pos + 4 <= len(book):
            kind, length = struct.unpack_from("<HH", book, pos)
            if kind == 0x002F:  # FILEPASS: encrypted; calamine says it is password-protected
                return {}
            if kind == 0x0085:  # BOUNDSHEET: where the sheet's records start, its name
                body = book[pos + 4 : pos + 4 + length]
                count, flags = body[6], body[7]
                raw = body[8:]
                name = (
                    raw[: 2 * count].decode("utf-16-le")
                    if flags & 1
                    else raw[:count].decode("latin-1")
                )
                sheets.append((name, struct.unpack_from("<I", body, 0)[0]))
            pos += 4 + length
        for name, pos in sheets:
            if fold_header(name) not in folded:
                continue
            top = left = 1 << 30
            bottom = right = -1
            while pos + 4 <= len(book):
                kind, length = struct.unpack_from("<HH", book, pos)
                start, pos = pos + 4, pos + 4 + length
                if kind == 0x000A:  # EOF of the sheet
                    break
                if kind in _XLS_VALUE_RECORDS and length >= 4:
                    row, col = struct.unpack_from("<HH", book, start)
                    last = col
                elif kind == _XLS_MULRK and length >= 6:
                    row, col = struct.unpack_from("<HH", book, start)
                    last = struct.unpack_from("<H", book, start + length - 2)[0]
                else:
                    continue
                top, bottom = min(top, row), max(bottom, row)
                left, right = min(left, col), max(right, last)
            cells = (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0
            out[name] = (cells, _cell_to_a1(bottom, right) if bottom >= 0 else "")
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        logger.info("%s: the .xls could not be sized; calamine reads it", path.name)
        return {}
    return out


@contextlib.contextmanager
def _open_book(
    path: Path, specs: list[Sheet]
) -> Iterator[tuple[Callable[[str], SheetCells | None], list[str]]]:
    """Open ``path``; yield a loader of one contract sheet (by title) and all sheet names.

    Sheets are loaded one at a time, so that only one sheet's cells are held at once.

    Raises
    ------
    WorkbookError
        When the workbook is password-protected, damaged, or too large to read (see
        :func:`size_up`), or (when loading) a cell holds more text than Excel allows.
    """
    zipped = path.suffix.lower() in ZIP_SUFFIXES
    # An .xlsx is sized (and its texts measured) before calamine opens it.
    streamed = size_up(path, [spec.title for spec in specs]) if zipped else {}
    sizer = {".ods": ods_extents, ".xls": xls_extents}.get(path.suffix.lower())
    if sizer is not None:
        # No streaming reader for .ods or .xls (rare formats here): such a sheet is refused.
        for sheet, (cells, far) in sizer(path, [spec.title for spec in specs]).items():
            if cells > MAX_GRID_CELLS:
                raise WorkbookError(
                    f"sheet '{sheet}' holds values far outside its table (as far as {far}), "
                    f"{cells:,} cells to read. Delete the cells outside the table (or save "
                    "the workbook as .xlsx, which is read cell by cell) and send it again."
                )
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(PASSWORD_PROTECTED) from exc
    try:
        names = list(book.sheet_names)
        by_folded = {fold_header(n): n for n in names}

        def load(title: str) -> SheetCells | None:
            actual = by_folded.get(fold_header(title))
            if actual is None:
                return None
            if streamed.get(actual):
                return stream_sheet(path, actual)
            sheet = book.get_sheet_by_name(actual)
            rows = _sheet_rows(sheet, check_text=not zipped)
            return SheetCells(actual, rows, _clip_merged(sheet.merged_cell_ranges, rows))

        yield load, names
    finally:
        book.close()


def read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], list[dict[str, object]]]:
    """Read the contract sheets of one workbook (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``).

    Raises
    ------
    WorkbookError
        When the workbook is password-protected, damaged or too large to read; the message
        says what to do.
    python_calamine.CalamineError, OSError, ValueError
        When the file cannot be opened as a workbook (the caller reports it).
    """
    workbook = path.name
    tables: dict[str, pd.DataFrame] = {}
    problems: list[dict[str, object]] = []
    with _open_book(path, list(SHEETS)) as (load, sheet_names):
        for spec in SHEETS:
            cells = load(spec.title)
            if cells is None:
                if spec.required:
                    problems.append(
                        issue(
                            workbook,
                            spec.title,
                            None,
                            "",
                            "",
                            ERROR,
                            f"sheet '{spec.title}' is missing (sheets found: "
                            f"{', '.join(sheet_names)}). Add or rename a sheet to "
                            f"'{spec.title}'.",
                        )
                    )
                continue
            frame, sheet_problems = _read_sheet(cells, spec, workbook)
            del cells  # one sheet's cells at a time
            problems.extend(sheet_problems)
            tables[spec.key] = frame
    return tables, problems


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes (read in pieces: a large file is not held in memory)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _unreadable_message(path: Path, exc: BaseException) -> str:
    """What to tell the office (or the operator) when ``path`` cannot be read at all."""
    if isinstance(exc, WorkbookError):
        return str(exc)
    if isinstance(exc, python_calamine.PasswordError):
        return PASSWORD_PROTECTED
    if isinstance(exc, PermissionError):
        return (
            f"the file cannot be read: permission denied ({path}). Give the account that runs "
            "cyber_mapping read access to it (e.g. chmod a+r), then run again."
        )
    if isinstance(exc, MemoryError):
        return (
            "the workbook needs more memory than is available to read. Delete the cells "
            "outside the table, or split the workbook, and send it again."
        )
    return (
        f"the workbook cannot be opened ({type(exc).__name__}: {exc}). "
        "Re-save it from Excel as .xlsx and send it again."
    )


def read_folder(raw_dir: Path) -> Intake:
    """Read every workbook of ``raw_dir`` (sorted by name, so results are deterministic).

    Non-workbooks and Excel lock files are skipped with a warning; a workbook that cannot be
    opened (damaged, password-protected, unreadable for permissions, too large) is an error
    for that file alone: the other workbooks are read.

    Raises
    ------
    CyberMappingError
        When ``raw_dir`` does not exist or cannot be listed.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise CyberMappingError(f"raw data folder {raw_dir} does not exist; pass --raw DIR.")
    try:
        entries = sorted(raw_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise CyberMappingError(
            f"cannot list the raw data folder {raw_dir} ({exc.strerror}). Give the account "
            "that runs cyber_mapping read access to it, then run again."
        ) from exc
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    problems: list[dict[str, object]] = []
    infos: list[WorkbookInfo] = []
    for path in entries:
        name = path.name
        if path.is_dir() or name.lower() in IGNORED_NAMES or name.startswith("."):
            continue
        skip = None
        if name.startswith("~$"):
            skip = "Excel lock file skipped (the workbook is open somewhere). Close Excel."
        elif path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skip = (
                "not an .xlsx workbook (nor .xlsm, .xls or .ods), skipped. Save submissions "
                "as Excel .xlsx files."
            )
        if path.suffix.lower() in UNREAD_SPREADSHEETS and not name.startswith("~$"):
            problems.append(
                issue(
                    name,
                    "",
                    None,
                    "",
                    "",
                    ERROR,
                    f"a {path.suffix.lower()} file is not read as a submission, so its "
                    "activities and spend are missing. Save it as an Excel .xlsx workbook "
                    "(File > Save As) and send it again.",
                )
            )
            try:
                digest = sha256_of(path)
            except OSError:
                digest = ""
            infos.append(WorkbookInfo(name, digest, "unreadable"))
            continue
        if skip:
            problems.append(issue(name, "", None, "", "", WARNING, skip))
            try:
                digest = sha256_of(path)
            except OSError:
                digest = ""
            infos.append(WorkbookInfo(name, digest, "skipped"))
            continue
        digest = ""
        try:
            # Hashed first: the digest is the record of what was read.
            digest = sha256_of(path)
            tables, sheet_problems = read_workbook(path)
        except Exception as exc:  # noqa: BLE001 - any failure to open is this file's error
            logger.warning("cannot open %s: %s", name, exc)
            problems.append(issue(name, "", None, "", "", ERROR, _unreadable_message(path, exc)))
            infos.append(WorkbookInfo(name, digest, "unreadable"))
            continue
        problems.extend(sheet_problems)
        for key, frame in tables.items():
            parts[key].append(frame)
        unused = sum(int(v.attrs.get("unused_template_rows", 0)) for v in tables.values())
        infos.append(
            WorkbookInfo(
                name, digest, "read", {k: len(v) for k, v in tables.items()}, unused, path
            )
        )
    tables_out: dict[str, pd.DataFrame] = {}
    for spec in SHEETS:
        frames = [f for f in parts[spec.key] if not f.empty]
        cols = [*(c.name for c in spec.columns), *META_COLUMNS]
        if frames:
            merged = pd.concat(frames, ignore_index=True)
            # Which workbook lacks which column, for row-level quarantine.
            merged.attrs["missing_columns"] = {
                f["_workbook"].iloc[0]: f.attrs.get("missing_columns", []) for f in frames
            }
        else:
            merged = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
            merged.attrs["missing_columns"] = {}
        tables_out[spec.key] = merged
    return Intake(tables_out, problems, infos)
