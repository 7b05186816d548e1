"""Validate raw workbook tables into clean tables, an ``issues`` table and a ``quarantine``.

The orchestrator: it creates one :class:`~cyber_mapping.intake.log.IssueLog`, calls each
sheet's checker (:mod:`~cyber_mapping.intake.activities`, :mod:`~cyber_mapping.intake.clauses`,
:mod:`~cyber_mapping.intake.coordination`, :mod:`~cyber_mapping.intake.expenditure`,
:mod:`~cyber_mapping.intake.results`), then the checks across sheets, and has
:mod:`~cyber_mapping.intake.quarantine` assemble what is kept and what is set aside. No
checker calls back.

Every problem found in one pass becomes an issue row (workbook, sheet, Excel row, column,
value, severity, message with the fix). Rows with an error are quarantined with their
reasons; an activity's expenditure and outputs follow it into quarantine. Nothing is
dropped silently: processed spend plus quarantined spend equals the spend read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from cyber_mapping.contract import DEFAULT_PERIOD, ERROR, EXPENDITURE, OUTPUTS, RESULTS, WARNING
from cyber_mapping.intake import (
    activities,
    clauses,
    coordination,
    expenditure,
    quarantine,
    results,
)
from cyber_mapping.intake.log import FOR_BDT_COLUMNS, IssueLog, for_bdt_table, with_activity_ids
from cyber_mapping.intake.reading import Intake, WorkbookInfo, read_folder
from cyber_mapping.intake.schemas import ActivityClauseTable, ActivityResolutionTable
from cyber_mapping.reference import Reference, load_reference


@dataclass(frozen=True)
class Validated:
    """Everything validation produces; inputs to allocation and to the data product."""

    activities: pd.DataFrame
    activity_resolutions: pd.DataFrame
    activity_places: pd.DataFrame
    activity_implementors: pd.DataFrame
    expenditure: pd.DataFrame
    outputs: pd.DataFrame
    issues: pd.DataFrame
    quarantine: pd.DataFrame
    mappings: pd.DataFrame
    workbooks: list[WorkbookInfo]
    period: tuple[int, int]
    rows_read: dict[str, int] = field(default_factory=dict)
    reconciliation: dict[str, object] = field(default_factory=dict)
    # Version 2 (results, clauses, coordination).
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    activity_clauses: pd.DataFrame = field(default_factory=pd.DataFrame)
    joint_links: pd.DataFrame = field(default_factory=pd.DataFrame)
    possible_duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The "for BDT" list: reference data BDT must add, and how many rows wait for it.
    for_bdt: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(FOR_BDT_COLUMNS))
    )

    @property
    def n_errors(self) -> int:
        """Number of error rows in ``issues``."""
        return int((self.issues["severity"] == ERROR).sum())

    @property
    def n_warnings(self) -> int:
        """Number of warning rows in ``issues``."""
        return int((self.issues["severity"] == WARNING).sum())


def validate_intake(
    intake: Intake, ref: Reference | None = None, period: tuple[int, int] = DEFAULT_PERIOD
) -> Validated:
    """Validate the raw tables of :func:`cyber_mapping.intake.reading.read_folder`.

    Parameters
    ----------
    intake
        What reading produced.
    ref
        Reference data (default: the package's own).
    period
        First and last year of the mapping period; spend outside it is quarantined.
    """
    ref = ref or load_reference()
    log = IssueLog()
    log.issues.extend(intake.issues)
    raw_a = intake.tables["activities"]
    raw_e = intake.tables["expenditure"]
    raw_o = intake.tables["outputs"]
    raw_r = intake.tables.get("results", raw_o.iloc[0:0])
    acts, res_links, place_links, impl_links = activities.validate_activities(raw_a, ref, log)
    clause_links = clauses.validate_clauses(raw_a, acts, res_links, ref, log)
    clauses.revision_warnings(raw_a, acts, res_links, ref, log)
    joint_raw = coordination.validate_coordination(raw_a, acts, impl_links, ref, log)
    exp = expenditure.validate_expenditure(raw_e, ref, log, period)
    res = results.validate_results(raw_r, RESULTS, ref, log)
    outs = results.validate_results(raw_o, OUTPUTS, ref, log)

    # Across sheets: each row points to an activity, and follows it into quarantine.
    rejected_acts = quarantine.rejected_activities(acts, log)
    # An ID used twice is rejected everywhere: its spend cannot be attributed.
    known = set(acts["activity_id"]) if not acts.empty else set()
    for frame, sheet, raw in (
        (exp, EXPENDITURE, raw_e),
        (res, RESULTS, raw_r),
        (outs, OUTPUTS, raw_o),
    ):
        quarantine.check_activity_ids(frame, sheet, raw, known, rejected_acts, log)
    # The schemas, on the rows that are still kept.
    expenditure.check_schema(exp, log)
    results.check_schema(res, RESULTS, log)
    results.check_schema(outs, OUTPUTS, log)
    # Warnings that do not reject anything.
    if not acts.empty:
        status_of = dict(zip(acts["activity_id"], acts["status"], strict=False))
        expenditure.status_warnings(acts, exp, raw_a, raw_e, status_of, log)
        results.status_warnings(res, RESULTS, raw_r, status_of, log)
        results.status_warnings(outs, OUTPUTS, raw_o, status_of, log)
    good = quarantine.valid_activity_ids(acts, log)
    dup, joint = coordination.coordination_tables(acts, place_links, joint_raw, good, ref, log)
    result = _assemble(
        intake, acts, res_links, place_links, impl_links, exp, outs, log, period, res=res
    )
    return _version_2(result, res, outs, clause_links, joint, dup, log, ref)


def _version_2(result, res, outs, clause_links, joint, dup, log, ref) -> Validated:
    """Add the version-2 tables (results, clauses, joint links, duplicates) to ``result``."""
    good = set(result.activities["activity_id"]) if not result.activities.empty else set()
    rows = quarantine.clean_results(res, outs, log)
    links = quarantine.clean_clause_links(clause_links, good, log)
    ActivityClauseTable.validate(links, lazy=True)
    res_links = result.activity_resolutions
    if not res_links.empty:
        starts = dict(
            zip(result.activities["activity_id"], result.activities["start_date"], strict=True)
        )
        res_links = res_links.assign(
            revision_in_force=clauses.revisions_in_force(res_links, starts, ref)
        )
        ActivityResolutionTable.validate(res_links, lazy=True)
    return replace(
        result,
        results=rows,
        outputs=results.outputs_view(rows),
        activity_clauses=links,
        joint_links=joint,
        possible_duplicates=dup,
        activity_resolutions=res_links,
    )


def _assemble(intake, acts, res_links, place_links, impl_links, exp, outs, log, period, res=None):
    """The version-1 result: clean tables, issues, quarantine, mappings and reconciliation."""
    bad = quarantine.rejected_rows(log)
    frames = {
        "activities": acts if not acts.empty else None,
        "expenditure": exp,
        "outputs": outs,
        "results": res,
    }
    q = quarantine.quarantine_table(frames, bad, log)
    tables = quarantine.clean_tables(acts, res_links, place_links, impl_links, exp, outs, bad)
    return Validated(
        **tables,
        issues=with_activity_ids(quarantine.issues_table(log), intake.tables),
        for_bdt=for_bdt_table(log),
        quarantine=q,
        mappings=quarantine.mappings_table(log),
        workbooks=intake.workbooks,
        period=period,
        rows_read={k: len(v) for k, v in intake.tables.items()},
        reconciliation=quarantine.reconciliation(exp, tables["expenditure"], q),
    )


def validate_folder(
    raw_dir: Path, ref: Reference | None = None, period: tuple[int, int] = DEFAULT_PERIOD
) -> Validated:
    """Read and validate every workbook in ``raw_dir``."""
    return validate_intake(read_folder(raw_dir), ref=ref, period=period)
