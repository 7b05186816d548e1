"""Clause references: parse an activity's ``Clauses`` and find the revision in force.

Clause coverage comes only from the clauses an activity cites explicitly. The word-overlap
matching of a quoted clause against the catalogue's summaries survives only as a
*suggestion* in the feedback workbook (:func:`clause_suggestions`), never as a statement in
a report.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.contract import ACTIVITIES
from cyber_mapping.intake import lookups
from cyber_mapping.intake.log import IssueLog
from cyber_mapping.reference import Reference, normalise_key

CLAUSE_LINK_COLUMNS = ["activity_id", "resolution_id", "clause_ref", "revision_in_force"]


@dataclass(frozen=True)
class ParsedClauses:
    """The clause references of one cell: ``(resolution_id, clause_ref)`` pairs and problems."""

    refs: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    repeated: tuple[str, ...] = ()


def clause_keys(ref: Reference) -> dict[str, str]:
    """Folded clause reference -> the catalogue's spelling."""
    return {normalise_key(c): c for c in ref.clauses["clause_ref"]}


def parse_clauses(text: object, resolution_ids: list[str], ref: Reference) -> ParsedClauses:
    """Parse a ``Clauses`` cell against the catalogue and the activity's resolutions.

    Parameters
    ----------
    text
        The cell: references separated by ``;`` or line breaks, any case.
    resolution_ids
        The resolutions the activity cites (``PP-130``...): each clause must belong to one.
    ref
        Reference data (the catalogue of clauses).
    """
    keys = clause_keys(ref)
    owner = dict(zip(ref.clauses["clause_ref"], ref.clauses["resolution_id"], strict=True))
    refs: list[tuple[str, str]] = []
    problems: list[str] = []
    repeated: list[str] = []
    for piece in lookups.split_list(text) if text is not None else []:
        clause = keys.get(normalise_key(piece))
        if clause is None:
            hint = lookups.Match(None, suggestions=lookups.suggest(piece, keys)).hint()
            problems.append(
                f"'{piece}' is not a clause of the package's resolutions catalogue.{hint} "
                "Choose clauses from the template's drop-down list."
            )
            continue
        rid = owner[clause]
        if rid not in resolution_ids:
            problems.append(
                f"clause {clause} belongs to {rid}, which is not among the row's Resolution "
                f"references. Add {rid} to Resolution references, or remove the clause."
            )
        elif (rid, clause) in refs:
            repeated.append(clause)
        else:
            refs.append((rid, clause))
    return ParsedClauses(tuple(refs), tuple(problems), tuple(repeated))


RevisionTable = dict[str, tuple[list[pd.Timestamp], list[str]]]


def revision_table(revisions: pd.DataFrame) -> RevisionTable:
    """Resolution id -> (closing dates in order, labels), for :func:`revision_in_force`."""
    table: RevisionTable = {}
    ordered = revisions.sort_values(["resolution_id", "date"], kind="stable")
    for rid, day, label in zip(
        ordered["resolution_id"], ordered["date"], ordered["label"], strict=True
    ):
        dates, labels = table.setdefault(rid, ([], []))
        dates.append(pd.Timestamp(day))
        labels.append(str(label))
    return table


def revision_in_force(
    resolution_id: str, day: object, revisions: pd.DataFrame | RevisionTable
) -> str:
    """Label of the revision of ``resolution_id`` in force on ``day`` (empty when none).

    A revision is in force from its conference's closing date (inclusive) until the next
    one's; a day before the first known revision, or an unknown resolution, gives ``""``.
    ``revisions`` is the catalogue's revision history or its :func:`revision_table`.
    """
    if day is None or pd.isna(day):
        return ""
    table = revisions if isinstance(revisions, dict) else revision_table(revisions)
    dates, labels = table.get(resolution_id, ([], []))
    k = bisect.bisect_right(dates, pd.Timestamp(day))
    return labels[k - 1] if k else ""


def revisions_in_force(links: pd.DataFrame, starts: dict[str, object], ref: Reference) -> list:
    """``revision_in_force`` for each row of ``links`` (``activity_id``, ``resolution_id``)."""
    table = revision_table(ref.revisions)
    return [
        revision_in_force(rid, starts.get(aid), table)
        for aid, rid in zip(links["activity_id"], links["resolution_id"], strict=True)
    ]


def _adopted(table: RevisionTable, rid: str, label: str) -> str:
    """The closing date of ``rid``'s revision ``label`` as YYYY-MM-DD ('' when unknown)."""
    dates, labels = table.get(rid, ([], []))
    return dates[labels.index(label)].date().isoformat() if label in labels else ""


