"""Read every submission workbook in a folder into raw tables, one per contract sheet.

Cells keep their Excel types (text, number, date); nothing is interpreted here except
headers. Every row carries its workbook, sheet and Excel row number so that any later
problem can point at the cell. Reading uses calamine, which skips formatting-only rows,
so a sheet formatted down to row 1,000,000 still reads in well under a second.
"""

from __future__ import annotations

import hashlib
import logging
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

logger = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
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


def _sheet_rows(sheet_obj: python_calamine.CalamineSheet) -> list[tuple[int, list[object]]]:
    """The rows of a sheet as ``(0-based row index, cell values)``, top to bottom."""
    grid = sheet_obj.to_python(skip_empty_area=False)
    return list(enumerate(grid))


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
    sheet_obj: python_calamine.CalamineSheet, spec: Sheet, workbook: str
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


def read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], list[dict[str, object]]]:
    """Read the contract sheets of one workbook.

    Raises
    ------
    python_calamine.CalamineError, OSError, ValueError
        When the file cannot be opened as a workbook (the caller reports it).
    """
    workbook = path.name
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    by_folded = {fold_header(n): n for n in book.sheet_names}
    tables: dict[str, pd.DataFrame] = {}
    problems: list[dict[str, object]] = []
    for spec in SHEETS:
        actual = by_folded.get(fold_header(spec.title))
        if actual is None:
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
                        f"{', '.join(book.sheet_names)}). Add or rename a sheet to "
                        f"'{spec.title}'.",
                    )
                )
            continue
        frame, sheet_problems = _read_sheet(book.get_sheet_by_name(actual), spec, workbook)
        problems.extend(sheet_problems)
        tables[spec.key] = frame
    return tables, problems


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_folder(raw_dir: Path) -> Intake:
    """Read every workbook of ``raw_dir`` (sorted by name, so results are deterministic).

    Non-workbooks and Excel lock files are skipped with a warning; a workbook that cannot be
    opened is an error for that file alone.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        from cyber_mapping.exceptions import CyberMappingError

        raise CyberMappingError(f"raw data folder {raw_dir} does not exist; pass --raw DIR.")
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    problems: list[dict[str, object]] = []
    infos: list[WorkbookInfo] = []
    for path in sorted(raw_dir.iterdir(), key=lambda p: p.name):
        name = path.name
        if path.is_dir() or name.lower() in IGNORED_NAMES or name.startswith("."):
            continue
        skip = None
        if name.startswith("~$"):
            skip = "Excel lock file skipped (the workbook is open somewhere). Close Excel."
        elif path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skip = "not an .xlsx workbook, skipped. Save submissions as Excel .xlsx files."
        if skip:
            problems.append(issue(name, "", None, "", "", WARNING, skip))
            infos.append(WorkbookInfo(name, sha256_of(path), "skipped"))
            continue
        digest = sha256_of(path)
        try:
            tables, sheet_problems = read_workbook(path)
        except Exception as exc:  # noqa: BLE001 - any failure to open is this file's error
            logger.warning("cannot open %s: %s", name, exc)
            problems.append(
                issue(
                    name,
                    "",
                    None,
                    "",
                    "",
                    ERROR,
                    f"the workbook cannot be opened ({type(exc).__name__}: {exc}). "
                    "Re-save it from Excel as .xlsx and send it again.",
                )
            )
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
