"""Write the Excel workbooks people open: the submission template and the feedback copies.

Everything here writes ``.xlsx`` files without macros. Text that came from a submission is
stored as a text cell (never a formula) with Excel's quote prefix, so a value such as
``=HYPERLINK(...)`` is shown, not run.
"""

from __future__ import annotations

import datetime as dt
import logging
import textwrap
import warnings
import zipfile
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from cyber_mapping import __version__
from cyber_mapping.contract import (
    ACTIVITIES,
    CONTRACT_VERSION,
    ERROR,
    EXPENDITURE,
    LEVELS,
    RESULTS,
    SUBMISSION_SHEETS,
    WARNING,
    Sheet,
    fold_header,
)
from cyber_mapping.exceptions import CyberMappingError, ExportError
from cyber_mapping.intake import lookups
from cyber_mapping.intake.validation import DEFAULT_PERIOD, Validated
from cyber_mapping.product import FORMULA_START
from cyber_mapping.reference import GLOBAL, Reference, normalise_key

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
# Version 1's single output row (the first result as an Outputs row), for older callers.
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
                "Clauses": list(ref.clauses["clause_ref"]),
                "Indicators": list(ref.indicators["name"]),
                "Levels": list(LEVELS),
                "Units": sorted(set(ref.indicators["unit"]), key=normalise_key),
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
    ("activities", "clauses"): ("Clauses", False),
    ("activities", "lead_implementor"): ("Implementors", True),
    ("results", "level"): ("Levels", True),
    ("results", "indicator"): ("Indicators", False),
    ("results", "unit"): ("Units", False),
    ("results", "country"): ("Countries", False),
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
    "Clauses": "Clause (resolution/section/topic)",
    "Indicators": "Indicator",
    "Levels": "Level",
    "Units": "Unit",
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
    # What each clause says (the catalogue's summary, in the package's words) and each
    # indicator's level and unit, beside their lists.
    for title, key, values in (
        (
            "Clause summary (package's words; check the official text)",
            "Clauses",
            dict(zip(ref.clauses["clause_ref"], ref.clauses["summary"], strict=True)),
        ),
        (
            "Indicator level, unit, adds up across activities",
            "Indicators",
            {
                r.name: f"{r.level}; {r.unit}; "
                + ("adds up" if r.additive == "yes" else "does not add up")
                for r in ref.indicators.itertuples(index=False)
            },
        ),
    ):
        j += 1
        put_text(ws, 1, j, title).font = BOLD
        for i, value in enumerate(lists.values[key], start=2):
            put_text(ws, i, j, values.get(value, ""))
        ws.column_dimensions[get_column_letter(j)].width = 60
    ws.freeze_panes = "A2"
    # Protected without a password: it stops accidental edits; BDT can unprotect it
    # (Review > Unprotect Sheet) and should rather regenerate the template.
    ws.protection.sheet = True


