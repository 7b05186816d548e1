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
    ISSUE_COLUMNS,
    OUTPUTS,
    QUARANTINE_COLUMNS,
    RESULTS,
    WARNING,
    Sheet,
)
from cyber_mapping.intake import activities, clauses, cleaning, coordination, expenditure, results
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
from cyber_mapping.reference import Reference, load_reference, normalise_key

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


def _referential(
    frame: pd.DataFrame | None,
    sheet: Sheet,
    raw: pd.DataFrame,
    known: set[str],
    rejected: dict[str, str],
    log: IssueLog,
) -> None:
    """Rows must point to an activity; rows of a rejected activity follow it."""
    if frame is None:
        return
    ids = {normalise_key(k): k for k in known}
    for idx, aid in frame["activity_id"].items():
        if aid == "":
            continue
        if aid not in known:
            hint = cleaning.Match(None, suggestions=cleaning.suggest(aid, ids)).hint()
            log.error(
                sheet,
                idx,
                {"_workbook": raw.at[idx, "_workbook"], "_row": raw.at[idx, "_row"]},
                "activity_id",
                aid,
                f"no activity '{aid}' on any Activities sheet.{hint} "
                "Add the activity, or correct the ID.",
            )
        elif aid in rejected:
            log.reasons[(sheet.key, idx)].append(
                f"its activity '{aid}' was rejected ({rejected[aid]})"
            )


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

    rejected_acts = {
        acts.at[idx, "activity_id"]: f"{acts.at[idx, 'workbook']} Activities row "
        f"{acts.at[idx, 'row']}"
        for (key, idx) in list(log.reasons)
        if key == "activities" and log.reasons[(key, idx)]
    }
    # An ID used twice is rejected everywhere: its spend cannot be attributed.
    known = set(acts["activity_id"]) if not acts.empty else set()
    _referential(exp, EXPENDITURE, raw_e, known, rejected_acts, log)
    _referential(res, RESULTS, raw_r, known, rejected_acts, log)
    _referential(outs, OUTPUTS, raw_o, known, rejected_acts, log)
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


def _good_activity_ids(acts: pd.DataFrame, log: IssueLog) -> set[str]:
    bad = {i for (k, i), why in log.reasons.items() if k == "activities" and why}
    if acts.empty:
        return set()
    return set(acts.loc[[i for i in acts.index if i not in bad], "activity_id"])


def _coordination_tables(acts, place_links, joint_raw, ref, log):
    """Symmetric joint links and possible double reports among the valid activities."""
    good = _good_activity_ids(acts, log)
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
    kept = []
    for frame, key in ((res, "results"), (outs, "outputs")):
        if frame is not None:
            ok = [not log.reasons.get((key, i)) for i in frame.index]
            kept.append(frame[ok].drop(columns="_idx"))
    rows = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    if rows.empty:
        rows = pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c in results.NUMBER_COLUMNS else object)
                for c in results.RESULT_COLUMNS
            }
        )
    rows = rows[results.RESULT_COLUMNS].reset_index(drop=True)
    bad_acts = {i for (k, i), why in log.reasons.items() if k == "activities" and why}
    links = pd.DataFrame(clause_links, columns=[*clauses.CLAUSE_LINK_COLUMNS, "_idx"])
    links = links[links["activity_id"].isin(good) & ~links["_idx"].isin(bad_acts)]
    links = links.drop(columns="_idx").reset_index(drop=True)
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


