"""The submission-workbook contract as code: sheets, headers and which are required.

``docs/workbook-contract.md`` is the human-readable copy; ``tests/test_contract.py`` checks
that both name the same sheets, columns and themes.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRACT_VERSION = "2.0"  # version 2 adds Results, Clauses, Lead implementor, Joint with
DEFAULT_PERIOD = (2017, 2025)  # the mapping period: WTDC-17 to WTDC-25


@dataclass(frozen=True)
class Column:
    """One contract column: its header in the workbook and its name in the package."""

    header: str
    name: str
    required: bool
    hint: str
    aliases: tuple[str, ...] = ()  # other headers read as this column (e.g. Value, Achieved)


@dataclass(frozen=True)
class Sheet:
    """One contract sheet."""

    title: str
    key: str
    required: bool
    columns: tuple[Column, ...]

    def by_name(self, name: str) -> str:
        """The header of the column named ``name`` in the package."""
        return next(c.header for c in self.columns if c.name == name)

    def by_header(self) -> dict[str, Column]:
        """Columns keyed by folded header."""
        out = {fold_header(c.header): c for c in self.columns}
        for c in self.columns:
            for alias in c.aliases:
                out.setdefault(fold_header(alias), c)
        return out


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
        # Version 2: at the end, so that version-1 layouts keep their column positions.
        Column(
            "Clauses",
            "clauses",
            False,
            "Clause references from the drop-down, e.g. PP-130/instructs-BDT/CIRTs; several "
            "separated by ';'. Each must belong to a resolution of the row",
        ),
        Column(
            "Lead implementor",
            "lead_implementor",
            False,
            "One of the Implementor(s); empty means the first listed",
        ),
        Column(
            "Joint with",
            "joint_with",
            False,
            "Activity IDs under which another office reports its part of the same joint "
            "activity, separated by ';'",
        ),
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


def _result_columns(achieved: str, alias: str) -> tuple[Column, ...]:
    return (
        Column("Activity ID", "activity_id", True, "Must exist on the Activities sheet"),
        Column("Level", "level", False, "Output or Outcome; empty means the indicator's level"),
        Column(
            "Indicator",
            "indicator",
            True,
            "An indicator from the drop-down (e.g. Participants trained); other text is kept "
            "as 'other'",
        ),
        Column("Baseline", "baseline", False, "A non-negative number: the value before"),
        Column("Target", "target", False, "A non-negative number: the value aimed at"),
        Column(
            achieved,
            "achieved",
            False,
            "A non-negative number: the value reached (as of the As of date)",
            (alias,),
        ),
        Column("Unit", "unit", False, "The indicator's unit, e.g. people"),
        Column("Country", "country", False, "A country, as on the Activities sheet"),
        Column("Group", "group", False, "A breakdown, e.g. women, men, Ministry of ICT"),
        Column("As of", "as_of", False, "A date or MM YYYY"),
        Column("Source", "source", False, "How the figure can be verified, e.g. attendance list"),
    )


RESULTS = Sheet("Results", "results", False, _result_columns("Achieved", "Value"))

# Version 1's sheet: read as Results, its Value column as Achieved. Kept as its own sheet so
# that problems are reported under the sheet and header the office wrote.
OUTPUTS = Sheet("Outputs", "outputs", False, _result_columns("Value", "Achieved"))

# Every sheet reading looks for; a template offers SUBMISSION_SHEETS (Results, not Outputs).
SHEETS: tuple[Sheet, ...] = (ACTIVITIES, EXPENDITURE, RESULTS, OUTPUTS)
SUBMISSION_SHEETS: tuple[Sheet, ...] = (ACTIVITIES, EXPENDITURE, RESULTS)
LEVELS = ("Output", "Outcome")

# Amount-like columns: a merged range is never copied into them, because that would
# multiply the money.
NO_FILL_COLUMNS = frozenset({"amount", "value", "baseline", "target", "achieved"})

# ------------------------------------------------------------------ the issues table
ISSUE_COLUMNS = (
    "workbook",
    "sheet",
    "row",
    "column",
    "value",
    "severity",
    "message",
    "audience",
    "activity_id",
)
QUARANTINE_COLUMNS = ("workbook", "sheet", "row", "activity_id", "amount_chf", "reasons")
ERROR = "error"
WARNING = "warning"
# Who can act on an issue: the office corrects its workbook; BDT adds reference data (a rate,
# a resolution, a funder), and the row waits for it.
OFFICE = "office"
BDT = "BDT"
AUDIENCES = (OFFICE, BDT)


def issue(
    workbook: str,
    sheet: str,
    row: int | None,
    column: str,
    value: object,
    severity: str,
    message: str,
    audience: str = OFFICE,
    activity_id: str = "",
) -> dict[str, object]:
    """One row of the ``issues`` table; ``row`` is the Excel row number (None for the file).

    ``audience`` says who acts on it (:data:`OFFICE` or :data:`BDT`); ``activity_id`` is the
    row's Activity ID where the row has one (else ``""``), so issues join to activities.
    """
    text = "" if value is None else str(value)
    return {
        "workbook": workbook,
        "sheet": sheet,
        "row": row,
        "column": column,
        "value": text if len(text) <= 200 else text[:197] + "...",
        "severity": severity,
        "message": message,
        "audience": audience,
        "activity_id": activity_id,
    }
