"""Quarantine and the clean tables: what validation keeps, what it sets aside, and the balance.

A row with a reason in the issue log is rejected: it goes to the ``quarantine`` table with
its reasons (and its amount, where one could be read), never dropped silently. The rows of a
rejected activity (its expenditure, results, links) follow it. The reconciliation checks
that the CHF read equals the CHF processed plus the CHF quarantined, to the cent.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.contract import ISSUE_COLUMNS, QUARANTINE_COLUMNS, Sheet
from cyber_mapping.intake import clauses, lookups, results
from cyber_mapping.intake.log import IssueLog
from cyber_mapping.reference import normalise_key


def rejected(log: IssueLog, key: str) -> set:
    """Index of the rows of sheet ``key`` that have a reason to be quarantined."""
    return {i for (k, i), why in log.reasons.items() if k == key and why}


def rejected_rows(log: IssueLog) -> dict[str, set]:
    """:func:`rejected` for each sheet whose rows can be quarantined, by issue-log key."""
    return {key: rejected(log, key) for key in ("activities", "expenditure", "outputs", "results")}


def rejected_activities(acts: pd.DataFrame, log: IssueLog) -> dict[str, str]:
    """Activity ID -> where the rejected activity is (``<workbook> Activities row <n>``)."""
    return {
        acts.at[idx, "activity_id"]: f"{acts.at[idx, 'workbook']} Activities row "
        f"{acts.at[idx, 'row']}"
        for (key, idx) in list(log.reasons)
        if key == "activities" and log.reasons[(key, idx)]
    }


def valid_activity_ids(acts: pd.DataFrame, log: IssueLog) -> set[str]:
    """The IDs of the activities that are not rejected."""
    bad = rejected(log, "activities")
    if acts.empty:
        return set()
    return set(acts.loc[[i for i in acts.index if i not in bad], "activity_id"])


def check_activity_ids(
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
            hint = lookups.Match(None, suggestions=lookups.suggest(aid, ids)).hint()
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
        "funder_agency": _TEXT,
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
        "revision_written": _TEXT,
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


def or_empty(frame: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """``frame``, or, when it has no rows, an empty table with every column of ``name``."""
    if frame is not None and not frame.empty:
        return frame
    columns = EMPTY_COLUMNS[name]
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def quarantine_table(
    frames: dict[str, pd.DataFrame | None], bad: dict[str, set], log: IssueLog
) -> pd.DataFrame:
    """One row per rejected row of ``frames`` (by sheet key, in order), with its reasons.

    An expenditure row keeps its amount where it could be read: in CHF (``amount_cents``,
    where it could be converted) and as written (``currency``, ``amount_original``).
    """
    quarantine: list[dict[str, object]] = []
    for key, frame in frames.items():
        if frame is None:
            continue
        amount = key == "expenditure"
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
    q = pd.DataFrame(
        quarantine, columns=[*QUARANTINE_COLUMNS, "amount_cents", "currency", "amount_original"]
    )
    q["amount_original"] = q["amount_original"].astype("float64")
    q["row"] = q["row"].astype("Int64")
    q["amount_cents"] = q["amount_cents"].astype("Int64")
    return q.sort_values(["workbook", "sheet", "row"], kind="stable").reset_index(drop=True)


def clean_tables(
    acts: pd.DataFrame,
    res_links: list[dict],
    place_links: list[dict],
    impl_links: list[dict],
    exp: pd.DataFrame | None,
    outs: pd.DataFrame | None,
    bad: dict[str, set],
) -> dict[str, pd.DataFrame]:
    """The version-1 clean tables without their rejected rows (nor the links of those)."""
    good_a = acts.drop(index=list(bad["activities"])) if not acts.empty else acts
    good_ids = set(good_a["activity_id"]) if not good_a.empty else set()

    def links(rows):
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        return (
            frame[frame["activity_id"].isin(good_ids) & ~frame["_idx"].isin(bad["activities"])]
            # The private columns (``_idx``, ``_revision_unknown``) stay in validation.
            .drop(columns=[c for c in frame.columns if c.startswith("_")])
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
    return {
        "activities": or_empty(
            good_a.drop(columns="_idx", errors="ignore").reset_index(drop=True), "activities"
        ),
        "activity_resolutions": or_empty(links(res_links), "activity_resolutions"),
        "activity_places": or_empty(links(place_links), "activity_places"),
        "activity_implementors": or_empty(links(impl_links), "activity_implementors"),
        "expenditure": or_empty(good_e, "expenditure"),
        "outputs": or_empty(
            good_o.drop(columns="_idx", errors="ignore").reset_index(drop=True), "outputs"
        ),
    }


def clean_results(
    res: pd.DataFrame | None, outs: pd.DataFrame | None, log: IssueLog
) -> pd.DataFrame:
    """The results of both sheets (Results, then Outputs) without their rejected rows."""
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
    return rows[results.RESULT_COLUMNS].reset_index(drop=True)


def clean_clause_links(clause_links: list[dict], good: set[str], log: IssueLog) -> pd.DataFrame:
    """The clause links of the activities that are kept."""
    links = pd.DataFrame(clause_links, columns=[*clauses.CLAUSE_LINK_COLUMNS, "_idx"])
    links = links[
        links["activity_id"].isin(good) & ~links["_idx"].isin(rejected(log, "activities"))
    ]
    return links.drop(columns="_idx").reset_index(drop=True)


def issues_table(log: IssueLog) -> pd.DataFrame:
    """Every issue of the run, sorted by workbook, sheet, row and column."""
    issues = pd.DataFrame(log.issues, columns=list(ISSUE_COLUMNS))
    issues["row"] = issues["row"].astype("Int64")
    return issues.sort_values(
        ["workbook", "sheet", "row", "column"], na_position="first", kind="stable"
    ).reset_index(drop=True)


def mappings_table(log: IssueLog) -> pd.DataFrame:
    """How each text was mapped (kind, text, value, exact, via, suggestions), sorted."""
    mappings = pd.DataFrame(
        list(log.mappings.values()),
        columns=["kind", "text", "value", "exact", "via", "suggestions"],
    )
    return mappings.sort_values(["kind", "text"], kind="stable").reset_index(drop=True)


def reconciliation(
    exp: pd.DataFrame | None, good_e: pd.DataFrame, q: pd.DataFrame
) -> dict[str, object]:
    """CHF read, processed and quarantined (integer cents), and what could not be converted.

    Each total is given net and gross (the sum of absolute amounts), and the quarantined
    negative amounts on their own, so that set-aside money never cancels out. Sums are
    Python integers, exact however large. Every readable amount is either in
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
    processed = [int(c) for c in good_e["chf_cents"]] if not good_e.empty else []
    quarantined = [int(c) for c in q["amount_cents"].dropna()]
    return {
        "chf_cents_read": sum(chf),
        "chf_cents_processed": sum(processed),
        "chf_cents_quarantined": sum(quarantined),
        # Gross (absolute) sums: set-aside rows of +1,000,000 and -1,000,000 must not net
        # to nothing. Each row is processed or quarantined, so gross reconciles as net does.
        "chf_cents_read_gross": sum(abs(c) for c in chf),
        "chf_cents_processed_gross": sum(abs(c) for c in processed),
        "chf_cents_quarantined_gross": sum(abs(c) for c in quarantined),
        "chf_cents_quarantined_negative": sum(c for c in quarantined if c < 0),
        "unconverted_cents": dict(sorted(unconverted.items())),
        "rows_amount_unreadable": int((~exp["_readable"].astype(bool)).sum()),
        "rows_amount_unconverted": sum(
            1 for c in exp.get("_unconverted", []) if isinstance(c, str) and c
        ),
    }
