"""Pandera schemas of the intake: the clean tables, issues and quarantine (the data dictionary).

The tables the build adds (the allocations) have theirs in :mod:`cyber_mapping.product.schemas`.

Validation is always lazy (every failure at once). :func:`failures_to_issues` turns pandera's
failure cases into rows of the ``issues`` table that name workbook, sheet and Excel row.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from cyber_mapping.contract import AUDIENCES, ERROR, LEVELS, issue

STATUSES = ("Completed", "Ongoing", "Planned")
COST_TYPES = ("Staff", "Non-staff")
BASES = ("Actual", "Estimated")


class _Located(pa.DataFrameModel):
    """Where a row came from (kept on every clean table)."""

    workbook: Series[str] = pa.Field(description="Workbook file name")
    sheet: Series[str] = pa.Field(description="Sheet name")
    row: Series[int] = pa.Field(ge=1, description="Excel row number")


class ActivityTable(_Located):
    """Stage 1: one row per cleaned activity."""

    activity_id: Series[str] = pa.Field(
        nullable=False, str_length={"min_value": 1}, description="Activity ID"
    )
    resolution_ids: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Resolution ids, '; '-separated (PP-130)"
    )
    theme: Series[str] = pa.Field(nullable=False, description="Activity theme")
    gfce_theme: Series[str] = pa.Field(description="GFCE theme of the activity theme")
    title: Series[str] = pa.Field(str_length={"min_value": 1}, description="Activity title")
    beneficiaries: Series[str] = pa.Field(description="ISO3 codes, regions or Global")
    implementors: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Implementors, '; '-separated"
    )
    status: Series[str] = pa.Field(isin=STATUSES, description="Completed, Ongoing or Planned")
    start_date: Series[pd.Timestamp] = pa.Field(nullable=False, description="Start date")
    end_date: Series[pd.Timestamp] = pa.Field(nullable=True, description="End date")

    @pa.dataframe_check(name="end_not_before_start")
    @classmethod
    def end_not_before_start(cls, df: pd.DataFrame) -> Series[bool]:
        """The end date is on or after the start date."""
        return df["end_date"].isna() | (df["end_date"] >= df["start_date"])

    class Config:
        strict = False


class ExpenditureTable(_Located):
    """Stage 1: one clean expenditure line, converted to CHF cents."""

    expenditure_id: Series[str] = pa.Field(unique=True, description="workbook:row")
    activity_id: Series[str] = pa.Field(description="Activity ID (exists on Activities)")
    funder: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Funder: the State or organisation that pays"
    )
    funder_agency: Series[str] = pa.Field(
        description="The agency the office named (rolls up to funder), else ''"
    )
    year_start: Series[int] = pa.Field(ge=1990, le=2100, description="First accounting year")
    year_end: Series[int] = pa.Field(ge=1990, le=2100, description="Last accounting year")
    cost_type: Series[str] = pa.Field(isin=COST_TYPES, description="Staff or Non-staff")
    basis: Series[str] = pa.Field(isin=BASES, description="Actual or Estimated")
    currency: Series[str] = pa.Field(str_length=3, description="ISO 4217 code")
    amount_cents: Series[int] = pa.Field(ge=0, description="Amount, cents of its currency")
    chf_cents: Series[int] = pa.Field(ge=0, description="Amount in CHF cents")

    @pa.dataframe_check(name="period_in_order")
    @classmethod
    def period_in_order(cls, df: pd.DataFrame) -> Series[bool]:
        """A span does not end before it starts."""
        return df["year_end"] >= df["year_start"]


class ResultTable(_Located):
    """Stage 1: one measured result (Results sheet, or version 1's Outputs sheet)."""

    activity_id: Series[str] = pa.Field(description="Activity ID (exists on Activities)")
    level: Series[str] = pa.Field(isin=LEVELS, description="Output or Outcome")
    indicator_id: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Catalogue id (indicators.csv) or 'other'"
    )
    indicator: Series[str] = pa.Field(str_length={"min_value": 1}, description="Indicator")
    baseline: Series[float] = pa.Field(ge=0, nullable=True, description="Value before")
    target: Series[float] = pa.Field(ge=0, nullable=True, description="Value aimed at")
    achieved: Series[float] = pa.Field(ge=0, nullable=True, description="Value reached")
    unit: Series[str] = pa.Field(description="Unit (the catalogue's, for known indicators)")
    source: Series[str] = pa.Field(description="How the figure can be verified")

    @pa.dataframe_check(name="target_or_achieved")
    @classmethod
    def target_or_achieved(cls, df: pd.DataFrame) -> Series[bool]:
        """Every result has a target or an achieved value."""
        return df["target"].notna() | df["achieved"].notna()


class ActivityResolutionTable(pa.DataFrameModel):
    """Stage 1: one resolution an activity cites, with the revision written and in force."""

    activity_id: Series[str]
    position: Series[int] = pa.Field(ge=0, description="Order in the Resolution references")
    resolution_id: Series[str] = pa.Field(str_length={"min_value": 1})
    revision_text: Series[str] = pa.Field(
        description="The revision as the office wrote it ('Rev. Dubai, 2018', 'PP-18'), or ''"
    )
    revision_written: Series[str] = pa.Field(
        description="That revision as the catalogue labels it ('' if none or not known)"
    )
    weight: Series[int] = pa.Field(ge=0, description="Explicit share, or 1 for equal shares")
    revision_in_force: Series[str] = pa.Field(
        description="Revision in force on the start date ('' if none known): the one mapped"
    )

    class Config:
        coerce = True
        unique = ["activity_id", "resolution_id"]


