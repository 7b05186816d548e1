"""The feedback copies: each workbook read, annotated with its problems, plus an ``Issues`` sheet.

The originals are only read; a copy is written as ``.xlsx`` without macros, and a version-1
workbook is offered what contract version 2 adds.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from cyber_mapping.contract import ACTIVITIES, BDT, ERROR, RESULTS, WARNING, fold_header
from cyber_mapping.excel.cells import (
    BOLD,
    ERROR_FILL,
    FIXED_STAMP,
    HEADER_FILL,
    WARNING_FILL,
    WRAP,
    add_list_validation,
    cell_comment,
    fit_width,
    put_text,
    save_atomic,
    style_header,
)
from cyber_mapping.excel.lists import DROPDOWNS, LIST_TITLES, Lists
from cyber_mapping.excel.template import (
    COLUMN_WIDTHS,
    EXAMPLE_ACTIVITY,
    EXAMPLE_RESULTS,
    V2_COLUMN_NOTES,
    V2_RESULT_NOTES,
    data_sheet,
)
from cyber_mapping.exceptions import CyberMappingError
from cyber_mapping.intake.clauses import clause_suggestions
from cyber_mapping.intake.validation import Validated
from cyber_mapping.reference import Reference, load_reference

logger = logging.getLogger(__name__)

_ISSUE_HEADERS = [
    "Severity",
    "Sheet",
    "Row",
    "Column",
    "Value",
    "Message",
    "Go to",
    "Activity ID",
]
# BDT's to-dos (a missing rate, resolution or funder in the reference data) are not the
# office's errors: the copy marks them so, lists them after the office's own, and says why.
WAITS_FOR_BDT = "waits for BDT"
_BDT_NOTE = (
    f"Rows marked '{WAITS_FOR_BDT}' are not your errors: they need reference data that BDT "
    "adds (an exchange rate, a resolution, a funder). No change is needed from you unless "
    "the value is mistyped; BDT has them on its own list."
)


def _label(rec: pd.Series) -> str:
    """The Severity cell: the office's error or warning, or that the row waits for BDT."""
    return WAITS_FOR_BDT if rec.get("audience") == BDT else str(rec["severity"])


def feedback_name(workbook: str) -> str:
    """File name of the feedback copy of ``workbook`` (always ``.xlsx``: no macros)."""
    return f"{Path(workbook).stem}_feedback.xlsx"


_PLAIN_RANGE = re.compile(
    r"(?:'[^'\[\]]+'|[A-Za-z_][\w.]*)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?"
)


