"""Validate raw workbook tables into clean tables, an ``issues`` table and a ``quarantine``.

Every problem found in one pass becomes an issue row (workbook, sheet, Excel row, column,
value, severity, message with the fix). Rows with an error are quarantined with their
reasons; an activity's expenditure and outputs follow it into quarantine. Nothing is
dropped silently: processed spend plus quarantined spend equals the spend read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from cyber_mapping.contract import (
    ACTIVITIES,
    DEFAULT_PERIOD,
    ERROR,
    EXPENDITURE,
    OUTPUTS,
    RESULTS,
    WARNING,
)
from cyber_mapping.intake import (
    activities,
    clauses,
    coordination,
    expenditure,
    quarantine,
    results,
)
from cyber_mapping.intake.log import IssueLog, row_dicts
from cyber_mapping.intake.reading import Intake, WorkbookInfo, read_folder
from cyber_mapping.intake.schemas import (
    ActivityClauseTable,
    ExpenditureTable,
    JointLinkTable,
    PossibleDuplicateTable,
    ResultTable,
    failures_to_issues,
)
from cyber_mapping.reference import Reference, load_reference

logger = logging.getLogger(__name__)


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
    joint_raw = coordination.validate_coordination(raw_a, acts, impl_links, ref, log)
    exp = expenditure.validate_expenditure(raw_e, ref, log, period)
    res = results.validate_results(raw_r, RESULTS, ref, log)
    outs = results.validate_results(raw_o, OUTPUTS, ref, log)

    rejected_acts = quarantine.rejected_activities(acts, log)
    # An ID used twice is rejected everywhere: its spend cannot be attributed.
    known = set(acts["activity_id"]) if not acts.empty else set()
    quarantine.check_activity_ids(exp, EXPENDITURE, raw_e, known, rejected_acts, log)
    quarantine.check_activity_ids(res, RESULTS, raw_r, known, rejected_acts, log)
    quarantine.check_activity_ids(outs, OUTPUTS, raw_o, known, rejected_acts, log)
    if exp is not None:
        good = exp[[not log.reasons.get(("expenditure", i)) for i in exp.index]]
        try:
            ExpenditureTable.validate(
                good.drop(columns=["_idx", "_readable", "_unconverted"]).astype(
                    {"chf_cents": "int64"}
                ),
                lazy=True,
            )
        except pa.errors.SchemaErrors as exc:
            headers = {c.name: c.header for c in EXPENDITURE.columns}
            found, reasons = failures_to_issues(exc, good, headers)
            log.merge_schema_failures(EXPENDITURE, found, reasons)
    for frame, spec in ((res, RESULTS), (outs, OUTPUTS)):
        if frame is not None:
            good_r = frame[[not log.reasons.get((spec.key, i)) for i in frame.index]]
            try:
                ResultTable.validate(good_r.drop(columns="_idx"), lazy=True)
            except pa.errors.SchemaErrors as exc:
                headers = {c.name: c.header for c in spec.columns}
                found, reasons = failures_to_issues(exc, good_r, headers)
                log.merge_schema_failures(spec, found, reasons)

    # Warnings that do not reject anything.
    if not acts.empty:
        spent = set(exp["activity_id"]) if exp is not None else set()
        status_of = dict(zip(acts["activity_id"], acts["status"], strict=False))
        rows_a, rows_e = row_dicts(raw_a), row_dicts(raw_e)
        for idx, rec in row_dicts(acts).items():
            if rec["activity_id"] and rec["activity_id"] not in spent:
                log.warn(
                    ACTIVITIES,
                    rows_a[idx],
                    "activity_id",
                    rec["activity_id"],
                    "no expenditure is reported for this activity. Add its spend on the "
                    "Expenditure sheet (0 if it had none).",
                )
        for idx, rec in row_dicts(exp if exp is not None else raw_e.iloc[0:0]).items():
            st = status_of.get(rec["activity_id"])
            if st == "Completed" and rec["basis"] == "Estimated":
                log.warn(
                    EXPENDITURE,
                    rows_e[idx],
                    "basis",
                    rec["basis"],
                    "the activity is Completed but this spend is Estimated. Report the "
                    "actual amount once the accounts are closed.",
                )
            elif st == "Planned" and rec["basis"] == "Actual":
                log.warn(
                    EXPENDITURE,
                    rows_e[idx],
                    "basis",
                    rec["basis"],
                    "the activity is Planned but this spend is Actual. Check the status "
                    "or the basis.",
                )

    if not acts.empty:
        status_of = dict(zip(acts["activity_id"], acts["status"], strict=False))
        results.status_warnings(res, RESULTS, raw_r, status_of, log)
        results.status_warnings(outs, OUTPUTS, raw_o, status_of, log)
    dup, joint = _coordination_tables(acts, place_links, joint_raw, ref, log)
    result = _assemble(
        intake, acts, res_links, place_links, impl_links, exp, outs, log, period, res=res
    )
    return _version_2(result, res, outs, clause_links, joint, dup, log, ref)


def _coordination_tables(acts, place_links, joint_raw, ref, log):
    """Symmetric joint links and possible double reports among the valid activities."""
    good = quarantine.valid_activity_ids(acts, log)
    links = coordination.joint_links(
        pd.DataFrame(joint_raw, columns=["activity_id", "joint_with", "_idx"]), good
    )
    JointLinkTable.validate(links, lazy=True)
    if acts.empty:
        return pd.DataFrame(columns=coordination.DUPLICATE_COLUMNS), links
    valid = acts[acts["activity_id"].isin(good)]
    bad_idx = set(acts.index) - set(valid.index)
    places = pd.DataFrame(place_links, columns=["activity_id", "country_iso3", "region", "_idx"])
    places = places[~places["_idx"].isin(bad_idx)]
    dup = coordination.possible_duplicates(valid, places, links, ref)
    PossibleDuplicateTable.validate(dup, lazy=True)
    coordination.duplicate_warnings(dup, valid, log)
    return dup, links


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
        issues=quarantine.issues_table(log),
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