def _data_sheet(
    wb: openpyxl.Workbook,
    spec: Sheet,
    rows: int,
    prefill: dict[str, list[str]],
    dropdowns: bool = True,
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
        if key in _DROPDOWNS and dropdowns:
            list_name, strict = _DROPDOWNS[key]
            _add_list_validation(ws, letter, last, col.header, col.hint, list_name, strict)
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
        "3. Optionally, measured results (participants trained, CIRTs set up) on 'Results': "
        "one row per indicator, country and group, with its target and what was achieved.",
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
    line("Clauses, lead implementor and joint work", bold=True, size=12)
    for text in V2_COLUMN_NOTES:
        line(text)
    row += 1
    line("Results", bold=True, size=12)
    for text in V2_RESULT_NOTES:
        line(text)
    row += 1
    line("Worked example", bold=True, size=12)
    for spec, records in (
        (ACTIVITIES, [EXAMPLE_ACTIVITY]),
        (EXPENDITURE, EXAMPLE_EXPENDITURE),
        (RESULTS, EXAMPLE_RESULTS),
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
    for spec in SUBMISSION_SHEETS:
        for col in spec.columns:
            line(spec.title, col.header, "yes" if col.required else "no", col.hint)
    line(
        "A workbook of contract version 1 with an 'Outputs' sheet (Value column) is still "
        "read: Outputs as Results, Value as Achieved."
    )
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


_V2_COLUMNS = ("clauses", "lead_implementor", "joint_with")
_V2_LISTS_SHEET = "Lists (contract 2)"
_V2_NOTES_SHEET = "New in contract 2"


def _add_list_validation(
    ws: Worksheet, letter: str, last: int, header: str, hint: str, ref_text: str, strict: bool
) -> None:
    """A drop-down from ``ref_text`` on rows 2..``last`` of a column (template and feedback).

    ``strict`` lists refuse other input; the others accept several values typed by hand.
    """
    dv = DataValidation(
        type="list",
        formula1=ref_text,
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle=f"Not a valid {header.lower()}" if strict else None,
        error="Choose a value from the drop-down list." if strict else None,
        showInputMessage=True,
        promptTitle=header[:32],
        prompt=(hint if strict else hint + ". Pick one, or type several.")[:255],
    )
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)


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
            cell.comment = _comment(f"Optional (contract 2). {col.hint}.", width=300)
            letter = get_column_letter(j)
            acts.column_dimensions[letter].width = _WIDTHS.get(col.name, 16)
            if ("activities", col.name) in _DROPDOWNS:
                name, strict = _DROPDOWNS[("activities", col.name)]
                wanted[name] = lists[name]
                plan.append((acts, letter, last, col.header, col.hint, name, strict))
            added.append(f"Activities column '{col.header}'")
            j += 1
    if fold_header(RESULTS.title) not in sheets and "outputs" not in sheets:
        ws = _data_sheet(wb, RESULTS, rows, {}, dropdowns=False)
        for j, col in enumerate(RESULTS.columns, start=1):
            if ("results", col.name) in _DROPDOWNS:
                name, strict = _DROPDOWNS[("results", col.name)]
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
            put_text(ws, 1, j, _LIST_TITLES[name]).font = BOLD
            for i, value in enumerate(values, start=2):
                put_text(ws, i, j, value)
            letter = get_column_letter(j)
            where[name] = (
                f"{quote_sheetname(_V2_LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            )
            ws.column_dimensions[letter].width = 36
        ws.protection.sheet = True
    for ws, letter, last, header, hint, name, strict in plan:
        _add_list_validation(ws, letter, last, header, hint, where[name], strict)
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
    _fit_width(ws)


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
    _fit_width(ws)


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
    from cyber_mapping.intake.clauses import clause_suggestions
    from cyber_mapping.reference import load_reference

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
        if wb is None:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        else:
            where = _annotate(wb, mine)
            offer_version_2(wb, ref)
        _issues_sheet(wb, mine, where)
        if not hints.empty and info.status == "read":
            own = hints[hints["workbook"] == info.name].sort_values(["row", "clause_ref"])
            if not own.empty:
                _suggestions_sheet(wb, own)
        wb.properties.title = f"Feedback on {info.name}"
        save_atomic(wb, target)
        written.append(target)
    return written


# ----------------------------------------------------------------------------- annex


def _annex_value(value: object) -> object:
    """What :func:`put_text` would store for ``value``: ``None`` for an empty cell.

    Missing values (``None``, NaN, ``pd.NA``) leave the cell empty; a pandas timestamp
    becomes a ``datetime``, which spreadsheets store as a date.
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _stream_cell(ws: Any, value: object, style: Any = None) -> object:
    """One cell of a write-only sheet, with the same formula-safe rule as :func:`put_text`.

    Plain values are passed as they are (openpyxl makes the cell); a styled cell or text
    that looks like a formula becomes a ``WriteOnlyCell``: such text is stored as a string
    with Excel's quote prefix, shown as typed and never evaluated. ``style`` is a cell
    whose style (number format, alignment) is copied: copying one style array is much
    cheaper than setting the format on every cell of a 200,000-row sheet.
    """
    value = _annex_value(value)
    inert = isinstance(value, str) and value.startswith(FORMULA_START)
    if style is None and not inert:
        return value
    cell = WriteOnlyCell(ws, value)
    if style is not None:
        cell._style = copy(style._style)
    if inert:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _stream_header(ws: Any, headers: list[str]) -> None:
    """The header row of a write-only sheet, styled as :func:`style_header` does."""
    ws.row_dimensions[1].height = 32
    row = []
    for text in headers:
        cell = _stream_cell(ws, text)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, cell)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        row.append(cell)
    ws.append(row)


# About-sheet layout: columns A:C, 16 + 30 + 80 characters wide. Write-only sheets cannot
# merge cells, so each about line is cut at word boundaries into rows of at most this many
# characters, written unwrapped in column A: the text runs on over the empty B and C (on
# screen and in print, which covers A:C) and each row needs only one line's height.
_ABOUT_WIDTHS = (16, 30, 80)
_ABOUT_CHARS = 110


def write_table_workbook(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    about: list[str],
    columns: dict[str, dict[str, str]] | None = None,
    doc_title: str | None = None,
) -> Path:
    """Write tables for people and for pivoting: one sheet each, as Excel tables.

    ``about`` lines go on a first sheet ``About`` (title, units, source, as-of), followed by
    a list of every column of every sheet with what it holds (``columns``: sheet -> column
    -> meaning). Numeric columns are written as numbers (money ``#,##0``, years ``0``),
    dates as dates, text with the rule of :func:`put_text`, so nothing from a submission
    can run as a formula. Each sheet is an Excel table object (banded, with filters), its
    header row frozen and repeated on every printed page; everything prints on A4, one
    page wide.
    ``doc_title``, when given, is the workbook's document title (its properties).

    The workbook is streamed (openpyxl's write-only mode): rows go to the file as they are
    made instead of living as cell objects in memory, which makes the annex of a
    200,000-row product several times faster (see the README's performance paragraph).
    Each about line is cut into rows of at most 110 characters (no merged cells in this
    mode). The file is written under a temporary name and renamed into place.
    """
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    wb = openpyxl.Workbook(write_only=True)
    info = wb.create_sheet("About")
    for letter, width in zip("ABC", _ABOUT_WIDTHS, strict=True):
        info.column_dimensions[letter].width = width
    info.page_setup.orientation = "portrait"
    _fit_width(info)
    row = 0
    for number, line in enumerate(about, start=1):
        font = BOLD if number == 1 else Font()
        for part in textwrap.wrap(line, _ABOUT_CHARS, break_on_hyphens=False) or [""]:
            row += 1
            cell = _stream_cell(info, part)
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(info, cell)
            cell.font = font
            info.row_dimensions[row].height = 15
            info.append([cell])
    if columns:
        info.append([])
        info.append([])
        row += 2
        head = []
        for header in ("Sheet", "Column", "What it holds"):
            cell = WriteOnlyCell(info, header)
            cell.font, cell.fill = BOLD, HEADER_FILL
            head.append(cell)
        info.append(head)
        row += 1
        wrapped = WriteOnlyCell(info)
        wrapped.alignment = WRAP
        for sheet, described in columns.items():
            for column, meaning in described.items():
                row += 1
                # Spreadsheets do not grow rows for wrapped text written by a program: set
                # the height (before the row is written), or long lines print over the
                # next row.
                lines = max(-(-len(column) // 28), -(-len(meaning) // 85), 1)
                info.row_dimensions[row].height = 15 * lines
                info.append([_stream_cell(info, v, wrapped) for v in (sheet, column, meaning)])
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        headers = [str(c) for c in frame.columns]
        kinds = []
        for c in frame.columns:
            series = frame[c]
            if pd.api.types.is_integer_dtype(series):
                kinds.append("0")
            elif pd.api.types.is_float_dtype(series):
                kinds.append("#,##0")
            elif series.map(lambda v: isinstance(v, pd.Timestamp | dt.date)).any():
                kinds.append("d mmmm yyyy")
            else:
                kinds.append("")
        # Only columns with long text wrap (as before streaming: a wrapped cell is a
        # styled cell, and styling costs time on the by-year sheet's many cells).
        wrap = [
            not kind and bool(frame[c].astype(str).str.len().gt(40).any())
            for c, kind in zip(frame.columns, kinds, strict=True)
        ]
        # Column widths, panes and print settings must be set before the first row is
        # written: a write-only sheet writes its head when the first row arrives.
        for j, (header, kind) in enumerate(zip(headers, kinds, strict=True), start=1):
            if kind:
                width = max(12, min(len(header) + 2, 16))
            else:
                longest = max(
                    [len(header), *(len(str(v)) for v in frame.iloc[:, j - 1])], default=10
                )
                width = min(50, max(12, longest + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        _fit_width(ws)
        # One template cell per column: its style is copied to each data cell; None for
        # a plain column, whose cells carry no style (as in put_text).
        styles: list[Cell | None] = []
        for kind, wraps in zip(kinds, wrap, strict=True):
            if kind:
                template = WriteOnlyCell(ws)
                template.number_format = kind
            elif wraps:
                template = WriteOnlyCell(ws)
                template.alignment = WRAP
            else:
                template = None
            styles.append(template)
        _stream_header(ws, headers)
        for values in frame.itertuples(index=False):
            ws.append([_stream_cell(ws, v, s) for v, s in zip(values, styles, strict=True)])
        last = get_column_letter(max(1, len(headers)))
        name = "".join(ch for ch in title if ch.isalnum()) or "Table"
        table = Table(displayName=name, ref=f"A1:{last}{max(2, len(frame) + 1)}")
        # A write-only sheet cannot read its header row back when saving: name the table's
        # columns here, exactly as the header cells (Excel repairs a table whose column
        # names differ from its header cells), and give it its filter buttons (normal
        # mode adds them when it reads the header row).
        table.tableColumns = [
            TableColumn(id=j, name=header) for j, header in enumerate(headers, start=1)
        ]
        table.autoFilter = AutoFilter(ref=table.ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        with warnings.catch_warnings():
            # openpyxl warns on every write-only table to name its columns: done above.
            warnings.filterwarnings("ignore", message="In write-only mode you must add table")
            ws.add_table(table)
    if doc_title is not None:
        wb.properties.title = doc_title
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, path)
    return path


# ----------------------------------------------------------------------------- analysts' exports

EXPORT_DIR_NAME = "explore"
# Written into the workbook's properties, so that a later export replaces only files that
# an export wrote (never a file someone else put there).
EXPORT_MARK = "cyber_mapping export"


def export_name(name: str) -> str:
    """A file-safe stem for ``name``: letters, digits, ``-`` and ``_``; spaces become ``_``."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.strip())
    stem = "_".join(part for part in stem.split("_") if part)
    if not stem:
        raise ExportError(f"cannot make a file name from {name!r}; give letters or digits.")
    return stem


def export_table(
    frame: pd.DataFrame,
    name: str,
    folder: Path | str | None = None,
    *,
    product: object | None = None,
) -> Path:
    """Write one table to ``<folder>/<name>.xlsx`` for an analyst, and return the path.

    Parameters
    ----------
    frame
        Any table (a named index, as :func:`cyber_mapping.analysis.spend.year_table` returns, is
        written as the first column).
    name
        The table's name: the file's stem (made file-safe) and its sheet's title.
    folder
        Where to write; ``None`` or ``""`` means ``reports/explore/``, a folder the package
        owns (``make clean`` empties it).
    product
        The data product the table comes from (:func:`cyber_mapping.product.load`); when
        given, the ``About`` sheet names its folder, build date and as-of date.

    The workbook has a first sheet ``About`` (title, units, source, as-of date) and the
    table as an Excel table (see :func:`write_table_workbook`). It is written to a temporary
    name in the same folder and renamed into place, so a reader never sees half a file.

    Raises
    ------
    ExportError
        When ``folder`` is inside ``data/raw/`` (the offices' submissions are read-only), or
        when a file of that name exists that no export wrote.
    """
    from cyber_mapping.paths import RAW_DIR, REPORTS_DIR, TEMPLATES_DIR
    from cyber_mapping.reference import read_yaml

    target_dir = Path(folder) if folder else REPORTS_DIR / EXPORT_DIR_NAME
    resolved = target_dir.resolve()
    if resolved == RAW_DIR.resolve() or RAW_DIR.resolve() in resolved.parents:
        raise ExportError(
            f"not exporting into {target_dir}: data/raw/ holds the offices' submissions and "
            "is read-only. Leave the folder empty (reports/explore/) or choose another one."
        )
    stem = export_name(name)
    path = target_dir / f"{stem}.xlsx"
    if path.exists() and not _exported_by_us(path):
        raise ExportError(
            f"{path} exists and was not written by an export; not replacing it. "
            "Choose another name or folder, or move that file."
        )
    t = read_yaml(TEMPLATES_DIR / "text_en.yaml")
    about = [t["export_title"].format(name=name), t["export_units"]]
    if product is not None:
        from cyber_mapping.analysis.change import product_as_of

        manifest = getattr(product, "manifest", {}) or {}
        as_of = product_as_of(product)  # type: ignore[arg-type]
        about.append(
            t["export_source"].format(
                folder=getattr(product, "directory", ""),
                built=str(manifest.get("built_at", ""))[:10],
                as_of=as_of.isoformat() if as_of else "",
            )
        )
    # A named index (a pivot's rows) is data; an unnamed one is only row numbers.
    named = any(n is not None for n in frame.index.names)
    table = frame.reset_index() if named else frame.reset_index(drop=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = target_dir / f".{stem}.xlsx.tmp"
    try:
        write_table_workbook(staging, {stem[:31]: table}, about, doc_title=EXPORT_MARK)
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def _exported_by_us(path: Path) -> bool:
    """Whether ``path`` is a workbook that :func:`export_table` wrote (its title says so)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException):
        return False  # not a workbook we could have written: never replace it
    try:
        return wb.properties.title == EXPORT_MARK
    finally:
        wb.close()