def inert_copy(wb: openpyxl.Workbook) -> None:
    """Make a submission's copy carry values, never anything that runs or links out.

    A formula (``=HYPERLINK("http://...")``, ``=1000+1``) is kept as its text, shown as
    typed with Excel's quote prefix, so the office sees what it wrote and BDT's file never
    computes or opens a link; hyperlinks that leave the workbook are dropped (their cell
    text stays), and so are defined names other than plain ranges of its own sheets (the
    template's drop-down lists are such ranges).
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    text = (
                        cell.value
                        if isinstance(cell.value, str)
                        else getattr(cell.value, "text", str(cell.value))
                    )
                    cell.value = text if str(text).startswith("=") else f"={text}"
                    cell.data_type = "s"
                    cell.quotePrefix = True
                if (
                    cell.hyperlink is not None
                    and not str(cell.hyperlink.target or "").startswith("#")
                    and cell.hyperlink.location is None
                ):
                    cell.hyperlink = None
    for name, defined in list(wb.defined_names.items()):
        if not _PLAIN_RANGE.fullmatch(defined.attr_text or ""):
            del wb.defined_names[name]


def _sorted_issues(issues: pd.DataFrame) -> pd.DataFrame:
    order = {ERROR: 0, WARNING: 1}
    out = issues.assign(_sev=issues["severity"].map(order).fillna(2))
    if "audience" in out.columns:
        out["_sev"] = out["_sev"].where(out["audience"] != BDT, 3)
    out = out.assign(_row=pd.to_numeric(out["row"], errors="coerce").fillna(0))
    return out.sort_values(["_sev", "sheet", "_row", "column"], kind="stable").drop(
        columns=["_sev", "_row"]
    )


def _column_index(ws: Worksheet) -> dict[str, int]:
    """Folded header text -> 1-based column number, from row 1 as the office wrote it."""
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if cell.value is not None and str(cell.value).strip():
            out.setdefault(fold_header(cell.value), cell.column)
    return out


def _annotate(wb: openpyxl.Workbook, issues: pd.DataFrame) -> dict[int, str]:
    """Highlight and comment every located problem; return issue index -> cell address."""
    sheets = {fold_header(ws.title): ws for ws in wb.worksheets}
    columns = {title: _column_index(ws) for title, ws in sheets.items()}
    notes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    where: dict[int, str] = {}
    for idx, rec in issues.iterrows():
        key = fold_header(rec["sheet"] or "")
        row = pd.to_numeric(rec["row"], errors="coerce")
        if key not in sheets or pd.isna(row):
            continue
        ws = sheets[key]
        # A merged-cell issue names several columns; the first one locates it.
        first = str(rec["column"] or "").split(",")[0]
        col = columns[key].get(fold_header(first), 1)
        text = str(rec["message"])
        if fold_header(first) not in columns[key] and first:
            text = f"[column '{first}'] {text}"
        coord = f"{get_column_letter(col)}{int(row)}"
        notes.setdefault((ws.title, coord), []).append((_label(rec), text))
        where[idx] = f"{quote_sheetname(ws.title)}!{coord}"
    for (title, coord), found in notes.items():
        cell = wb[title][coord]
        worst = ERROR if any(sev == ERROR for sev, _ in found) else WARNING
        # A cell that only waits for BDT is shown as a warning, never as the office's error.
        cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
        body = "\n".join(f"{sev.upper()}: {msg}" for sev, msg in found)
        cell.comment = cell_comment(body)
    return where


def _issues_sheet(wb: openpyxl.Workbook, issues: pd.DataFrame, where: dict[int, str]) -> None:
    title = "Issues"
    while title in wb.sheetnames:  # the office's own 'Issues' sheet stays as it was
        title = f"{title} (cyber_mapping)" if "(" not in title else title + "+"
    ws = wb.create_sheet(title, 0)
    style_header(ws, _ISSUE_HEADERS)
    widths = [14, 14, 7, 24, 30, 90, 16, 16]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    if issues.empty:
        put_text(ws, 2, 1, "none")
        put_text(ws, 2, 6, "No problems found: the workbook follows the contract.")
    for i, (idx, rec) in enumerate(issues.iterrows(), start=2):
        row = pd.to_numeric(rec["row"], errors="coerce")
        values = [
            _label(rec),
            rec["sheet"] or "(file)",
            None if pd.isna(row) else int(row),
            rec["column"] or "",
            rec["value"] or "",
            rec["message"],
        ]
        for j, value in enumerate(values, start=1):
            cell = put_text(ws, i, j, value)
            cell.alignment = WRAP
        office_error = rec["severity"] == ERROR and _label(rec) == ERROR
        ws.cell(row=i, column=1).fill = ERROR_FILL if office_error else WARNING_FILL
        if idx in where:
            link = put_text(ws, i, 7, "go to cell")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=where[idx])
            link.font = Font(color="0563C1", underline="single")
        put_text(ws, i, 8, rec.get("activity_id") or "")
    if "audience" in issues.columns and (issues["audience"] == BDT).any():
        note_row = len(issues) + 3
        put_text(ws, note_row, 1, "note")
        put_text(ws, note_row, 6, _BDT_NOTE).alignment = WRAP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(2, len(issues) + 1)}"
    ws.page_setup.orientation = "landscape"
    fit_width(ws)
    wb.active = 0
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws


_V2_COLUMNS = ("clauses", "lead_implementor", "joint_with")
_V2_LISTS_SHEET = "Lists (contract 2)"
_V2_NOTES_SHEET = "New in contract 2"


def offer_version_2(wb: openpyxl.Workbook, ref: Reference, rows: int = 500) -> list[str]:
    """Add to a version-1 workbook (a feedback copy) what contract version 2 offers.

    The ``Clauses``, ``Lead implementor`` and ``Joint with`` columns after the last header
    of ``Activities``, and a ``Results`` sheet when there is neither ``Results`` nor
    ``Outputs``, each with its drop-down list (from a protected lists sheet), plus a sheet
    explaining them with a worked example. Nothing the office wrote is changed. Returns
    what was added (empty for a workbook that has it all).
    """
    sheets = {fold_header(ws.title): ws for ws in wb.worksheets}
    lists = Lists.from_reference(ref).values
    wanted: dict[str, list[str]] = {}
    plan: list[tuple[Worksheet, str, int, str, str, str, bool]] = []
    added: list[str] = []
    acts = sheets.get(fold_header(ACTIVITIES.title))
    if acts is not None:
        present = _column_index(acts)
        j = max(present.values(), default=0) + 1
        last = max(acts.max_row, 1) + rows
        for col in ACTIVITIES.columns:
            if col.name not in _V2_COLUMNS or fold_header(col.header) in present:
                continue
            cell = put_text(acts, 1, j, col.header)
            cell.font, cell.fill = BOLD, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.comment = cell_comment(f"Optional (contract 2). {col.hint}.", width=300)
            letter = get_column_letter(j)
            acts.column_dimensions[letter].width = COLUMN_WIDTHS.get(col.name, 16)
            if ("activities", col.name) in DROPDOWNS:
                name, strict = DROPDOWNS[("activities", col.name)]
                wanted[name] = lists[name]
                plan.append((acts, letter, last, col.header, col.hint, name, strict))
            added.append(f"Activities column '{col.header}'")
            j += 1
    if fold_header(RESULTS.title) not in sheets and "outputs" not in sheets:
        ws = data_sheet(wb, RESULTS, rows, {}, dropdowns=False)
        for j, col in enumerate(RESULTS.columns, start=1):
            if ("results", col.name) in DROPDOWNS:
                name, strict = DROPDOWNS[("results", col.name)]
                wanted[name] = lists[name]
                plan.append(
                    (ws, get_column_letter(j), rows + 1, col.header, col.hint, name, strict)
                )
        added.append("sheet 'Results'")
    if not added:
        return added
    where: dict[str, str] = {}
    if wanted:
        ws = wb.create_sheet(_V2_LISTS_SHEET)
        for j, (name, values) in enumerate(wanted.items(), start=1):
            put_text(ws, 1, j, LIST_TITLES[name]).font = BOLD
            for i, value in enumerate(values, start=2):
                put_text(ws, i, j, value)
            letter = get_column_letter(j)
            where[name] = (
                f"{quote_sheetname(_V2_LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            )
            ws.column_dimensions[letter].width = 36
        ws.protection.sheet = True
    for ws, letter, last, header, hint, name, strict in plan:
        add_list_validation(ws, letter, last, header, hint, where[name], strict)
    _version_2_notes(wb, added)
    return added


def _version_2_notes(wb: openpyxl.Workbook, added: list[str]) -> None:
    """A sheet explaining what was added, with the worked example of the new columns."""
    ws = wb.create_sheet(_V2_NOTES_SHEET)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 12
    row = 1
    for text, bold in (
        ("Contract version 2: results, clauses and joint work", True),
        ("Added to this copy for you to fill in: " + "; ".join(added) + ".", False),
        ("Your workbook stays valid without them (version 1 is still read).", False),
        *((t, False) for t in V2_COLUMN_NOTES),
        *((t, False) for t in V2_RESULT_NOTES),
        ("Worked example", True),
    ):
        cell = put_text(ws, row, 1, text)
        cell.alignment = WRAP
        cell.font = Font(bold=bold, size=12 if bold else 11)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.row_dimensions[row].height = max(15, 15 * (len(text) // 110 + 1))
        row += 1
    examples = [
        ("Activities", EXAMPLE_ACTIVITY, [c for c in ACTIVITIES.columns if c.name in _V2_COLUMNS])
    ]
    examples += [("Results", r, list(RESULTS.columns)) for r in EXAMPLE_RESULTS]
    for n, (title, record, columns) in enumerate(examples):
        put_text(
            ws, row, 1, f"Sheet '{title}'" + (f", row {n + 1}" if title == "Results" else "")
        ).font = BOLD
        row += 1
        for col in columns:
            value = record.get(col.header, "")
            if value != "":
                put_text(ws, row, 1, col.header)
                put_text(ws, row, 2, str(value)).alignment = WRAP
                row += 1
    fit_width(ws)


_SUGGESTION_HEADERS = ["Activity ID", "Row", "May implement clause", "Clause summary", "Go to"]


def _suggestions_sheet(wb: openpyxl.Workbook, rows: pd.DataFrame) -> None:
    """A sheet of clauses an activity *may* implement: suggestions to check, not findings."""
    ws = wb.create_sheet("Clause suggestions", 1)
    put_text(
        ws,
        1,
        1,
        "Suggestions only: the clause quoted by each activity shares words with the summary of "
        "these clauses. If the activity implements the clause, add it to the 'Clauses' column; "
        "otherwise ignore it. Reports count only the clauses written in 'Clauses'.",
    ).alignment = WRAP
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.row_dimensions[1].height = 48
    for j, text in enumerate(_SUGGESTION_HEADERS, start=1):
        cell = put_text(ws, 2, j, text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for j, width in enumerate((20, 7, 36, 80, 12), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    sheet = next((w.title for w in wb.worksheets if fold_header(w.title) == "activities"), None)
    clause_col = None
    if sheet is not None:
        clause_col = _column_index(wb[sheet]).get(fold_header(ACTIVITIES.by_name("clauses")))
    for i, rec in enumerate(rows.itertuples(index=False), start=3):
        for j, value in enumerate(
            (rec.activity_id, int(rec.row), rec.clause_ref, rec.summary), start=1
        ):
            put_text(ws, i, j, value).alignment = WRAP
        if sheet is not None:
            coord = f"{get_column_letter(clause_col or 1)}{int(rec.row)}"
            link = put_text(ws, i, 5, "go to row")
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"{quote_sheetname(sheet)}!{coord}"
            )
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A3"
    fit_width(ws)


def write_feedback(
    result: Validated, out_dir: Path, raw_dir: Path | None = None, ref: Reference | None = None
) -> list[Path]:
    """Write an annotated copy of every workbook that was read, plus its ``Issues`` sheet.

    Each problem cell of the copy is highlighted (red: error, yellow: warning) and carries a
    comment with the message and the fix; the first sheet, ``Issues``, lists every problem
    sorted by severity with a link to the cell. A workbook that could not be opened gets a
    feedback file with the ``Issues`` sheet only. The originals are only read.

    Raises
    ------
    CyberMappingError
        When ``out_dir`` is, or lies inside, the folder the workbooks were read from.
    """
    out_dir = Path(out_dir)
    folders = {w.path.parent.resolve() for w in result.workbooks if w.path is not None}
    if raw_dir is not None:
        folders.add(Path(raw_dir).resolve())
    if any(out_dir.resolve().is_relative_to(folder) for folder in folders):
        raise CyberMappingError(
            f"the feedback folder {out_dir} is the folder of the submissions; raw data is "
            "never written to. Choose another folder, e.g. --feedback feedback/."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ref = ref or load_reference()
    hints = clause_suggestions(result.activities, result.activity_resolutions, ref)
    if not hints.empty:
        where_act = result.activities.set_index("activity_id")[["workbook", "row"]]
        hints = hints.join(where_act, on="activity_id")
    for info in result.workbooks:
        if info.status == "skipped":
            continue
        mine = _sorted_issues(result.issues[result.issues["workbook"] == info.name])
        target = out_dir / feedback_name(info.name)
        wb = None
        if info.status == "read" and info.path is not None:
            try:
                wb = openpyxl.load_workbook(info.path, keep_vba=False, keep_links=False)
            except Exception as exc:  # noqa: BLE001 - fall back to the Issues sheet alone
                logger.warning("cannot annotate %s (%s); Issues sheet only", info.name, exc)
        where: dict[int, str] = {}
        stamp = FIXED_STAMP
        if wb is None:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        else:
            # The copy is dated as the submission is, so the same submission gives the
            # same copy; and it carries values only (see inert_copy).
            stamp = wb.properties.modified or wb.properties.created or FIXED_STAMP
            inert_copy(wb)
            where = _annotate(wb, mine)
            offer_version_2(wb, ref)
        _issues_sheet(wb, mine, where)
        if not hints.empty and info.status == "read":
            own = hints[hints["workbook"] == info.name].sort_values(["row", "clause_ref"])
            if not own.empty:
                _suggestions_sheet(wb, own)
        wb.properties.title = f"Feedback on {info.name}"
        save_atomic(wb, target, stamp)
        written.append(target)
    return written
