"""The submission template: instructions, the data sheets with formats and drop-downs, the lists.

The template is written as ``.xlsx`` without macros, from the contract (``contract.py``) and
the reference data, so it is current whenever it is generated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cyber_mapping import __version__
from cyber_mapping.contract import (
    ACTIVITIES,
    CONTRACT_VERSION,
    DEFAULT_PERIOD,
    EXPENDITURE,
    RESULTS,
    SUBMISSION_SHEETS,
    Sheet,
)
from cyber_mapping.excel.cells import (
    WRAP,
    add_list_validation,
    cell_comment,
    fit_width,
    put_text,
    save_atomic,
    style_header,
)
from cyber_mapping.excel.lists import DROPDOWNS, Lists, write_lists_sheet
from cyber_mapping.exceptions import CyberMappingError
from cyber_mapping.intake import lookups
from cyber_mapping.reference import Reference

# Column widths (characters) by package column name; anything else gets 16.
COLUMN_WIDTHS = {
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
    "clauses": 40,
    "lead_implementor": 30,
    "joint_with": 22,
    "level": 11,
    "baseline": 11,
    "target": 11,
    "achieved": 11,
    "source": 30,
}
_DATE_COLUMNS = {"start_date", "end_date", "as_of"}
_TEXT_COLUMNS = {"activity_id", "period", "resolution_shares", "country_shares", "currency"}

# The worked example, in the contract's headers. The round-trip test fills a template with
# exactly these rows and expects validation to find nothing, so the example stays valid
# (its revision is the one in force on its start date, 15 March 2021).
EXAMPLE_ACTIVITY = {
    "Activity ID": "RO-AFR-2021-003",
    "Resolution references": "PP-130; WTDC Resolution 69 (Rev. Buenos Aires, 2017)",
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
    "Clauses": "PP-130/instructs-BDT/CIRTs; WTDC-69/instructs-BDT/establish",
    "Lead implementor": "Regional Office for Africa",
    # BDT (HQ) reports its own part of this joint activity under HQ-2021-014 in its
    # workbook; each side names the other (one side is enough: links are made symmetric).
    "Joint with": "HQ-2021-014",
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
EXAMPLE_RESULTS = [
    {
        "Activity ID": "RO-AFR-2021-003",
        "Level": "Output",
        "Indicator": "Participants trained",
        "Target": 40,
        "Achieved": 45,
        "Unit": "people",
        "Country": "Kenya",
        "Group": "Ministry of ICT",
        "As of": "11 2021",
        "Source": "attendance list",
    },
    {
        "Activity ID": "RO-AFR-2021-003",
        "Level": "Output",
        "Indicator": "Women trained",
        "Achieved": 12,
        "Unit": "people",
        "Country": "Kenya",
        "Group": "women",
        "As of": "11 2021",
        "Source": "attendance list",
    },
    {
        "Activity ID": "RO-AFR-2021-003",
        "Level": "Outcome",
        "Indicator": "National CIRTs established or strengthened",
        "Baseline": 0,
        "Target": 2,
        "Achieved": 1,
        "Unit": "CIRTs",
        "Country": "Kenya",
        "As of": "11 2021",
        "Source": "government decree establishing the CIRT",
    },
]


def data_sheet(
    wb: openpyxl.Workbook,
    spec: Sheet,
    rows: int,
    prefill: dict[str, list[str]],
    dropdowns: bool = True,
) -> Worksheet:
    """A data sheet of ``spec``: styled headers with hints, formats and checks on ``rows`` rows.

    ``prefill`` gives values per column name from row 2; ``dropdowns=False`` leaves the list
    columns without their drop-down (the feedback copy adds its own).
    """
    ws = wb.create_sheet(spec.title)
    style_header(ws, [c.header for c in spec.columns], [c.required for c in spec.columns])
    last = rows + 1
    for j, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(row=1, column=j)
        need = "Required" if col.required else "Optional"
        head.comment = cell_comment(f"{need}. {col.hint}.".replace("..", "."), width=300)
        ws.column_dimensions[letter].width = COLUMN_WIDTHS.get(col.name, 16)
        fmt = None
        if col.name in _DATE_COLUMNS and col.name != "as_of":
            fmt = "yyyy-mm-dd"
        elif col.name == "amount":
            fmt = "#,##0.00"
        elif col.name in {"value", "baseline", "target", "achieved"}:
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
        if key in DROPDOWNS and dropdowns:
            list_name, strict = DROPDOWNS[key]
            add_list_validation(ws, letter, last, col.header, col.hint, list_name, strict)
        elif col.name in {"amount", "value", "baseline", "target", "achieved"}:
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


# What version 2 of the contract adds, for the template's and the feedback's instructions.
V2_COLUMN_NOTES = (
    "Clauses: the clause(s) of the cited resolutions that the activity implements, from "
    "the drop-down (e.g. 'PP-130/instructs-BDT/CIRTs'); several separated by ';'. Each "
    "must belong to a resolution in 'Resolution references'. The lists sheet gives each "
    "clause's summary. Clause coverage in the reports counts only these: an activity "
    "without them is 'clause not stated'.",
    "Each activity is attributed to the revision of each resolution in force on its "
    "start date (e.g. PP-130 Rev. Dubai, 2018 for work started in March 2021).",
    "Lead implementor: the office leading the activity, one of 'Implementor(s)'; empty "
    "means the first one listed.",
    "Joint with: when two offices each report their own part of one joint activity (e.g. "
    "BDT HQ and a Regional Office for the same CyberDrill), write in each row the other "
    "part's Activity ID (one side is enough). Activities of different workbooks with "
    "near-identical titles, overlapping dates and a beneficiary in common that are not "
    "linked this way are flagged as possible double reporting.",
)
V2_RESULT_NOTES = (
    "Level: Output (what the activity delivered: people trained, assessments done) or "
    "Outcome (what changed: a CIRT operational, a strategy adopted); empty means the "
    "indicator's own level.",
    "Indicator: from the drop-down (the lists sheet gives each one's unit and whether "
    "values add up across activities). Other text is kept but grouped as 'other'.",
    "Baseline, Target, Achieved: numbers of 0 or more. A planned activity has a Target "
    "only; a completed one has what was Achieved. Unit must be the indicator's unit.",
    "Country and Group break a figure down (e.g. one row for women, one for men); "
    "Source says how it can be checked (attendance list, government gazette).",
)


# Columns A:D of the instructions; a sentence spans all four (142 characters).
_INSTRUCTION_WIDTHS = (26, 24, 12, 80)
HOW_TO_FILL_IN = (
    "1. One row per activity on 'Activities', from WTDC-17 onwards, including planned work.",
    "2. One row per activity, funder, period, cost type and basis on 'Expenditure'.",
    "3. Optionally, measured results (participants trained, CIRTs set up) on 'Results': "
    "one row per indicator, country and group, with its target and what was achieved.",
    "4. Dark blue headers are required; a comment on each header says what to write.",
    "5. Use the drop-down lists where a column has one; they come from the 'Lists' sheet.",
    "6. Do not rename sheets or headers. Extra columns are ignored with a warning.",
    "7. Send the workbook as .xlsx. You receive a feedback copy with every problem "
    "highlighted and explained in a cell comment, and an 'Issues' sheet listing them.",
)
SEVERAL_IN_ONE_CELL = (
    "Separate them with ';' or a line break (Alt+Enter), e.g. 'Kenya; Uganda' or "
    "'PP-130; WTDC-45'.",
    "A regional activity with no country list: 'Region: Africa' (or another ITU region). "
    "A worldwide activity: 'Global'.",
    "Spend is split equally unless you give shares in percent, in the same order, that "
    "sum to 100: 'Resolution shares (%)' = '60; 40'.",
    "Resolutions may be written as in ITU documents ('PP Res. 130 (Rev. Bucharest, "
    "2022)', 'WTDC Resolution 45') or by id ('PP-130'); the list offers the ids.",
)


def _expenditure_notes(period: tuple[int, int]) -> tuple[str, ...]:
    """What to write in each Expenditure column, for the mapping ``period``."""
    first, last = period
    return (
        "Funder: 'ITU regular budget' or the voluntary contributor (a country or "
        "organisation, e.g. 'United Kingdom', 'European Union').",
        f"Period: an accounting year (2021) or a span (2019-2022), within {first}-{last}. "
        "A span is spread over its years by the days the activity ran in each year.",
        "Cost type: Staff or Non-staff. Basis: Actual for spend incurred (completed work), "
        "Estimated for ongoing or planned work.",
        "Amount: a number of 0 or more, in the currency of the Currency column (empty means "
        "CHF). It is converted to CHF at the package's rate for the period's year.",
    )


@dataclass
class _Page:
    """The instructions sheet, written a line at a time from the top."""

    ws: Worksheet
    row: int = 1

    def line(self, *cells: object, bold: bool = False, size: int | None = None) -> None:
        """One line: a sentence across A:D, or one value per column."""
        ws, row = self.ws, self.row
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
                width = _INSTRUCTION_WIDTHS[j - 1]
                lines = max(lines, len(str(value)) // max(1, width - 2) + 1)
        ws.row_dimensions[row].height = max(15 * lines, 18 if size else 15) + (4 if size else 0)
        self.row += 1

    def section(self, heading: str, texts: Iterable[str] = ()) -> None:
        """A blank line, a heading, then one sentence a line."""
        self.row += 1
        self.line(heading, bold=True, size=12)
        for text in texts:
            self.line(text)


def _instructions(
    wb: openpyxl.Workbook,
    ref: Reference,
    implementor: str | None,
    prefix: str | None,
    period: tuple[int, int],
    generated: dt.date,
) -> None:
    """The first sheet: what the workbook is for and, section by section, how to fill it in."""
    ws = wb.active
    ws.title = "Instructions"
    for letter, width in zip("ABCD", _INSTRUCTION_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    page = _Page(ws)
    _title(page, ref, implementor, prefix, period, generated)
    page.section("How to fill it in", HOW_TO_FILL_IN)
    page.section("Several countries, resolutions or implementors in one cell", SEVERAL_IN_ONE_CELL)
    page.section("Expenditure", _expenditure_notes(period))
    page.section("Clauses, lead implementor and joint work", V2_COLUMN_NOTES)
    page.section("Results", V2_RESULT_NOTES)
    _worked_example(page)
    _column_list(page)
    fit_width(ws)


def _title(
    page: _Page,
    ref: Reference,
    implementor: str | None,
    prefix: str | None,
    period: tuple[int, int],
    generated: dt.date,
) -> None:
    """The title, the period, what generated the workbook and, if any, the office it is for."""
    first, last = period
    page.line("Cybersecurity capacity building: submission workbook", bold=True, size=14)
    page.line(
        f"For the mapping of BDT activities to ITU Resolutions, WTDC-{first % 100:02d} to "
        f"WTDC-{last % 100:02d} ({first}-{last})."
    )
    page.line(
        f"Generated {generated:%d %B %Y} by cyber_mapping {__version__}; workbook contract "
        f"{CONTRACT_VERSION}; reference data {ref.version()}."
    )
    if implementor:
        page.line(
            f"Prepared for {implementor}: the Implementor(s) column is filled in and Activity "
            f"IDs are suggested ({prefix}-{generated.year}-001, ...). Rows you leave with only "
            "those two cells are ignored when the workbook is read."
        )


def _worked_example(page: _Page) -> None:
    """The example rows, one line per filled cell: header, value, row, what to write."""
    page.section("Worked example")
    for spec, records in (
        (ACTIVITIES, [EXAMPLE_ACTIVITY]),
        (EXPENDITURE, EXAMPLE_EXPENDITURE),
        (RESULTS, EXAMPLE_RESULTS),
    ):
        page.line(f"Sheet '{spec.title}'", bold=True)
        for n, record in enumerate(records, start=1):
            for col in spec.columns:
                value = record.get(col.header, "")
                if isinstance(value, dt.datetime):
                    value = f"{value:%Y-%m-%d}"
                if value == "":
                    continue
                label = f"row {n + 1}" if len(records) > 1 else ""
                page.line(col.header, str(value), label, col.hint)


def _column_list(page: _Page) -> None:
    """Every column of every sheet: whether it is required and what to write in it."""
    page.section("The columns")
    page.line("Sheet", "Column", "Required", "What to write", bold=True)
    for spec in SUBMISSION_SHEETS:
        for col in spec.columns:
            page.line(spec.title, col.header, "yes" if col.required else "no", col.hint)
    page.line(
        "A workbook of contract version 1 with an 'Outputs' sheet (Value column) is still "
        "read: Outputs as Results, Value as Achieved."
    )


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
    match = lookups.match_implementor(implementor, ref)
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
    for spec in SUBMISSION_SHEETS:
        data_sheet(wb, spec, rows, prefill if spec is ACTIVITIES else {})
    write_lists_sheet(wb, Lists.from_reference(ref), ref)
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