def revision_warnings(
    raw: pd.DataFrame, acts: pd.DataFrame, res_links: list[dict], ref: Reference, log: IssueLog
) -> None:
    """Warn where the revision an office wrote is not the one in force on the start date.

    The activity is mapped to the revision in force (:func:`revision_in_force`, the same
    rule as everywhere); the warning tells the office which one that is and why, so that a
    revision written out of habit ("Rev. Dubai, 2018" on a 2024 activity) is not replaced
    silently. A revision the catalogue does not know for that resolution is said too.
    """
    if acts.empty:
        return
    table = revision_table(ref.revisions)
    starts = dict(zip(acts.index, acts["start_date"], strict=True))
    for link in res_links:
        idx, rid = link["_idx"], link["resolution_id"]
        written, unknown = link.get("revision_written", ""), link.get("_revision_unknown")
        day = starts.get(idx)
        if day is None or pd.isna(day) or not (written or unknown):
            continue
        in_force = revision_in_force(rid, day, table)
        if written == in_force:
            continue
        rec = {"_workbook": raw.at[idx, "_workbook"], "_row": raw.at[idx, "_row"]}
        on = pd.Timestamp(day).date().isoformat()
        if written:
            said = f"{rid} ({written}) was written"
        else:
            known = ", ".join(table.get(rid, ([], []))[1]) or "none"
            said = (
                f"{rid} is written with '{link['revision_text']}', which is not a revision of "
                f"{rid} in the package's resolutions catalogue (known: {known})"
            )
        if in_force:
            now = (
                f"on {on}, the activity's start date, the revision in force is "
                f"{in_force.removeprefix('Rev. ')} (adopted {_adopted(table, rid, in_force)}): "
                "the activity is mapped to it"
            )
        else:
            now = f"no revision of {rid} that the catalogue knows was in force on {on}"
        log.warn(
            ACTIVITIES,
            rec,
            "resolution_refs",
            raw.at[idx, "resolution_refs"],
            f"{said}; {now}. Nothing to correct if the activity serves the text in force; "
            f"write '{rid}' without a revision, or with the revision in force, to clear this "
            "warning.",
        )


def validate_clauses(
    raw: pd.DataFrame, acts: pd.DataFrame, res_links: list[dict], ref: Reference, log: IssueLog
) -> list[dict]:
    """Check each activity's ``Clauses``; return its clause links and add ``clauses`` to acts.

    Errors (unknown clause, clause of a resolution the row does not cite) reject the row;
    a clause listed twice is a warning.
    """
    if acts.empty or "clauses" not in raw.columns:
        if not acts.empty:
            acts["clauses"] = ""
        return []
    cited: dict[object, list[str]] = {}
    for link in res_links:
        cited.setdefault(link["_idx"], []).append(link["resolution_id"])
    starts = dict(zip(acts.index, acts["start_date"], strict=True))
    table = revision_table(ref.revisions)
    links: list[dict] = []
    stated: dict[object, str] = {}
    for idx, text in raw["clauses"].items():
        if text is None or idx not in acts.index:
            continue
        rec = {"_workbook": raw.at[idx, "_workbook"], "_row": raw.at[idx, "_row"]}
        parsed = parse_clauses(text, cited.get(idx, []), ref)
        for problem in parsed.problems:
            log.error(ACTIVITIES, idx, rec, "clauses", text, problem)
        for clause in parsed.repeated:
            log.warn(
                ACTIVITIES,
                rec,
                "clauses",
                text,
                f"clause {clause} is listed twice; it is counted once. Remove the repetition.",
            )
        aid = acts.at[idx, "activity_id"]
        for rid, clause in parsed.refs:
            links.append(
                {
                    "activity_id": aid,
                    "resolution_id": rid,
                    "clause_ref": clause,
                    "revision_in_force": revision_in_force(rid, starts[idx], table),
                    "_idx": idx,
                }
            )
        stated[idx] = "; ".join(c for _, c in parsed.refs)
    acts["clauses"] = [stated.get(i, "") for i in acts.index]
    return links


# ------------------------------------------------------------------ suggestions only

_STOP = frozenset(
    "the and for with from that this their other especially including relevant member states "
    "bdt itu director bureau development telecommunication instructs continue support help "
    "paraphrase under within where request".split()
)


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]{4,}", str(text).casefold())
    return {w[:6] for w in words if w not in _STOP}


def clause_suggestions(
    activities: pd.DataFrame, activity_resolutions: pd.DataFrame, ref: Reference
) -> pd.DataFrame:
    """Clauses an activity *may* implement, from the words of its quoted clause.

    A suggestion for the office (feedback workbook), never evidence for a report: a clause
    of a resolution the activity cites whose catalogue summary shares at least two word
    stems (first six letters, common words ignored) with the quoted clause, best score
    first, and not already in the activity's ``Clauses``. Returns ``activity_id``,
    ``clause_ref``, ``summary``, ``shared``.
    """
    columns = ["activity_id", "clause_ref", "summary", "shared"]
    if activities.empty or activity_resolutions.empty:
        return pd.DataFrame(columns=columns)
    clauses = ref.clauses[ref.clauses["instructs_bdt"].astype(bool)]
    stems = {c.clause_ref: _stems(c.summary) for c in clauses.itertuples(index=False)}
    summary = dict(zip(clauses["clause_ref"], clauses["summary"], strict=True))
    by_res = clauses.groupby("resolution_id")["clause_ref"].agg(list).to_dict()
    quoted = dict(zip(activities["activity_id"], activities["clause_quoted"], strict=False))
    stated_col = (
        activities["clauses"] if "clauses" in activities else pd.Series("", activities.index)
    )
    stated = {
        a: set(lookups.split_list(s)) if s else set()
        for a, s in zip(activities["activity_id"], stated_col, strict=False)
    }
    out = []
    for rec in activity_resolutions.itertuples(index=False):
        words = _stems(quoted.get(rec.activity_id) or "")
        best = max(
            ((len(words & stems[c]), c) for c in by_res.get(rec.resolution_id, [])),
            default=(0, ""),
            key=lambda pair: (pair[0], [-ord(ch) for ch in pair[1]]),
        )
        if best[0] >= 2 and best[1] not in stated.get(rec.activity_id, set()):
            out.append(
                {
                    "activity_id": rec.activity_id,
                    "clause_ref": best[1],
                    "summary": summary[best[1]],
                    "shared": best[0],
                }
            )
    return pd.DataFrame(out, columns=columns)
