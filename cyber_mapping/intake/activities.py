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
from cyber_mapping.intake import cleaning, lookups, resolutions
from cyber_mapping.intake.log import (
    BdtTodo,
    IssueLog,
    cell_text,
    check_required,
    map_distinct,
    row_dicts,
)
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
    check_required(log, ACTIVITIES, raw)
    themes = dict(zip(ref.themes["theme"], ref.themes["gfce_theme"], strict=True))
    res_cache: dict[str, resolutions.ResolutionRef] = {}
    records, res_links, place_links, impl_links = [], [], [], []
    # Each distinct cell is parsed once (many rows repeat a country list or a theme).
    places_of = map_distinct(raw["beneficiaries"], lambda v: lookups.parse_places(v, ref))
    impl_of = map_distinct(raw["implementors"], lambda v: lookups.parse_implementors(v, ref))
    theme_of = map_distinct(raw["theme"], lambda v: lookups.match_theme(v, ref))
    status_of = map_distinct(raw["status"], lambda v: lookups.match_vocab(v, "status", ref))
    start_of = map_distinct(raw["start_date"], cleaning.parse_date)
    end_of = map_distinct(raw["end_date"], lambda v: cleaning.parse_date(v, end_of_month=True))
    for idx, rec in row_dicts(raw).items():
        aid = cell_text(rec["activity_id"])
        res_ids = _resolutions(log, idx, rec, ref, res_cache)
        res_shares = _shares(log, idx, rec, "resolution_shares", len(res_ids))
        place_list = _beneficiaries(log, idx, rec, places_of[idx])
        c_shares = _shares(log, idx, rec, "country_shares", len(place_list))
        impls = _implementors(log, idx, rec, impl_of[idx])
        theme = _theme(log, idx, rec, theme_of[idx])
        status = _status(log, idx, rec, status_of[idx])
        start, end = start_of[idx], end_of[idx]
        for col, parsed in (("start_date", start), ("end_date", end)):
            if parsed is not None and parsed.problem:
                log.error(ACTIVITIES, idx, rec, col, rec[col], parsed.problem)
        records.append(
            {
                "activity_id": aid,
                "workbook": rec["_workbook"],
                "sheet": ACTIVITIES.title,
                "row": int(rec["_row"]),
                "resolution_ids": "; ".join(r.match.value for r in res_ids),
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
        res_links += _resolution_links(aid, idx, res_ids, res_shares)
        place_links += _place_links(aid, idx, place_list, c_shares)
        impl_links += [
            {"activity_id": aid, "position": pos, "implementor": name, "_idx": idx}
            for pos, name in enumerate(impls.names if impls is not None else ())
        ]
    acts = pd.DataFrame(records, index=raw.index) if records else _empty_activities()
    _duplicates(raw, log)
    _check_schema(acts, log)
    return acts, res_links, place_links, impl_links


def _resolutions(
    log: IssueLog, idx: int, rec: dict, ref: Reference, cache: dict[str, resolutions.ResolutionRef]
) -> list[resolutions.ResolutionRef]:
    """The row's resolutions, parsed (id, revision as written and as labelled), each once.

    Several references per cell; one that cannot be read is an error, one listed twice a
    warning. ``cache`` keeps each reference parsed once across rows.
    """
    res_ids: list[resolutions.ResolutionRef] = []
    if rec["resolution_refs"] is None:
        return res_ids
    for piece in lookups.split_list(rec["resolution_refs"]):
        parsed = cache.get(piece) or resolutions.parse_resolution(piece, ref)
        cache[piece] = parsed
        log.mapped("resolution", piece, parsed.match)
        if parsed.problem:
            todo = None
            if parsed.missing_id:
                todo = BdtTodo(
                    "resolution",
                    parsed.missing_id,
                    "cyber_mapping/reference/resolutions.yaml",
                    f"add {parsed.missing_id} with its revisions and source, if it exists",
                )
            log.error(ACTIVITIES, idx, rec, "resolution_refs", piece, parsed.problem, todo)
        elif parsed.match.value in [r.match.value for r in res_ids]:
            log.warn(
                ACTIVITIES,
                rec,
                "resolution_refs",
                piece,
                f"{parsed.match.value} is listed twice; it is counted once. "
                "Remove the repetition.",
            )
        else:
            res_ids.append(parsed)
    return res_ids


def _shares(log: IssueLog, idx: int, rec: dict, col: str, n_items: int) -> cleaning.Shares:
    """The explicit shares in column ``col`` for ``n_items`` items; an error if they don't fit."""
    shares = cleaning.parse_shares(rec[col], n_items)
    if shares.problem and n_items:
        log.error(ACTIVITIES, idx, rec, col, rec[col], shares.problem)
    return shares


def _beneficiaries(
    log: IssueLog, idx: int, rec: dict, places: lookups.PlaceList | None
) -> tuple[lookups.Place, ...]:
    """The row's beneficiaries (countries, regions or Global); each may be listed once."""
    place_list = places.places if places is not None else ()
    if places is not None:
        for p in place_list:
            log.mapped("country" if p.country_iso3 else "region", p.text, p.match)
        for problem in places.problems:
            log.error(ACTIVITIES, idx, rec, "beneficiaries", rec["beneficiaries"], problem)
    seen: dict[tuple, str] = {}
    twice: list[str] = []
    for p in place_list:
        key = (p.country_iso3, p.region)
        if key in seen and seen[key] not in twice:
            twice.append(seen[key])
        seen.setdefault(key, p.text)
    if twice:
        names = " and ".join(f"'{name}'" for name in twice)
        log.error(
            ACTIVITIES,
            idx,
            rec,
            "beneficiaries",
            rec["beneficiaries"],
            f"{names} {'is' if len(twice) == 1 else 'are'} listed twice. List each country once.",
        )
    return place_list


def _implementors(
    log: IssueLog, idx: int, rec: dict, impls: lookups.Implementors | None
) -> lookups.Implementors | None:
    """The row's implementors, each recorded in the mapping trail; unknown ones are errors."""
    if impls is not None:
        for name, m in zip(impls.names, impls.matches, strict=True):
            log.mapped("implementor", name, m)
        for problem in impls.problems:
            log.error(ACTIVITIES, idx, rec, "implementors", rec["implementors"], problem)
    return impls


def _theme(
    log: IssueLog, idx: int, rec: dict, theme: lookups.Match | None
) -> lookups.Match | None:
    """The row's theme, from the package's theme list (anything else is an error)."""
    if theme is not None:
        log.mapped("theme", cell_text(rec["theme"]), theme)
        if not theme.ok:
            log.error(
                ACTIVITIES,
                idx,
                rec,
                "theme",
                rec["theme"],
                f"'{rec['theme']}' is not one of the package's themes.{theme.hint()} "
                "Choose a theme from the template's drop-down list.",
            )
    return theme


def _status(
    log: IssueLog, idx: int, rec: dict, status: lookups.Match | None
) -> lookups.Match | None:
    """The row's status: Completed, Ongoing or Planned (anything else is an error)."""
    if status is not None and not status.ok:
        log.error(
            ACTIVITIES,
            idx,
            rec,
            "status",
            rec["status"],
            f"'{rec['status']}' is not a status.{status.hint()} "
            "Write Completed, Ongoing or Planned.",
        )
    return status


def _resolution_links(
    aid: str, idx: int, res_ids: list[resolutions.ResolutionRef], shares: cleaning.Shares
) -> list[dict]:
    """One link per resolution, weighted by its explicit share (equal weights without).

    The revision the office wrote is kept (``revision_text`` as written, ``revision_written``
    as the catalogue labels it); ``_revision_unknown`` says a revision was written that the
    catalogue does not know, for :func:`cyber_mapping.intake.clauses.revision_warnings`.
    """
    weights = shares.weights or (1,) * len(res_ids)
    return [
        {
            "activity_id": aid,
            "position": pos,
            "resolution_id": r.match.value,
            "revision_text": r.revision_text,
            "revision_written": r.revision_written,
            "weight": w,
            "_idx": idx,
            "_revision_unknown": r.revision_unknown,
        }
        for pos, (r, w) in enumerate(zip(res_ids, weights, strict=False))
    ]


def _place_links(
    aid: str, idx: int, place_list: tuple[lookups.Place, ...], shares: cleaning.Shares
) -> list[dict]:
    """One link per beneficiary, weighted by its explicit share (equal weights without)."""
    weights = shares.weights or (1,) * len(place_list)
    return [
        {
            "activity_id": aid,
            "position": pos,
            "country_iso3": p.country_iso3,
            "region": p.region,
            "weight": w,
            "_idx": idx,
        }
        for pos, (p, w) in enumerate(zip(place_list, weights, strict=False))
    ]


def _check_schema(acts: pd.DataFrame, log: IssueLog) -> None:
    """Check the activities against :class:`ActivityTable`, skipping cells already reported."""
    if acts.empty:
        return
    try:
        ActivityTable.validate(acts.drop(columns="_idx"), lazy=True)
    except pa.errors.SchemaErrors as exc:
        headers = {c.name: c.header for c in ACTIVITIES.columns}
        headers.update({"resolution_ids": "Resolution references", "gfce_theme": "Activity theme"})
        found, reasons = failures_to_issues(exc, acts, headers)
        log.merge_schema_failures(ACTIVITIES, found, reasons)


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