class ActivityClauseTable(pa.DataFrameModel):
    """Stage 1: one clause an activity cites (its ``Clauses`` column), one row per clause."""

    activity_id: Series[str]
    resolution_id: Series[str] = pa.Field(description="The clause's resolution (cited)")
    clause_ref: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Catalogue clause reference"
    )
    revision_in_force: Series[str] = pa.Field(
        description="Revision of the resolution in force on the start date ('' if none known)"
    )

    class Config:
        coerce = True
        unique = ["activity_id", "clause_ref"]


class JointLinkTable(pa.DataFrameModel):
    """Stage 1: ``Joint with`` links between valid activities, both directions."""

    activity_id: Series[str]
    joint_with: Series[str]

    @pa.dataframe_check(name="not_self")
    @classmethod
    def not_self(cls, df: pd.DataFrame) -> Series[bool]:
        """An activity is never joint with itself."""
        return df["activity_id"] != df["joint_with"]

    class Config:
        coerce = True
        unique = ["activity_id", "joint_with"]


class PossibleDuplicateTable(pa.DataFrameModel):
    """Stage 1: pairs of activities that may be one activity reported twice."""

    activity_id_a: Series[str]
    workbook_a: Series[str]
    activity_id_b: Series[str]
    workbook_b: Series[str]
    similarity: Series[float] = pa.Field(ge=0, le=1, description="Title token-set containment")
    reason: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(name="different_workbooks")
    @classmethod
    def different_workbooks(cls, df: pd.DataFrame) -> Series[bool]:
        """Only activities of different workbooks are compared."""
        return df["workbook_a"] != df["workbook_b"]

    class Config:
        coerce = True


class IssueTable(pa.DataFrameModel):
    """Every problem found."""

    workbook: Series[str]
    sheet: Series[str]
    row: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    column: Series[str]
    value: Series[str]
    severity: Series[str] = pa.Field(isin=("error", "warning"))
    message: Series[str] = pa.Field(str_length={"min_value": 1})
    audience: Series[str] = pa.Field(
        isin=AUDIENCES, description="Who acts: 'office' (correct the workbook) or 'BDT'"
    )
    activity_id: Series[str] = pa.Field(description="The row's Activity ID ('' if none)")

    class Config:
        coerce = True


class ForBdtTable(pa.DataFrameModel):
    """The "for BDT" list: reference data BDT must add, and the rows that wait for it."""

    kind: Series[str] = pa.Field(isin=("exchange rate", "resolution", "funder"))
    value: Series[str] = pa.Field(str_length={"min_value": 1}, description="What is missing")
    reference_file: Series[str] = pa.Field(description="The reference file BDT adds it to")
    to_add: Series[str] = pa.Field(str_length={"min_value": 1}, description="What to write")
    rows_waiting: Series[int] = pa.Field(ge=1, description="Rows that wait for it")
    workbooks: Series[str] = pa.Field(description="Workbooks of those rows ('; '-joined)")

    class Config:
        coerce = True


class QuarantineTable(pa.DataFrameModel):
    """Every rejected row with its reasons."""

    workbook: Series[str]
    sheet: Series[str]
    row: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    activity_id: Series[str] = pa.Field(nullable=True)
    amount_chf: Series[float] = pa.Field(nullable=True, description="CHF as read; may be negative")
    reasons: Series[str] = pa.Field(str_length={"min_value": 1})
    currency: Series[str] = pa.Field(description="Currency of a readable amount (else empty)")
    amount_original: Series[float] = pa.Field(
        nullable=True, description="A readable amount in its own currency"
    )

    class Config:
        coerce = True


# What to tell the person fixing the workbook when a pandera check fails.
_FIXES = {
    "end_not_before_start": (
        "end_date",
        "the end date is before the start date. Swap them or correct the end date.",
    ),
    "period_in_order": ("period", "the period ends before it starts. Write e.g. 2019-2022."),
    "target_or_achieved": ("achieved", "a result needs a Target or an Achieved value."),
    "not_nullable": ("", "a required value is missing. Fill in the cell."),
}


def failures_to_issues(
    exc: pa.errors.SchemaErrors, frame: pd.DataFrame, headers: dict[str, str]
) -> tuple[list[dict[str, object]], dict[int, list[str]]]:
    """Turn pandera failure cases into issue rows and per-row reasons.

    Parameters
    ----------
    exc
        The lazy validation error.
    frame
        The validated frame; its ``workbook``, ``sheet`` and ``row`` columns locate each case.
    headers
        Column name -> workbook header, for messages in the reporter's words.
    """
    issues: list[dict[str, object]] = []
    reasons: dict[int, list[str]] = {}
    cases = exc.failure_cases
    # A dataframe-level check reports one case per column of the failing row: keep one.
    frame_checks = cases["column"].isna() | (cases["schema_context"] == "DataFrameSchema")
    cases = pd.concat(
        [cases[~frame_checks], cases[frame_checks].drop_duplicates(subset=["check", "index"])]
    )
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or (isinstance(index, float) and index != index):
            # A column-level failure (e.g. a wrong dtype) is a bug in cleaning, not in input.
            raise RuntimeError(f"schema failure not tied to a row: {case}")
        located = frame.loc[index]
        check = str(case.check)
        column = str(case.column) if case.column is not None else ""
        fix_col, fix = _FIXES.get(check, (column, ""))
        column = fix_col or column
        header = headers.get(column, column)
        if not fix:
            fix = f"value fails the check '{check}'. Correct the '{header}' cell."
        value = located[column] if column in located.index else case.failure_case
        issues.append(
            issue(
                located["workbook"],
                located["sheet"],
                int(located["row"]),
                header,
                value,
                ERROR,
                fix,
            )
        )
        reasons.setdefault(index, []).append(f"{header}: {fix}")
    return issues, reasons