_TEXT = "object"
# The columns (and types) of each clean table, so that an empty table still has them all.
EMPTY_COLUMNS = {
    "activities": {
        **dict.fromkeys(["activity_id", "workbook", "sheet"], _TEXT),
        "row": "int64",
        **dict.fromkeys(
            [
                "resolution_ids",
                "resolution_refs_text",
                "clause_quoted",
                "theme",
                "gfce_theme",
                "title",
                "description",
                "beneficiaries",
                "beneficiary_kind",
                "implementors",
                "partners",
                "status",
            ],
            _TEXT,
        ),
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
        "outputs_text": _TEXT,
        "outcomes_text": _TEXT,
        "lead_implementor": _TEXT,
        "joint_with": _TEXT,
    },
    "expenditure": {
        **dict.fromkeys(["expenditure_id", "activity_id", "workbook", "sheet"], _TEXT),
        "row": "int64",
        "funder": _TEXT,
        "year_start": "int64",
        "year_end": "int64",
        **dict.fromkeys(["cost_type", "basis", "currency"], _TEXT),
        "amount_cents": "int64",
        "chf_cents": "int64",
        "amount_chf": "float64",
    },
    "outputs": {
        **dict.fromkeys(["activity_id", "workbook", "sheet"], _TEXT),
        "row": "int64",
        "indicator": _TEXT,
        "value": "float64",
        "unit": _TEXT,
        "country_iso3": _TEXT,
        "group": _TEXT,
        "as_of": "datetime64[ns]",
    },
    "activity_resolutions": {
        "activity_id": _TEXT,
        "position": "int64",
        "resolution_id": _TEXT,
        "revision_text": _TEXT,
        "weight": "int64",
        "revision_in_force": _TEXT,
    },
    "activity_places": {
        "activity_id": _TEXT,
        "position": "int64",
        "country_iso3": _TEXT,
        "region": _TEXT,
        "weight": "int64",
    },
    "activity_implementors": {"activity_id": _TEXT, "position": "int64", "implementor": _TEXT},
}


