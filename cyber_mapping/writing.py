"""Write the Excel workbooks people open: the submission template and the feedback copies.

Everything here writes ``.xlsx`` files without macros. Text that came from a submission is
stored as a text cell (never a formula) with Excel's quote prefix, so a value such as
``=HYPERLINK(...)`` is shown, not run.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from cyber_mapping import __version__, cleaning
from cyber_mapping.contract import (
    ACTIVITIES,
    CONTRACT_VERSION,
    ERROR,
    EXPENDITURE,
    OUTPUTS,
    SHEETS,
    WARNING,
    Sheet,
    fold_header,
)
from cyber_mapping.exceptions import CyberMappingError
from cyber_mapping.product import FORMULA_START
from cyber_mapping.reference import GLOBAL, Reference, normalise_key
from cyber_mapping.validation import DEFAULT_PERIOD, Validated

logger = logging.getLogger(__name__)

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FILL = PatternFill("solid", fgColor="9DC3E6")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
AUTHOR = "cyber_mapping"


# ----------------------------------------------------------------------------- cells


def save_atomic(wb: openpyxl.Workbook, path: Path) -> Path:
    """Save ``wb`` under a temporary name beside ``path``, then rename it into place.

    A run killed while saving never leaves a half-written workbook under the final name.
    """
    from cyber_mapping.paths import atomic_path

    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)


def put_text(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write ``value`` into a cell; text that looks like a formula stays inert text.

    openpyxl turns any string starting with ``=`` into a formula, so such text is stored as
    a string cell with Excel's quote prefix (shown as typed, never evaluated).
    """
    cell = ws.cell(row=row, column=column)
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return cell
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
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


