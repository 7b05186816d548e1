"""Read every submission workbook in a folder into raw tables, one per contract sheet.

Cells keep their Excel types (text, number, date); nothing is interpreted here except
headers. Every row carries its workbook, sheet and Excel row number so that any later
problem can point at the cell. Reading uses calamine (``.xlsx``, ``.xlsm``, ``.xls``,
``.ods``), which skips formatting-only rows, so a sheet formatted down to row 1,000,000
still reads in well under a second.

A workbook is never trusted to be small: it is sized before calamine opens it
(:mod:`~cyber_mapping.intake.sizing`), and a sheet whose values span too large a range is
streamed cell by cell (:mod:`~cyber_mapping.intake.cells`). Whatever still goes wrong with
one file is that file's error: the others are read. The header row is found by
:mod:`~cyber_mapping.intake.header`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
from cyber_mapping.intake.cells import (
    Merged,
    SheetCells,
    cell_to_a1,
    clip_merged,
    is_blank,
    sheet_rows,
    stream_sheet,
)
from cyber_mapping.intake.header import NO_HEADER, Header, read_header
from cyber_mapping.intake.sizing import PASSWORD_PROTECTED, ZIP_SUFFIXES, sheets_to_stream

logger = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# The longest one workbook may take to read (hashing included): far above what a 200,000-row
# workbook needs, so it only ever stops a read that is stuck.
READ_TIMEOUT_S = 600.0
# Spreadsheets in formats that are not read: an error (the file counts as unreadable), not
# a skip, so that `build --strict` cannot succeed while an office's spend is left out.
UNREAD_SPREADSHEETS = (".csv", ".tsv", ".xlsb", ".numbers", ".xltx", ".xltm", ".fods")
# Documentation that may sit beside the workbooks and is not a submission.
IGNORED_NAMES = frozenset({"readme.md", "readme.txt", ".gitkeep"})
META_COLUMNS = ("_workbook", "_sheet", "_row")
# Columns that ``cyber-mapping template --implementor`` fills in advance, per sheet: a row
# with nothing else is an unused template row, skipped (and counted) rather than an error.
TEMPLATE_PREFILLED = {"activities": frozenset({"activity_id", "implementors"})}


@dataclass(frozen=True)
class WorkbookInfo:
    """What was read from one file."""

    name: str
    sha256: str
    status: str  # "read", "skipped" or "unreadable"
    rows: dict[str, int] = field(default_factory=dict)
    unused_template_rows: int = 0
    path: Path | None = None  # where it was read from (feedback copies are made from it)
    reason: str = ""  # why a file was not read (its issue's message)


@dataclass(frozen=True)
class Intake:
    """Raw tables of all workbooks, plus what reading found wrong."""

    tables: dict[str, pd.DataFrame]
    issues: list[dict[str, object]]
    workbooks: list[WorkbookInfo]


def _read_sheet(
    sheet_obj: SheetCells, spec: Sheet, workbook: str
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Read one sheet: map headers, fill merged ranges, drop empty rows."""
    rows_in = sheet_rows(sheet_obj)
    columns = [c.name for c in spec.columns]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (*columns, *META_COLUMNS)})
    if not rows_in:
        return empty, [issue(workbook, spec.title, None, "", "", WARNING, "the sheet is empty.")]
    header, problems = read_header(rows_in, spec, workbook)
    fill, merge_problems = _merged_fill(
        sheet_obj.merged_cell_ranges, dict(rows_in), header, spec, workbook
    )
    start = header.at + 1 if header.at is not None else 0
    records, rows, unused, row_problems = _records(rows_in[start:], fill, header, spec, workbook)
    problems += merge_problems + row_problems
    frame = pd.DataFrame(records, columns=columns, dtype=object)
    if frame.empty:
        empty.attrs["unused_template_rows"] = unused
        return empty, problems
    frame.attrs["unused_template_rows"] = unused
    frame["_workbook"] = workbook
    frame["_sheet"] = spec.title
    frame["_row"] = rows
    missing = [c.name for c in spec.columns if c.required and c.name not in header.position]
    frame.attrs["missing_columns"] = [NO_HEADER, *missing] if header.headerless else missing
    return frame, problems


