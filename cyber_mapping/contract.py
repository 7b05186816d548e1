"""The submission-workbook contract as code: sheets, headers and which are required.

``docs/workbook-contract.md`` is the human-readable copy; ``tests/test_contract.py`` checks
that both name the same sheets, columns and themes.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRACT_VERSION = "1.0"
DEFAULT_PERIOD = (2017, 2025)  # the mapping period: WTDC-17 to WTDC-25


@dataclass(frozen=True)
class Column:
    """One contract column: its header in the workbook and its name in the package."""

    header: str
    name: str
    required: bool
    hint: str


@dataclass(frozen=True)
class Sheet:
    """One contract sheet."""

    title: str
    key: str
    required: bool
    columns: tuple[Column, ...]

    def by_header(self) -> dict[str, Column]:
        """Columns keyed by folded header."""
        return {fold_header(c.header): c for c in self.columns}


def fold_header(text: object) -> str:
    """Fold a sheet name or header: any case, surrounding and repeated (non-breaking) spaces."""
    return " ".join(str(text).replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()


ACTIVITIES = Sheet(
    "Activities",
    "activities",
    True,
    (
        Column("Activity ID", "activity_id", True, "Unique ID, e.g. RO-AFR-2021-003"),
        Column(
            "Resolution references",
            "resolution_refs",
            True,
            "One or more, separated by ';', e.g. PP-130; WTDC Resolution 45 (Rev. Kigali, 2022)",
        ),
        Column(
            "Resolution shares (%)",
            "resolution_shares",
            False,
            "Optional split of spend across the references, same order, e.g. 50; 50",
        ),
        Column("Clause quoted", "clause_quoted", False, "The clause(s) of the resolution quoted"),
        Column("Activity theme", "theme", True, "One theme from the drop-down list"),
        Column("Activity", "title", True, "Short title of the activity"),
        Column("Description", "description", False, "Free text"),
        Column(
            "Beneficiary countries",
            "beneficiaries",
            True,
            "Countries separated by ';', or 'Region: <ITU region>', or 'Global'",
        ),
        Column(
            "Country shares (%)",
            "country_shares",
            False,
            "Optional split across the countries, same order; must sum to 100",
        ),
        Column(
            "Implementor(s)",
            "implementors",
            True,
            "BDT (HQ), a Regional Office or an Area Office; several separated by ';'",
        ),
        Column("Partners", "partners", False, "External co-implementers"),
        Column("Status", "status", True, "Completed, Ongoing or Planned"),
        Column("Start date", "start_date", True, "A date, e.g. 2021-03-15 or 15/03/2021"),
        Column("End date", "end_date", False, "A date on or after the start date"),
        Column("Main outputs", "outputs_text", False, "e.g. As of 06 2023, 45 participants…"),
        Column("Envisaged outcomes", "outcomes_text", False, "Free text"),
    ),
)

EXPENDITURE = Sheet(
    "Expenditure",
    "expenditure",
    True,
    (
        Column("Activity ID", "activity_id", True, "Must exist on the Activities sheet"),
        Column(
            "Funder", "funder", True, "e.g. ITU regular budget, United Kingdom, European Union"
        ),
        Column("Period", "period", True, "An accounting year (2021) or a span (2019-2022)"),
        Column("Cost type", "cost_type", True, "Staff or Non-staff"),
        Column("Basis", "basis", True, "Actual (complete) or Estimated (ongoing or planned)"),
        Column("Amount", "amount", True, "A non-negative number, e.g. 12500"),
        Column("Currency", "currency", False, "ISO 4217 code; empty means CHF"),
    ),
)

OUTPUTS = Sheet(
    "Outputs",
    "outputs",
    False,
    (
        Column("Activity ID", "activity_id", True, "Must exist on the Activities sheet"),
        Column("Indicator", "indicator", True, "e.g. Participants trained, CIRT established"),
        Column("Value", "value", True, "A non-negative number"),
        Column("Unit", "unit", False, "e.g. people"),
        Column("Country", "country", False, "A country, as on the Activities sheet"),
        Column("Group", "group", False, "A breakdown, e.g. Ministry of ICT, women"),
        Column("As of", "as_of", False, "A date or MM YYYY"),
    ),
)

SHEETS: tuple[Sheet, ...] = (ACTIVITIES, EXPENDITURE, OUTPUTS)

# Amount-like columns: a merged range is never copied into them, because that would
# multiply the money.
NO_FILL_COLUMNS = frozenset({"amount", "value"})

# ------------------------------------------------------------------ the issues table
ISSUE_COLUMNS = ("workbook", "sheet", "row", "column", "value", "severity", "message")
QUARANTINE_COLUMNS = ("workbook", "sheet", "row", "activity_id", "amount_chf", "reasons")
ERROR = "error"
WARNING = "warning"


def issue(
    workbook: str,
    sheet: str,
    row: int | None,
    column: str,
    value: object,
    severity: str,
    message: str,
) -> dict[str, object]:
    """One row of the ``issues`` table; ``row`` is the Excel row number (None for the file)."""
    text = "" if value is None else str(value)
    return {
        "workbook": workbook,
        "sheet": sheet,
        "row": row,
        "column": column,
        "value": text if len(text) <= 200 else text[:197] + "...",
        "severity": severity,
        "message": message,
    }
