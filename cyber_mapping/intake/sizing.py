"""Size a workbook before calamine opens it: hostile files are refused or streamed.

A workbook is never trusted to be small. calamine holds a sheet as a dense grid over the
range its values span, so one stray value in ``XFD1048576`` would ask for 17 billion cells
(the process aborts). Before calamine sees an ``.xlsx``/``.xlsm`` sheet, its XML is
scanned for the cells that hold values (:func:`size_up`): a sheet whose values span more
than :data:`MAX_GRID_CELLS` cells is read cell by cell instead
(:func:`~cyber_mapping.intake.cells.stream_sheet`), so the cost follows the cells that hold
data. An ``.ods`` or ``.xls`` sheet that large is refused (:func:`ods_extents`,
:func:`xls_extents`; the latter reads just enough of the OLE compound file). Unpacked parts
larger than :data:`MAX_PART_BYTES` and cells longer than Excel's 32,767 characters are
refused before anything is parsed.
"""

from __future__ import annotations

import html
import logging
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from cyber_mapping.contract import fold_header
from cyber_mapping.exceptions import WorkbookError
from cyber_mapping.intake.cells import MAX_CELL_CHARS, cell_to_a1

logger = logging.getLogger(__name__)

# Office Open XML workbooks (zip archives): their sheets are scanned before calamine reads them.
ZIP_SUFFIXES = (".xlsx", ".xlsm")
# The largest unpacked sheet XML or shared-strings part read (a 200,000-row sheet is about
# 70 MB). A 1 MB file can unpack to gigabytes; it is refused before anything is parsed.
MAX_PART_BYTES = 256 * 2**20
# calamine allocates its grid over the values' whole range, about 40 bytes a cell (measured:
# a value in Z1048576 cost 1.2 GB for 27 million cells). Up to this many cells (about
# 160 MB) it is used as is; a sheet whose values span more is streamed cell by cell.
MAX_GRID_CELLS = 4_000_000
# An encrypted Office workbook is an OLE compound file, not a zip archive.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_PROTECTED = (
    "this workbook is password-protected: save it without a password (in Excel: File > "
    "Info > Protect Workbook > Encrypt with Password, delete the password) and send it again."
)

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
    return (bottom - top + 1) * (right - left + 1), cell_to_a1(bottom - 1, right - 1)


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
                            far = cell_to_a1(bottom, right) if bottom >= 0 else ""
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
            out[name] = (cells, cell_to_a1(bottom, right) if bottom >= 0 else "")
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        logger.info("%s: the .xls could not be sized; calamine reads it", path.name)
        return {}
    return out


def sheets_to_stream(path: Path, titles: list[str]) -> dict[str, bool]:
    """Size ``path`` before calamine opens it; say which of its sheets ``titles`` to stream.

    An ``.xlsx``/``.xlsm`` is sized, and its texts measured, by :func:`size_up`. There is no
    streaming reader for ``.ods`` or ``.xls`` (rare formats here): such a sheet whose values
    span more than :data:`MAX_GRID_CELLS` cells is refused. Other files give ``{}``.

    Raises
    ------
    WorkbookError
        When the workbook is password-protected, damaged, or too large to read.
    """
    if path.suffix.lower() in ZIP_SUFFIXES:
        return size_up(path, titles)
    sizer = {".ods": ods_extents, ".xls": xls_extents}.get(path.suffix.lower())
    if sizer is not None:
        for sheet, (cells, far) in sizer(path, titles).items():
            if cells > MAX_GRID_CELLS:
                raise WorkbookError(
                    f"sheet '{sheet}' holds values far outside its table (as far as {far}), "
                    f"{cells:,} cells to read. Delete the cells outside the table (or save "
                    "the workbook as .xlsx, which is read cell by cell) and send it again."
                )
    return {}
