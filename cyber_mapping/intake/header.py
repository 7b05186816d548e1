"""Find a sheet's header row among its first rows, and what its cells name.

Offices often put a title, a logo line or a note above the header, so the header is the
early row that names the most contract headers (:func:`header_position`). A sheet with no
such row is one error for the sheet (:func:`no_header_issue`); the columns its first rows
still name are read (:func:`headerless_position`), so that its amounts are counted in the
quarantine.
"""

from __future__ import annotations

from cyber_mapping.contract import ERROR, Sheet, fold_header, issue

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


def header_position(rows: list[tuple[int, list[object]]], spec: Sheet) -> int | None:
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


def named_headers(line: list[object], spec: Sheet) -> list[str]:
    """The contract headers that the cells of ``line`` name, as the contract writes them."""
    known = spec.by_header()
    return [known[fold_header(c)].header for c in line if fold_header(c) in known]


def headerless_position(rows: list[tuple[int, list[object]]], spec: Sheet) -> int | None:
    """For a sheet with no header: the first early row naming a contract column (e.g. Amount).

    Its named columns are still read, so that the amounts of a headerless sheet are counted.
    """
    for pos, (i, line) in enumerate(rows):
        if i >= HEADER_SCAN_ROWS:
            break
        if _header_score(line, spec):
            return pos
    return None


def no_header_issue(workbook: str, spec: Sheet) -> dict[str, object]:
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
