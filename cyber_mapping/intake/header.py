"""Find a sheet's header row among its first rows, and map its cells to contract columns.

Offices often put a title, a logo line or a note above the header, so the header is the
row, among the first :data:`HEADER_SCAN_ROWS`, that names the most contract headers
(:func:`read_header`). A sheet with no such row is one error for the sheet, marked
:data:`NO_HEADER` in its table; the columns its first rows still name are read, so that
its amounts are counted in the quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyber_mapping.contract import ERROR, WARNING, Sheet, fold_header, issue
from cyber_mapping.intake.cells import is_blank

# Marks, in a table's ``missing_columns``, a workbook whose sheet has no recognisable header:
# all its rows are quarantined for that one reason.
NO_HEADER = "(no header)"
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


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is, and the column each contract column is read from."""

    at: int | None  # position of the header row in the sheet's rows (None: no row)
    row: int  # its 0-based sheet row (-1 when there is none)
    headerless: bool  # no recognisable header: every row is quarantined
    position: dict[str, int]  # contract column name -> 0-based column index


def read_header(
    rows: list[tuple[int, list[object]]], spec: Sheet, workbook: str
) -> tuple[Header, list[dict[str, object]]]:
    """Find the header of a sheet's ``rows`` and map its cells to contract columns.

    Returns the header and the problems found: no header, a header below row 1, unknown
    or repeated columns (warnings), and missing required columns (errors).
    """
    problems: list[dict[str, object]] = []
    at = _header_position(rows, spec)
    headerless = at is None
    if headerless:
        at = _headerless_position(rows, spec)
        problems.append(_no_header_issue(workbook, spec))
    header_row, cells = rows[at] if at is not None else (-1, [])
    if header_row > 0:
        problems.append(
            issue(
                workbook,
                spec.title,
                header_row + 1,
                "",
                "",
                WARNING,
                (
                    f"row {header_row + 1} names {', '.join(_named(cells, spec))}: "
                    "the rows below it are read for those columns (and quarantined); the rows "
                    "above it are not read."
                )
                if headerless
                else f"the header row is row {header_row + 1}, not row 1; the rows above it "
                "are not read. Nothing to fix if they are only a title.",
            )
        )
    position, column_problems = _column_positions(cells, header_row, spec, workbook, headerless)
    return Header(at, header_row, headerless, position), problems + column_problems


def _column_positions(
    cells: list[object], header_row: int, spec: Sheet, workbook: str, headerless: bool
) -> tuple[dict[str, int], list[dict[str, object]]]:
    """Contract column name -> index of the header cell naming it, and what does not fit."""
    problems: list[dict[str, object]] = []
    known = spec.by_header()
    position: dict[str, int] = {}
    for j, cell in enumerate(cells):
        if is_blank(cell):
            continue
        col = known.get(fold_header(cell))
        if col is None and headerless:
            continue  # the sheet's one error says it all
        if col is None:
            problems.append(
                issue(
                    workbook,
                    spec.title,
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
                    spec.title,
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
                    spec.title,
                    header_row + 1,
                    col.header,
                    "",
                    ERROR,
                    f"required column '{col.header}' is missing from row {header_row + 1}; "
                    "every row of this "
                    f"sheet is quarantined. Add a column headed '{col.header}'.",
                )
            )
    return position, problems
