"""Check the ``Activities`` sheet: one clean row per activity, and its links.

Each row's resolution references, beneficiaries, implementors, theme, status and dates are
parsed (:mod:`cyber_mapping.intake.cleaning`); what cannot be read is an error on the cell
and a reason to quarantine the row. An Activity ID used twice is an error on every row that
uses it. The links (resolutions, places, implementors) carry their row's index, so that they
follow it into quarantine.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from cyber_mapping.contract import ACTIVITIES
from cyber_mapping.intake import cleaning
from cyber_mapping.intake.log import IssueLog, cell_text, check_required, map_distinct, row_dicts
from cyber_mapping.intake.schemas import ActivityTable, failures_to_issues
from cyber_mapping.reference import Reference


def validate_activities(
    raw: pd.DataFrame, ref: Reference, log: IssueLog
) -> tuple[pd.DataFrame, list[dict], list[dict], list[dict]]:
    """Check the raw Activities rows; problems go to ``log``.

    Returns
    -------
    tuple
        The activities (one row per raw row, ``_idx`` its raw index) and their resolution,
        place and implementor links (dicts, each with the ``_idx`` of its activity).
    """
    sheet = ACTIVITIES
    check_required(log, sheet, raw)
    themes = dict(zip(ref.themes["theme"], ref.themes["gfce_theme"], strict=True))
    res_cache: dict[str, cleaning.ResolutionRef] = {}
    records, res_links, place_links, impl_links = [], [], [], []
    places_of = map_distinct(raw["beneficiaries"], lambda v: cleaning.parse_places(v, ref))
    impl_of = map_distinct(raw["implementors"], lambda v: cleaning.parse_implementors(v, ref))
    theme_of = map_distinct(raw["theme"], lambda v: cleaning.match_theme(v, ref))
    status_of = map_distinct(raw["status"], lambda v: cleaning.match_vocab(v, "status", ref))
    start_of = map_distinct(raw["start_date"], cleaning.parse_date)
    end_of = map_distinct(raw["end_date"], lambda v: cleaning.parse_date(v, end_of_month=True))
    rows = row_dicts(raw)
    for idx, rec in rows.items():
        aid = cell_text(rec["activity_id"])
        # Resolution references: several per cell.
        res_ids: list[tuple[str, str]] = []
        if rec["resolution_refs"] is not None:
            for piece in cleaning.split_list(rec["resolution_refs"]):
                parsed = res_cache.get(piece) or cleaning.parse_resolution(piece, ref)
                res_cache[piece] = parsed
                log.mapped("resolution", piece, parsed.match)
                if parsed.problem:
                    log.error(sheet, idx, rec, "resolution_refs", piece, parsed.problem)
                elif parsed.match.value in [r for r, _ in res_ids]:
                    log.warn(
                        sheet,
                        rec,
                        "resolution_refs",
                        piece,
                        f"{parsed.match.value} is listed twice; it is counted once. "
                        "Remove the repetition.",
                    )
                else:
                    res_ids.append((parsed.match.value, parsed.revision_text))
        res_shares = cleaning.parse_shares(rec["resolution_shares"], len(res_ids))
        if res_shares.problem and res_ids:
            log.error(
                sheet, idx, rec, "resolution_shares", rec["resolution_shares"], res_shares.problem
            )
        places = places_of[idx]
        place_list = places.places if places is not None else ()
        if places is not None:
            for p in place_list:
                log.mapped("country" if p.country_iso3 else "region", p.text, p.match)
            for problem in places.problems:
                log.error(sheet, idx, rec, "beneficiaries", rec["beneficiaries"], problem)
        if len({(p.country_iso3, p.region) for p in place_list}) < len(place_list):
            log.error(
                sheet,
                idx,
                rec,
                "beneficiaries",
                rec["beneficiaries"],
                "a beneficiary is listed twice. List each country once.",
            )
        c_shares = cleaning.parse_shares(rec["country_shares"], len(place_list))
        if c_shares.problem and place_list:
            log.error(sheet, idx, rec, "country_shares", rec["country_shares"], c_shares.problem)
        impls = impl_of[idx]
        if impls is not None:
            for name, m in zip(impls.names, impls.matches, strict=True):
                log.mapped("implementor", name, m)
            for problem in impls.problems:
                log.error(sheet, idx, rec, "implementors", rec["implementors"], problem)
        theme = theme_of[idx]
        if theme is not None:
            log.mapped("theme", cell_text(rec["theme"]), theme)
            if not theme.ok:
                log.error(
                    sheet,
                    idx,
                    rec,
                    "theme",
                    rec["theme"],
                    f"'{rec['theme']}' is not one of the package's themes.{theme.hint()} "
                    "Choose a theme from the template's drop-down list.",
                )
        status = status_of[idx]
        if status is not None and not status.ok:
            log.error(
                sheet,
                idx,
                rec,
                "status",
                rec["status"],
                f"'{rec['status']}' is not a status.{status.hint()} "
                "Write Completed, Ongoing or Planned.",
            )
        start, end = start_of[idx], end_of[idx]
        for col, parsed in (("start_date", start), ("end_date", end)):
            if parsed is not None and parsed.problem:
                log.error(sheet, idx, rec, col, rec[col], parsed.problem)
        records.append(
            {
                "activity_id": aid,
                "workbook": rec["_workbook"],
                "sheet": sheet.title,
                "row": int(rec["_row"]),
                "resolution_ids": "; ".join(r for r, _ in res_ids),
                "resolution_refs_text": cell_text(rec["resolution_refs"]),
                "clause_quoted": cell_text(rec["clause_quoted"]),
                "theme": theme.value if theme is not None and theme.ok else "",
                "gfce_theme": themes.get(theme.value, "") if theme is not None else "",
                "title": cell_text(rec["title"]),
                "description": cell_text(rec["description"]),
                "beneficiaries": "; ".join(
                    p.country_iso3 or f"Region: {p.region}" if p.region != "Global" else "Global"
                    for p in place_list
                ),
                "beneficiary_kind": _kind(place_list),
                "implementors": "; ".join(impls.names) if impls is not None else "",
                "partners": cell_text(rec["partners"]),
                "status": status.value if status is not None and status.ok else "",
                "start_date": pd.Timestamp(start.value) if start and start.value else pd.NaT,
                "end_date": pd.Timestamp(end.value) if end and end.value else pd.NaT,
                "outputs_text": cell_text(rec["outputs_text"]),
                "outcomes_text": cell_text(rec["outcomes_text"]),
                "_idx": idx,
            }
        )
        weights = res_shares.weights or (1,) * len(res_ids)
        for pos, ((rid, rev), w) in enumerate(zip(res_ids, weights, strict=False)):
            res_links.append(
                {
                    "activity_id": aid,
                    "position": pos,
                    "resolution_id": rid,
                    "revision_text": rev,
                    "weight": w,
                    "_idx": idx,
                }
            )
        weights = c_shares.weights or (1,) * len(place_list)
        for pos, (p, w) in enumerate(zip(place_list, weights, strict=False)):
            place_links.append(
                {
                    "activity_id": aid,
                    "position": pos,
                    "country_iso3": p.country_iso3,
                    "region": p.region,
                    "weight": w,
                    "_idx": idx,
                }
            )
        for pos, name in enumerate(impls.names if impls is not None else ()):
            impl_links.append(
                {"activity_id": aid, "position": pos, "implementor": name, "_idx": idx}
            )
    acts = pd.DataFrame(records, index=raw.index) if records else _empty_activities()
    _duplicates(raw, log)
    if not acts.empty:
        try:
            ActivityTable.validate(acts.drop(columns="_idx"), lazy=True)
        except pa.errors.SchemaErrors as exc:
            headers = {c.name: c.header for c in sheet.columns}
            headers.update(
                {"resolution_ids": "Resolution references", "gfce_theme": "Activity theme"}
            )
            found, reasons = failures_to_issues(exc, acts, headers)
            log.merge_schema_failures(sheet, found, reasons)
    return acts, res_links, place_links, impl_links


def _kind(places) -> str:
    kinds = {
        "country" if p.country_iso3 else ("global" if p.region == "Global" else "region")
        for p in places
    }
    return "; ".join(sorted(kinds))


def _empty_activities() -> pd.DataFrame:
    return pd.DataFrame(columns=["activity_id", "workbook", "sheet", "row", "_idx"])


def _duplicates(raw: pd.DataFrame, log: IssueLog) -> None:
    ids = raw["activity_id"].map(cell_text)
    dup = ids[(ids != "") & ids.duplicated(keep=False)]
    for aid, group in dup.groupby(dup):
        places = "; ".join(
            f"{raw.at[i, '_workbook']} Activities row {raw.at[i, '_row']}" for i in group.index
        )
        for idx in group.index:
            log.error(
                ACTIVITIES,
                idx,
                raw.loc[idx],
                "activity_id",
                aid,
                f"Activity ID '{aid}' is used {len(group)} times ({places}). "
                "Give each activity its own ID.",
            )