def _or_empty(frame: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """``frame``, or, when it has no rows, an empty table with every column of ``name``."""
    if frame is not None and not frame.empty:
        return frame
    columns = EMPTY_COLUMNS[name]
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def _assemble(intake, acts, res_links, place_links, impl_links, exp, outs, log, period, res=None):
    bad = {
        key: {i for (k, i), why in log.reasons.items() if k == key and why}
        for key in ("activities", "expenditure", "outputs", "results")
    }
    quarantine: list[dict[str, object]] = []

    def _quarantine(frame, key, amount=False):
        if frame is None:
            return
        for idx in sorted(bad[key]):
            rec = frame.loc[idx]
            chf = rec.get("chf_cents") if amount else None
            readable = bool(amount and rec.get("_readable"))
            quarantine.append(
                {
                    **(
                        {
                            "currency": rec["currency"] or rec["_unconverted"] or "",
                            "amount_original": rec["amount_cents"] / 100,
                        }
                        if readable
                        else {"currency": "", "amount_original": None}
                    ),
                    "workbook": rec["workbook"],
                    "sheet": rec["sheet"],
                    "row": int(rec["row"]),
                    "activity_id": rec["activity_id"] or None,
                    "amount_chf": (chf / 100) if chf is not None and chf == chf else None,
                    "reasons": "; ".join(dict.fromkeys(log.reasons[(key, idx)])),
                    "amount_cents": int(chf) if chf is not None and chf == chf else None,
                }
            )

    _quarantine(acts if not acts.empty else None, "activities")
    _quarantine(exp, "expenditure", amount=True)
    _quarantine(outs, "outputs")
    _quarantine(res, "results")

    good_a = acts.drop(index=list(bad["activities"])) if not acts.empty else acts
    good_ids = set(good_a["activity_id"]) if not good_a.empty else set()

    def links(rows):
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        return (
            frame[frame["activity_id"].isin(good_ids) & ~frame["_idx"].isin(bad["activities"])]
            .drop(columns="_idx")
            .reset_index(drop=True)
        )

    good_e = (
        exp.drop(index=list(bad["expenditure"]))
        if exp is not None
        else pd.DataFrame(columns=["expenditure_id", "activity_id", "chf_cents"])
    )
    good_o = (
        outs.drop(index=list(bad["outputs"]))
        if outs is not None
        else pd.DataFrame(columns=["activity_id"])
    )
    good_e = good_e.drop(
        columns=["_idx", "_readable", "_unconverted"], errors="ignore"
    ).reset_index(drop=True)
    if not good_e.empty:
        good_e["chf_cents"] = good_e["chf_cents"].astype("int64")
        good_e["amount_chf"] = good_e["chf_cents"] / 100
    issues = pd.DataFrame(log.issues, columns=list(ISSUE_COLUMNS))
    issues["row"] = issues["row"].astype("Int64")
    issues = issues.sort_values(
        ["workbook", "sheet", "row", "column"], na_position="first", kind="stable"
    ).reset_index(drop=True)
    q = pd.DataFrame(
        quarantine, columns=[*QUARANTINE_COLUMNS, "amount_cents", "currency", "amount_original"]
    )
    q["amount_original"] = q["amount_original"].astype("float64")
    q["row"] = q["row"].astype("Int64")
    q["amount_cents"] = q["amount_cents"].astype("Int64")
    q = q.sort_values(["workbook", "sheet", "row"], kind="stable").reset_index(drop=True)
    reconciliation = _reconciliation(exp, good_e, q)
    mappings = pd.DataFrame(
        list(log.mappings.values()),
        columns=["kind", "text", "value", "exact", "via", "suggestions"],
    )
    mappings = mappings.sort_values(["kind", "text"], kind="stable").reset_index(drop=True)
    return Validated(
        activities=_or_empty(
            good_a.drop(columns="_idx", errors="ignore").reset_index(drop=True), "activities"
        ),
        activity_resolutions=_or_empty(links(res_links), "activity_resolutions"),
        activity_places=_or_empty(links(place_links), "activity_places"),
        activity_implementors=_or_empty(links(impl_links), "activity_implementors"),
        expenditure=_or_empty(good_e, "expenditure"),
        outputs=_or_empty(
            good_o.drop(columns="_idx", errors="ignore").reset_index(drop=True), "outputs"
        ),
        issues=issues,
        quarantine=q,
        mappings=mappings,
        workbooks=intake.workbooks,
        period=period,
        rows_read={k: len(v) for k, v in intake.tables.items()},
        reconciliation=reconciliation,
    )


def _reconciliation(
    exp: pd.DataFrame | None, good_e: pd.DataFrame, q: pd.DataFrame
) -> dict[str, object]:
    """CHF read, processed and quarantined (integer cents), and what could not be converted.

    Sums are Python integers, exact however large. Every readable amount is either in
    ``chf_cents_read`` (when it could be converted to CHF) or, in its own currency, in
    ``unconverted_cents``; ``rows_amount_unreadable`` counts rows with no readable amount.
    """
    exp = exp if exp is not None else pd.DataFrame(columns=["chf_cents", "_readable"])
    chf = [int(c) for c in exp["chf_cents"] if c is not None and c == c]
    unconverted: dict[str, int] = {}
    if "_unconverted" in exp:
        for cur, cents in zip(exp["_unconverted"], exp["amount_cents"], strict=True):
            if isinstance(cur, str) and cur:
                unconverted[cur] = unconverted.get(cur, 0) + int(cents)
    return {
        "chf_cents_read": sum(chf),
        "chf_cents_processed": sum(int(c) for c in good_e["chf_cents"]) if not good_e.empty else 0,
        "chf_cents_quarantined": sum(int(c) for c in q["amount_cents"].dropna()),
        "unconverted_cents": dict(sorted(unconverted.items())),
        "rows_amount_unreadable": int((~exp["_readable"].astype(bool)).sum()),
        "rows_amount_unconverted": sum(
            1 for c in exp.get("_unconverted", []) if isinstance(c, str) and c
        ),
    }


def validate_folder(
    raw_dir: Path, ref: Reference | None = None, period: tuple[int, int] = DEFAULT_PERIOD
) -> Validated:
    """Read and validate every workbook in ``raw_dir``."""
    return validate_intake(read_folder(raw_dir), ref=ref, period=period)