def _merged_fill(
    merged: Merged | None,
    line_of: dict[int, list[object]],
    header: Header,
    spec: Sheet,
    workbook: str,
) -> tuple[dict[tuple[int, int], object], list[dict[str, object]]]:
    """The values merged ranges below the header give to their other cells, and warnings.

    A merged range keeps its value in the top-left cell only; it is copied down and across
    (except into money columns), and each range is a warning.
    """
    problems: list[dict[str, object]] = []
    fill: dict[tuple[int, int], object] = {}
    name_at = {j: name for name, j in header.position.items()}
    for (r0, c0), (r1, c1) in merged or []:
        top = line_of.get(r0)
        if top is None or c0 >= len(top):
            continue
        value = top[c0]
        cols_names = {name_at.get(c) for c in range(c0, c1 + 1)}
        money = bool(cols_names & NO_FILL_COLUMNS)
        span = f"{cell_to_a1(r0, c0)}:{cell_to_a1(r1, c1)}"
        if r0 <= header.row:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and not money:
                    fill[(r, c)] = value
        problems.append(
            issue(
                workbook,
                spec.title,
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
    return fill, problems


def _records(
    lines: list[tuple[int, list[object]]],
    fill: dict[tuple[int, int], object],
    header: Header,
    spec: Sheet,
    workbook: str,
) -> tuple[list[list[object]], list[int], int, list[dict[str, object]]]:
    """The values of the contract columns of each data row below the header.

    Returns the rows' values, their Excel row numbers, the number of unused template rows
    (skipped and counted), and a warning for each row whose values all lie in columns that
    are not read. Text is stripped (non-breaking spaces too); an empty text is None.
    """
    columns = [c.name for c in spec.columns]
    problems: list[dict[str, object]] = []
    records: list[list[object]] = []
    rows: list[int] = []
    prefilled = TEMPLATE_PREFILLED.get(spec.key, frozenset())
    unused = 0
    for i, line in lines:
        values = []
        for name in columns:
            j = header.position.get(name)
            value = None
            if j is not None:
                value = fill.get((i, j), line[j] if j < len(line) else None)
            if isinstance(value, str):
                value = value.replace("\u00a0", " ").strip()
                value = value if value else None
            values.append(value)
        if all(is_blank(v) for v in values):
            if all(is_blank(v) for v in line):
                continue  # an empty row
            if not header.headerless:  # values only in columns that are not read: say so
                problems.append(_unread_row_issue(workbook, spec.title, i, line))
                continue
        if (
            prefilled
            and not header.headerless
            and all(is_blank(v) for n, v in zip(columns, values) if n not in prefilled)
        ):
            # A template row the office did not use: only the suggested ID and the
            # pre-filled implementor. It carries no data; count it, don't report it.
            unused += 1
            continue
        records.append(values)
        rows.append(i + 1)
    return records, rows, unused, problems


def _unread_row_issue(workbook: str, title: str, i: int, line: list[object]) -> dict[str, object]:
    """A warning for a row whose only values lie in columns that are not read."""
    cells = [cell_to_a1(i, j) for j, v in enumerate(line) if not is_blank(v)]
    return issue(
        workbook,
        title,
        i + 1,
        "",
        "; ".join(str(v) for v in line if not is_blank(v)),
        WARNING,
        f"row {i + 1} has values only in columns that are not read ({', '.join(cells[:5])}); "
        "it is skipped. Move the values into the contract's columns, or delete them.",
    )


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
        :func:`~cyber_mapping.intake.sizing.sheets_to_stream`), or (when loading) a cell
        holds more text than Excel allows.
    """
    zipped = path.suffix.lower() in ZIP_SUFFIXES
    streamed = sheets_to_stream(path, [spec.title for spec in specs])
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
            rows = sheet_rows(sheet, check_text=not zipped)
            return SheetCells(actual, rows, clip_merged(sheet.merged_cell_ranges, rows))

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
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    problems: list[dict[str, object]] = []
    infos: list[WorkbookInfo] = []
    raw_dir = Path(raw_dir)
    for path in _entries(raw_dir):
        name = path.name
        if name.lower() in IGNORED_NAMES:
            continue
        not_read = _not_read(path)
        if not_read is not None:
            problem, status = not_read
            problems.append(problem)
            digest = ""
            if status != "unreadable" and path.is_file():  # a regular file: safe to hash
                try:
                    digest = sha256_of(path)
                except OSError:
                    pass
            infos.append(WorkbookInfo(name, digest, status, reason=str(problem["message"])))
            continue
        outside = _outside(path, raw_dir)
        if outside is not None:
            problems.append(issue(name, "", None, "", "", WARNING, outside))
        digest = ""
        try:
            # Hashed first: the digest is the record of what was read. A read that stalls
            # (a network disk that stopped answering) ends as this file's error.
            with read_deadline(READ_TIMEOUT_S, path):
                digest = sha256_of(path)
                tables, sheet_problems = read_workbook(path)
        except Exception as exc:  # noqa: BLE001 - any failure to open is this file's error
            logger.warning("cannot open %s: %s", name, exc)
            message = _unreadable_message(path, exc)
            problems.append(issue(name, "", None, "", "", ERROR, message))
            infos.append(WorkbookInfo(name, digest, "unreadable", reason=message))
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
    return Intake({spec.key: _merged(parts[spec.key], spec) for spec in SHEETS}, problems, infos)


def _entries(raw_dir: Path) -> list[Path]:
    """What ``raw_dir`` holds, sorted by name."""
    if not raw_dir.is_dir():
        raise CyberMappingError(f"raw data folder {raw_dir} does not exist; pass --raw DIR.")
    try:
        return sorted(raw_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise CyberMappingError(
            f"cannot list the raw data folder {raw_dir} ({exc.strerror}). Give the account "
            "that runs cyber_mapping read access to it, then run again."
        ) from exc


def _not_read(path: Path) -> tuple[dict[str, object], str] | None:
    """Why ``path`` is not read as a workbook (the issue, and its status), or None.

    Every entry of the raw folder is read or named here, with the reason. Only regular files
    are opened: a named pipe or a device under a workbook's name would block or never end.
    What looks like a submission but is not read (a hidden workbook, a spreadsheet in a
    format that is not read, a pipe or a device, a broken link) is an error, so that
    ``build --strict`` cannot succeed while an office's spend is left out; what is not a
    submission (lock files, macOS and editor leftovers, folders, other files) is skipped
    with a warning.
    """
    name = path.name
    suffix = path.suffix.lower()
    looks_like_workbook = suffix in WORKBOOK_SUFFIXES or suffix in UNREAD_SPREADSHEETS
    error = warning = None
    try:
        mode = path.stat().st_mode  # follows links: what would be opened
    except OSError:
        mode = None
    if mode is None:
        error = (
            f"a link to {_target(path)}, which cannot be reached: nothing was read. Point it "
            "at the workbook, or put the workbook itself in the raw folder."
        )
    elif stat.S_ISDIR(mode):
        warning = (
            "a folder: workbooks inside folders are not read. Move the submissions into the "
            "raw folder itself."
        )
    elif not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        text = f"not a regular file ({kind}), so it is not opened"
        if looks_like_workbook:
            error = f"{text} and its activities and spend are missing. Replace it by the workbook."
        else:
            warning = f"{text}; skipped."
    elif name.startswith("~$") or name.startswith(".~lock."):
        warning = (
            "a lock file skipped (the workbook is open somewhere). Close Excel or LibreOffice."
        )
    elif name.startswith("._"):
        warning = "a macOS resource file (not a workbook), skipped. It can be deleted."
    elif name.startswith(".") and looks_like_workbook:
        error = (
            "a hidden file (its name starts with a dot) is not read as a submission, so its "
            "activities and spend are missing. Rename it without the leading dot and run again."
        )
    elif name.startswith("."):
        warning = "a hidden file (its name starts with a dot), not a submission: skipped."
    elif suffix in UNREAD_SPREADSHEETS:
        error = (
            f"a {suffix} file is not read as a submission, so its activities and spend are "
            "missing. Save it as an Excel .xlsx workbook (File > Save As) and send it again."
        )
    elif suffix not in WORKBOOK_SUFFIXES:
        warning = (
            "not an .xlsx workbook (nor .xlsm, .xls or .ods), skipped. Save submissions as "
            "Excel .xlsx files."
        )
    if error:
        status = "unreadable" if looks_like_workbook and not name.startswith(".") else "skipped"
        return issue(name, "", None, "", "", ERROR, error), status
    if warning:
        return issue(name, "", None, "", "", WARNING, warning), "skipped"
    return None


def _target(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return "a place"


def _outside(path: Path, raw_dir: Path) -> str | None:
    """The warning for a link that leads out of the raw folder (read all the same), or None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if target.is_relative_to(raw_dir.resolve()):
        return None
    return (
        f"a link to {target}, outside the raw folder: read all the same. Raw data should "
        "live in the raw folder; copy the workbook there to keep a record of what was read."
    )


@contextlib.contextmanager
def read_deadline(seconds: float, path: Path) -> Iterator[None]:
    """Raise :class:`WorkbookError` if the body runs longer than ``seconds``.

    A file on a disk that stopped answering would otherwise hang a scheduled run. Works
    in the main thread only (a signal timer); elsewhere the body simply runs.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise WorkbookError(
            f"reading {path.name} made no progress for {seconds:g} s, so it was stopped. "
            "Check that its disk is reachable (or copy the workbook to a local disk) and run "
            "again."
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _merged(frames: list[pd.DataFrame], spec: Sheet) -> pd.DataFrame:
    """One sheet's rows of every workbook in one table (all its columns even when empty)."""
    frames = [f for f in frames if not f.empty]
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
    return merged