def _comment(text: str, width: int = 320) -> Comment:
    note = Comment(text, AUTHOR)
    note.width = width
    # About 45 characters a line at this width; leave room for wrapped lines.
    note.height = max(60, 18 * (len(text) // 45 + 2))
    return note


# ----------------------------------------------------------------------------- template

# Column widths (characters) by package column name; anything else gets 16.
_WIDTHS = {
    "activity_id": 18,
    "resolution_refs": 30,
    "resolution_shares": 14,
    "clause_quoted": 36,
    "theme": 34,
    "title": 40,
    "description": 48,
    "beneficiaries": 34,
    "country_shares": 14,
    "implementors": 34,
    "partners": 24,
    "status": 12,
    "start_date": 13,
    "end_date": 13,
    "outputs_text": 44,
    "outcomes_text": 40,
    "funder": 26,
    "period": 12,
    "cost_type": 12,
    "basis": 12,
    "amount": 16,
    "currency": 10,
    "indicator": 30,
    "value": 12,
    "unit": 12,
    "country": 24,
    "group": 22,
    "as_of": 12,
}
_DATE_COLUMNS = {"start_date", "end_date", "as_of"}
_TEXT_COLUMNS = {"activity_id", "period", "resolution_shares", "country_shares", "currency"}

# The worked example, in the contract's headers. The round-trip test fills a template with
# exactly these rows and expects validation to find nothing, so the example stays valid.
EXAMPLE_ACTIVITY = {
    "Activity ID": "RO-AFR-2021-003",
    "Resolution references": "PP-130; WTDC Resolution 69 (Rev. Kigali, 2022)",
    "Resolution shares (%)": "60; 40",
    "Clause quoted": "to assist Member States in establishing national CIRTs",
    "Activity theme": "Incident response and CIRTs",
    "Activity": "CIRT readiness assessment and establishment support",
    "Description": "Assessment mission, then a design workshop with the national regulator.",
    "Beneficiary countries": "Kenya; Uganda",
    "Country shares (%)": "",
    "Implementor(s)": "Regional Office for Africa; BDT (HQ)",
    "Partners": "FIRST",
    "Status": "Completed",
    "Start date": dt.datetime(2021, 3, 15),
    "End date": dt.datetime(2021, 11, 30),
    "Main outputs": "As of 11 2021, 45 participants from Kenya and Uganda were trained",
    "Envisaged outcomes": "Both countries have an operational national CIRT",
}
EXAMPLE_EXPENDITURE = [
    {
        "Activity ID": "RO-AFR-2021-003",
        "Funder": "ITU regular budget",
        "Period": "2021",
        "Cost type": "Staff",
        "Basis": "Actual",
        "Amount": 18000,
        "Currency": "CHF",
    },
    {
        "Activity ID": "RO-AFR-2021-003",
        "Funder": "United Kingdom",
        "Period": "2021",
        "Cost type": "Non-staff",
        "Basis": "Actual",
        "Amount": 25000,
        "Currency": "USD",
    },
]
EXAMPLE_OUTPUT = {
    "Activity ID": "RO-AFR-2021-003",
    "Indicator": "Participants trained",
    "Value": 45,
    "Unit": "people",
    "Country": "Kenya",
    "Group": "Ministry of ICT",
    "As of": "11 2021",
}


@dataclass(frozen=True)
class Lists:
    """The drop-down values of a template, from the package's reference data."""

    values: dict[str, list[str]]

    @classmethod
    def from_reference(cls, ref: Reference) -> Lists:
        """Build every list from ``ref``: the template is current whenever it is generated."""

        def canonical(field_name: str) -> list[str]:
            return list(dict.fromkeys(ref.vocab(field_name).values()))

        members = ref.member_states
        countries = sorted(members["itu_name"], key=normalise_key)
        regions = [f"Region: {r}" for r in ref.region_names]
        return cls(
            {
                "Themes": list(ref.themes["theme"]),
                "Statuses": canonical("status"),
                "CostTypes": canonical("cost_type"),
                "Bases": canonical("basis"),
                "Currencies": sorted(set(ref.exchange_rates["currency"])),
                "Implementors": list(ref.offices["implementor"]),
                "Resolutions": list(ref.resolutions["resolution_id"]),
                "Countries": countries,
                "Beneficiaries": [*countries, *regions, GLOBAL],
                "Funders": list(dict.fromkeys(ref.funders["funder"])),
            }
        )


# Which list each column offers, and whether other text is refused (strict) or allowed
# (several values separated by ';', ISO codes, a funder not yet in the list).
_DROPDOWNS = {
    ("activities", "theme"): ("Themes", True),
    ("activities", "status"): ("Statuses", True),
    ("activities", "resolution_refs"): ("Resolutions", False),
    ("activities", "beneficiaries"): ("Beneficiaries", False),
    ("activities", "implementors"): ("Implementors", False),
    ("expenditure", "funder"): ("Funders", False),
    ("expenditure", "cost_type"): ("CostTypes", True),
    ("expenditure", "basis"): ("Bases", True),
    ("expenditure", "currency"): ("Currencies", True),
    ("outputs", "country"): ("Countries", False),
}
_LIST_TITLES = {
    "Themes": "Activity theme",
    "Statuses": "Status",
    "CostTypes": "Cost type",
    "Bases": "Basis",
    "Currencies": "Currency",
    "Implementors": "Implementor",
    "Resolutions": "Resolution",
    "Countries": "Country (ITU Member State)",
    "Beneficiaries": "Beneficiary (country, region or Global)",
    "Funders": "Funder",
}


def _write_lists(wb: openpyxl.Workbook, lists: Lists, ref: Reference) -> None:
    ws = wb.create_sheet("Lists")
    names = list(lists.values)
    style_header(ws, [_LIST_TITLES[n] for n in names])
    for j, name in enumerate(names, start=1):
        values = lists.values[name]
        for i, value in enumerate(values, start=2):
            put_text(ws, i, j, value)
        letter = get_column_letter(j)
        ref_text = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref_text)
        ws.column_dimensions[letter].width = 30 if name != "Beneficiaries" else 36
    # The resolution titles beside the list, so that an office can see what each id is.
    j = len(names) + 1
    put_text(ws, 1, j, "Resolution title").font = BOLD
    titles = dict(zip(ref.resolutions["resolution_id"], ref.resolutions["title"], strict=True))
    for i, rid in enumerate(lists.values["Resolutions"], start=2):
        put_text(ws, i, j, titles.get(rid, ""))
    ws.column_dimensions[get_column_letter(j)].width = 70
    ws.freeze_panes = "A2"
    # Protected without a password: it stops accidental edits; BDT can unprotect it
    # (Review > Unprotect Sheet) and should rather regenerate the template.
    ws.protection.sheet = True


def _data_sheet(
    wb: openpyxl.Workbook,
    spec: Sheet,
    rows: int,
    prefill: dict[str, list[str]],
) -> Worksheet:
    ws = wb.create_sheet(spec.title)
    style_header(ws, [c.header for c in spec.columns], [c.required for c in spec.columns])
    last = rows + 1
    for j, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(row=1, column=j)
        need = "Required" if col.required else "Optional"
        head.comment = _comment(f"{need}. {col.hint}.".replace("..", "."), width=300)
        ws.column_dimensions[letter].width = _WIDTHS.get(col.name, 16)
        fmt = None
        if col.name in _DATE_COLUMNS and col.name != "as_of":
            fmt = "yyyy-mm-dd"
        elif col.name == "amount":
            fmt = "#,##0.00"
        elif col.name == "value":
            fmt = "#,##0"
        elif col.name in _TEXT_COLUMNS:
            fmt = "@"  # keeps 2019-2022 or 50; 50 from turning into a date or number
        for i in range(2, last + 1):
            cell = ws.cell(row=i, column=j)
            if fmt:
                cell.number_format = fmt
            if col.name in {"title", "description", "outputs_text", "outcomes_text"}:
                cell.alignment = WRAP
        for i, value in enumerate(prefill.get(col.name, []), start=2):
            put_text(ws, i, j, value)
        key = (spec.key, col.name)
        area = f"{letter}2:{letter}{last}"
        if key in _DROPDOWNS:
            list_name, strict = _DROPDOWNS[key]
            dv = DataValidation(
                type="list",
                formula1=list_name,
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle=f"Not a valid {col.header.lower()}" if strict else None,
                error="Choose a value from the drop-down list." if strict else None,
                showInputMessage=True,
                promptTitle=col.header[:32],
                prompt=(col.hint if strict else col.hint + ". Pick one, or type several.")[:255],
            )
            dv.add(area)
            ws.add_data_validation(dv)
        elif col.name in {"amount", "value"}:
            dv = DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not a valid number",
                error="Write a number of 0 or more, without the currency.",
            )
            dv.add(area)
            ws.add_data_validation(dv)
    # Keep the header and the Activity ID in view while scrolling.
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}1"
    return ws


def _instructions(
    wb: openpyxl.Workbook,
    ref: Reference,
    implementor: str | None,
    prefix: str | None,
    period: tuple[int, int],
    generated: dt.date,
) -> None:
    ws = wb.active
    ws.title = "Instructions"
    for letter, width in zip("ABCD", (26, 24, 12, 80), strict=True):
        ws.column_dimensions[letter].width = width
    row = 1

    widths = (26, 24, 12, 80)  # A:D; a sentence spans all four (142 characters)

    def line(*cells: object, bold: bool = False, size: int | None = None) -> None:
        nonlocal row
        font = Font(bold=bold, size=size or 11)
        if len(cells) == 1:
            # Prose spans A:D so it wraps at the page width, not in a narrow column.
            cell = put_text(ws, row, 1, cells[0])
            cell.alignment = WRAP
            cell.font = font
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            # Merged cells do not grow to fit their text: size the row from its length.
            lines = len(str(cells[0])) // 125 + 1
        else:
            lines = 1
            for j, value in enumerate(cells, start=1):
                cell = put_text(ws, row, j, value)
                cell.alignment = WRAP
                cell.font = font
                lines = max(lines, len(str(value)) // max(1, widths[j - 1] - 2) + 1)
        ws.row_dimensions[row].height = max(15 * lines, 18 if size else 15) + (4 if size else 0)
        row += 1

    first, last = period
    line("Cybersecurity capacity building: submission workbook", bold=True, size=14)
    line(
        f"For the mapping of BDT activities to ITU Resolutions, WTDC-{first % 100:02d} to "
        f"WTDC-{last % 100:02d} ({first}-{last})."
    )
    line(
        f"Generated {generated:%d %B %Y} by cyber_mapping {__version__}; workbook contract "
        f"{CONTRACT_VERSION}; reference data {ref.version()}."
    )
    if implementor:
        line(
            f"Prepared for {implementor}: the Implementor(s) column is filled in and Activity "
            f"IDs are suggested ({prefix}-{generated.year}-001, ...). Rows you leave with only "
            "those two cells are ignored when the workbook is read."
        )
    row += 1
    line("How to fill it in", bold=True, size=12)
    steps = [
        "1. One row per activity on 'Activities', from WTDC-17 onwards, including planned work.",
        "2. One row per activity, funder, period, cost type and basis on 'Expenditure'.",
        "3. Optionally, measured results (participants trained, CIRTs set up) on 'Outputs'.",
        "4. Dark blue headers are required; a comment on each header says what to write.",
        "5. Use the drop-down lists where a column has one; they come from the 'Lists' sheet.",
        "6. Do not rename sheets or headers. Extra columns are ignored with a warning.",
        "7. Send the workbook as .xlsx. You receive a feedback copy with every problem "
        "highlighted and explained in a cell comment, and an 'Issues' sheet listing them.",
    ]
    for text in steps:
        line(text)
    row += 1
    line("Several countries, resolutions or implementors in one cell", bold=True, size=12)
    for text in [
        "Separate them with ';' or a line break (Alt+Enter), e.g. 'Kenya; Uganda' or "
        "'PP-130; WTDC-45'.",
        "A regional activity with no country list: 'Region: Africa' (or another ITU region). "
        "A worldwide activity: 'Global'.",
        "Spend is split equally unless you give shares in percent, in the same order, that "
        "sum to 100: 'Resolution shares (%)' = '60; 40'.",
        "Resolutions may be written as in ITU documents ('PP Res. 130 (Rev. Bucharest, "
        "2022)', 'WTDC Resolution 45') or by id ('PP-130'); the list offers the ids.",
    ]:
        line(text)
    row += 1
    line("Expenditure", bold=True, size=12)
    for text in [
        "Funder: 'ITU regular budget' or the voluntary contributor (a country or "
        "organisation, e.g. 'United Kingdom', 'European Union').",
        f"Period: an accounting year (2021) or a span (2019-2022), within {first}-{last}. "
        "A span is spread over its years by the days the activity ran in each year.",
        "Cost type: Staff or Non-staff. Basis: Actual for spend incurred (completed work), "
        "Estimated for ongoing or planned work.",
        "Amount: a number of 0 or more, in the currency of the Currency column (empty means "
        "CHF). It is converted to CHF at the package's rate for the period's year.",
    ]:
        line(text)
    row += 1
    line("Worked example", bold=True, size=12)
    for spec, records in (
        (ACTIVITIES, [EXAMPLE_ACTIVITY]),
        (EXPENDITURE, EXAMPLE_EXPENDITURE),
        (OUTPUTS, [EXAMPLE_OUTPUT]),
    ):
        line(f"Sheet '{spec.title}'", bold=True)
        for n, record in enumerate(records, start=1):
            for col in spec.columns:
                value = record.get(col.header, "")
                if isinstance(value, dt.datetime):
                    value = f"{value:%Y-%m-%d}"
                if value == "":
                    continue
                label = f"row {n + 1}" if len(records) > 1 else ""
                line(col.header, str(value), label, col.hint)
    row += 1
    line("The columns", bold=True, size=12)
    line("Sheet", "Column", "Required", "What to write", bold=True)
    for spec in SHEETS:
        for col in spec.columns:
            line(spec.title, col.header, "yes" if col.required else "no", col.hint)
    _fit_width(ws)


def _fit_width(ws: Worksheet) -> None:
    """Print on A4, every column on one page width."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def template_prefill(
    ref: Reference, implementor: str | None, year: int, rows: int
) -> tuple[str | None, str | None, dict[str, list[str]]]:
    """Resolve ``implementor`` and the pre-filled Activities columns for it.

    Returns the canonical implementor, its ID prefix and the values per column name.

    Raises
    ------
    CyberMappingError
        When ``implementor`` is not a known implementor (with the closest names).
    """
    if not implementor:
        return None, None, {}
    match = cleaning.match_implementor(implementor, ref)
    if match.value is None:
        raise CyberMappingError(
            f"'{implementor}' is not a known implementor.{match.hint()} Known: "
            + ", ".join(ref.offices["implementor"])
            + "."
        )
    prefix = ref.offices.set_index("implementor").loc[match.value, "id_prefix"]
    ids = [f"{prefix}-{year}-{n:03d}" for n in range(1, rows + 1)]
    return match.value, prefix, {"activity_id": ids, "implementors": [match.value] * rows}


def write_template(
    path: Path,
    ref: Reference,
    *,
    implementor: str | None = None,
    period: tuple[int, int] = DEFAULT_PERIOD,
    generated: dt.date | None = None,
    rows: int = 500,
    prefilled_rows: int = 50,
) -> Path:
    """Write a submission template to ``path`` and return it.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write (its folder is created).
    ref
        Reference data: the drop-down lists are built from it.
    implementor
        Optional office (name, city or alias): pre-fills the Implementor(s) column and
        suggests Activity IDs with the office's prefix on ``prefilled_rows`` rows.
    period
        The mapping period named in the instructions.
    generated
        The date printed on the instructions (default: today); its year goes into the IDs.
    rows
        How many rows carry drop-downs and formats on each data sheet.
    prefilled_rows
        How many Activities rows are pre-filled when ``implementor`` is given.
    """
    generated = generated or dt.date.today()
    name, prefix, prefill = template_prefill(ref, implementor, generated.year, prefilled_rows)
    wb = openpyxl.Workbook()
    _instructions(wb, ref, name, prefix, period, generated)
    for spec in SHEETS:
        _data_sheet(wb, spec, rows, prefill if spec is ACTIVITIES else {})
    _write_lists(wb, Lists.from_reference(ref), ref)
    wb.properties.title = "Cybersecurity capacity building: submission workbook"
    wb.properties.creator = f"cyber_mapping {__version__}"
    wb.active = 1  # open on Activities
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path)
    return path


def write_all_templates(
    folder: Path, ref: Reference, *, period: tuple[int, int] = DEFAULT_PERIOD
) -> list[Path]:
    """A blank template and one per office (``submission_template_<prefix>.xlsx``)."""
    folder = Path(folder)
    paths = [write_template(folder / "submission_template.xlsx", ref, period=period)]
    for office in ref.offices.itertuples(index=False):
        target = folder / f"submission_template_{office.id_prefix}.xlsx"
        paths.append(write_template(target, ref, implementor=office.implementor, period=period))
    return paths


# ----------------------------------------------------------------------------- feedback

_ISSUE_HEADERS = ["Severity", "Sheet", "Row", "Column", "Value", "Message", "Go to"]


def feedback_name(workbook: str) -> str:
    """File name of the feedback copy of ``workbook`` (always ``.xlsx``: no macros)."""
    return f"{Path(workbook).stem}_feedback.xlsx"


def _sorted_issues(issues: pd.DataFrame) -> pd.DataFrame:
    order = {ERROR: 0, WARNING: 1}
    out = issues.assign(_sev=issues["severity"].map(order).fillna(2))
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
        notes.setdefault((ws.title, coord), []).append((str(rec["severity"]), text))
        where[idx] = f"{quote_sheetname(ws.title)}!{coord}"
    for (title, coord), found in notes.items():
        cell = wb[title][coord]
        worst = ERROR if any(sev == ERROR for sev, _ in found) else WARNING
        cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
        body = "\n".join(f"{sev.upper()}: {msg}" for sev, msg in found)
        cell.comment = _comment(body)
    return where


def _issues_sheet(wb: openpyxl.Workbook, issues: pd.DataFrame, where: dict[int, str]) -> None:
    title = "Issues"
    while title in wb.sheetnames:  # the office's own 'Issues' sheet stays as it was
        title = f"{title} (cyber_mapping)" if "(" not in title else title + "+"
    ws = wb.create_sheet(title, 0)
    style_header(ws, _ISSUE_HEADERS)
    widths = [10, 14, 7, 24, 30, 90, 16]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    if issues.empty:
        put_text(ws, 2, 1, "none")
        put_text(ws, 2, 6, "No problems found: the workbook follows the contract.")
    for i, (idx, rec) in enumerate(issues.iterrows(), start=2):
        row = pd.to_numeric(rec["row"], errors="coerce")
        values = [
            rec["severity"],
            rec["sheet"] or "(file)",
            None if pd.isna(row) else int(row),
            rec["column"] or "",
            rec["value"] or "",
            rec["message"],
        ]
        for j, value in enumerate(values, start=1):
            cell = put_text(ws, i, j, value)
            cell.alignment = WRAP
        ws.cell(row=i, column=1).fill = ERROR_FILL if rec["severity"] == ERROR else WARNING_FILL
        if idx in where:
            link = put_text(ws, i, 7, "go to cell")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=where[idx])
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(2, len(issues) + 1)}"
    ws.page_setup.orientation = "landscape"
    _fit_width(ws)
    wb.active = 0
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws


def write_feedback(result: Validated, out_dir: Path, raw_dir: Path | None = None) -> list[Path]:
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
        if wb is None:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        else:
            where = _annotate(wb, mine)
        _issues_sheet(wb, mine, where)
        wb.properties.title = f"Feedback on {info.name}"
        save_atomic(wb, target)
        written.append(target)
    return written


# ----------------------------------------------------------------------------- annex


def write_table_workbook(path: Path, sheets: dict[str, pd.DataFrame], about: list[str]) -> Path:
    """Write tables for people: one sheet each, header frozen, filters, wrapped text.

    ``about`` lines go on a first sheet ``About`` (title, units, source, as-of). Text is
    written as :func:`put_text` writes it, so nothing from a submission can run as a
    formula. The workbook is streamed (openpyxl's write-only mode): the annex of a
    200,000-row product took minutes cell by cell.
    """
    wb = openpyxl.Workbook(write_only=True)
    info = wb.create_sheet("About")
    info.column_dimensions["A"].width = 120
    for i, line in enumerate(about, start=1):
        cell = _streamed_cell(info, line)
        cell.alignment = WRAP
        cell.font = BOLD if i == 1 else Font()
        info.append([cell])
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        headers = [str(c) for c in frame.columns]
        # Widths, panes, filters and page set-up go before the rows in a streamed sheet.
        for j, header in enumerate(headers, start=1):
            longest = max([len(header), *(len(str(v)) for v in frame.iloc[:, j - 1])], default=10)
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(12, longest + 2))
        ws.freeze_panes = "A2"
        last = get_column_letter(max(1, len(headers)))
        ws.auto_filter.ref = f"A1:{last}{max(2, len(frame) + 1)}"
        ws.page_setup.orientation = "landscape"
        _fit_width(ws)
        ws.row_dimensions[1].height = 32
        head = []
        for text in headers:
            cell = _streamed_cell(ws, text)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            head.append(cell)
        ws.append(head)
        # One style for every body cell, copied (assigning it per cell is the slow part).
        style = _streamed_cell(ws, None)
        style.alignment = WRAP
        for row in frame.itertuples(index=False):
            cells = [_streamed_cell(ws, value, style._style) for value in row]
            ws.append(cells)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path)
    return path


def _streamed_cell(ws: object, value: object, style: object = None) -> WriteOnlyCell:
    """A cell of a write-only sheet holding ``value`` as :func:`put_text` would write it.

    ``style``: a cell's style array to copy (much faster than assigning styles).
    """
    empty = value is None or (isinstance(value, float) and value != value) or value is pd.NA
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    cell = WriteOnlyCell(ws) if empty else WriteOnlyCell(ws, value)
    if style is not None:
        cell._style = copy.copy(style)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
