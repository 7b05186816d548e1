"""Coordination between offices: lead implementor, joint activities, possible double reporting.

``Lead implementor`` names one of an activity's implementors (default: the first listed).
``Joint with`` links the IDs under which other offices report their part of the same joint
activity; links are made symmetric. Two activities of different workbooks whose titles are
near-identical, whose dates overlap and which share a beneficiary country or region, and
which are not joined by such links, are flagged as a *possible* double report: a warning
on both rows and a row of the ``possible_duplicates`` table. Their spend is kept.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from cyber_mapping.contract import ACTIVITIES
from cyber_mapping.intake import lookups
from cyber_mapping.intake.log import IssueLog, cell_text
from cyber_mapping.intake.schemas import JointLinkTable, PossibleDuplicateTable
from cyber_mapping.reference import Reference, normalise_key

SIMILARITY_THRESHOLD = 0.8
DUPLICATE_COLUMNS = [
    "activity_id_a",
    "workbook_a",
    "activity_id_b",
    "workbook_b",
    "similarity",
    "reason",
]
JOINT_COLUMNS = ["activity_id", "joint_with"]
# Words that say nothing about which activity a title names.
_TITLE_STOP = frozenset("a an and at by for in of on the to with itu bdt".split())


# ------------------------------------------------------------------ lead and joint


def validate_coordination(
    raw: pd.DataFrame,
    acts: pd.DataFrame,
    impl_links: list[dict],
    ref: Reference,
    log: IssueLog,
) -> list[dict]:
    """Check ``Lead implementor`` and ``Joint with``; add both columns to ``acts``.

    Returns the ``Joint with`` links as written (``activity_id``, ``joint_with``, ``_idx``);
    :func:`joint_links` makes them symmetric. A lead that is not one of the row's
    implementors, an unknown Activity ID or the row's own ID are errors.
    """
    if acts.empty:
        return []
    names: dict[object, list[str]] = {}
    for link in impl_links:
        names.setdefault(link["_idx"], []).append(link["implementor"])
    all_ids = {cell_text(v) for v in raw["activity_id"]} - {""}
    id_keys = {normalise_key(k): k for k in all_ids}
    # Plain dicts: a cell lookup per row through pandas would dominate the run time.
    books, rows = raw["_workbook"].to_dict(), raw["_row"].to_dict()
    lead_cells = raw["lead_implementor"].to_dict() if "lead_implementor" in raw else {}
    joint_cells = raw["joint_with"].to_dict() if "joint_with" in raw else {}
    own_ids = acts["activity_id"].to_dict()
    leads, joints, links = [], [], []
    for idx in acts.index:
        rec = {"_workbook": books[idx], "_row": rows[idx]}
        mine = names.get(idx, [])
        lead = mine[0] if mine else ""
        text = lead_cells.get(idx)
        if text is not None:
            m = lookups.match_implementor(text, ref)
            log.mapped("implementor", cell_text(text), m)
            if m.value is None:
                log.error(
                    ACTIVITIES,
                    idx,
                    rec,
                    "lead_implementor",
                    text,
                    f"'{text}' is not a known implementor.{m.hint()} Write one of the row's "
                    "Implementor(s).",
                )
            elif mine and m.value not in mine:
                log.error(
                    ACTIVITIES,
                    idx,
                    rec,
                    "lead_implementor",
                    text,
                    f"{m.value} is not one of the row's Implementor(s) ({'; '.join(mine)}). "
                    "Add it there, or choose one of them.",
                )
            else:
                lead = m.value
        leads.append(lead)
        aid = own_ids[idx]
        joined: list[str] = []
        cell = joint_cells.get(idx)
        for piece in lookups.split_list(cell) if cell is not None else []:
            other = id_keys.get(normalise_key(piece))
            if other is None:
                hint = lookups.Match(None, suggestions=lookups.suggest(piece, id_keys)).hint()
                log.error(
                    ACTIVITIES,
                    idx,
                    rec,
                    "joint_with",
                    cell,
                    f"no activity '{piece}' on any Activities sheet.{hint} Write the Activity "
                    "ID under which the other office reports its part.",
                )
            elif other == aid:
                log.error(
                    ACTIVITIES,
                    idx,
                    rec,
                    "joint_with",
                    cell,
                    f"'{piece}' is this row's own ID. List the IDs of the other offices' "
                    "parts only.",
                )
            elif other not in joined:
                joined.append(other)
                links.append({"activity_id": aid, "joint_with": other, "_idx": idx})
        joints.append("; ".join(joined))
    acts["lead_implementor"] = leads
    acts["joint_with"] = joints
    return links


def joint_links(links: pd.DataFrame, valid_ids: set[str]) -> pd.DataFrame:
    """Symmetric ``Joint with`` links between valid activities, sorted, one row per direction."""
    if links.empty:
        return pd.DataFrame(columns=JOINT_COLUMNS)
    pairs = {
        (a, b)
        for a, b in zip(links["activity_id"], links["joint_with"], strict=True)
        if a in valid_ids and b in valid_ids
    }
    pairs |= {(b, a) for a, b in pairs}
    return pd.DataFrame(sorted(pairs), columns=JOINT_COLUMNS)


def joint_groups(links: pd.DataFrame) -> dict[str, str]:
    """Activity ID -> a representative of its joint group (connected by ``Joint with``)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(links["activity_id"], links["joint_with"], strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


# ------------------------------------------------------------------ double reporting


def title_tokens(title: object) -> frozenset[str]:
    """The words of a title that identify it: folded, without accents and filler words.

    ``"ITU Regional CyberDrill for Africa, 2021"`` gives
    ``{"regional", "cyberdrill", "africa", "2021"}``.
    """
    words = re.findall(r"[a-z0-9]+", normalise_key(title))
    return frozenset(w for w in words if w not in _TITLE_STOP)


def title_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set containment: shared words / words of the shorter title (0 when either is empty).

    1.0 when one title's words all appear in the other ("Regional CyberDrill Africa 2021"
    and "ITU Regional CyberDrill for Africa 2021").
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _similar_title_pairs(
    token_sets: list[frozenset[str]], threshold: float
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of token sets at least ``threshold`` alike.

    Prefix filtering keeps this near-linear: with words ordered rarest first, two sets can
    only reach the threshold if the smaller one shares a word among its first
    ``len - ceil(threshold * len) + 1`` words with the other.
    """
    freq: dict[str, int] = {}
    for s in token_sets:
        for w in s:
            freq[w] = freq.get(w, 0) + 1
    index: dict[str, list[int]] = {}
    for i, s in enumerate(token_sets):
        for w in s:
            index.setdefault(w, []).append(i)
    found: dict[tuple[int, int], float] = {}
    for i, s in enumerate(token_sets):
        if not s:
            continue
        ordered = sorted(s, key=lambda w: (freq[w], w))
        prefix = ordered[: len(s) - math.ceil(threshold * len(s) - 1e-9) + 1]
        for w in prefix:
            for j in index[w]:
                if j == i or len(token_sets[j]) < len(s):
                    continue
                key = (min(i, j), max(i, j))
                if key not in found:
                    sim = title_similarity(s, token_sets[j])
                    if sim >= threshold - 1e-9:
                        found[key] = sim
    return [(i, j, sim) for (i, j), sim in sorted(found.items())]


def _place_sets(places: pd.DataFrame, ref: Reference) -> dict[str, tuple[set, set, set]]:
    """Activity -> (countries, regions named as such or Global, regions of its countries)."""
    region_of = ref.region_of()
    out: dict[str, tuple[set, set, set]] = {}
    for aid, iso3, region in zip(
        places["activity_id"], places["country_iso3"], places["region"], strict=True
    ):
        countries, named, implied = out.setdefault(aid, (set(), set(), set()))
        if isinstance(iso3, str) and iso3:
            countries.add(iso3)
            implied.add(region_of.get(iso3, region))
        else:
            named.add(region)
    return out


def shared_places(a: tuple[set, set, set], b: tuple[set, set, set]) -> list[str]:
    """What two activities' beneficiaries have in common (countries, then regions)."""
    countries = sorted(a[0] & b[0])
    regions = (a[1] & (b[1] | b[2])) | (b[1] & a[2])
    return countries + sorted(regions - {""})


def possible_duplicates(
    activities: pd.DataFrame,
    places: pd.DataFrame,
    links: pd.DataFrame,
    ref: Reference,
    threshold: float = SIMILARITY_THRESHOLD,
) -> pd.DataFrame:
    """Pairs of activities that may be the same work reported by two offices.

    Parameters
    ----------
    activities
        Valid activities (``activity_id``, ``workbook``, ``title``, ``start_date``,
        ``end_date``).
    places
        Their beneficiaries (``activity_id``, ``country_iso3``, ``region``).
    links
        Symmetric ``Joint with`` links (``activity_id``, ``joint_with``): pairs in the same
        joint group are not flagged.
    ref
        Reference data (regions of countries).
    threshold
        Minimum :func:`title_similarity`.

    Returns
    -------
    pandas.DataFrame
        :data:`DUPLICATE_COLUMNS`, one row per pair (``a`` sorts before ``b`` by workbook
        then ID). A pair qualifies when the workbooks differ, the titles are at least
        ``threshold`` alike, the date ranges overlap (a missing end date counts as the start
        date) and the beneficiaries share a country, or a region named by one and named or
        covered by the other (two ``Global`` activities share ``Global``).
    """
    if activities.empty:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    acts = activities.reset_index(drop=True)
    tokens = [title_tokens(t) for t in acts["title"]]
    unique = sorted(set(tokens), key=lambda s: sorted(s))
    position = {s: k for k, s in enumerate(unique)}
    members: dict[int, list[int]] = {}
    for row, s in enumerate(tokens):
        members.setdefault(position[s], []).append(row)
    pairs = [(k, k, 1.0) for k in members if unique[k]]
    pairs += _similar_title_pairs(unique, threshold)
    group = joint_groups(links) if not links.empty else {}
    place = _place_sets(places, ref)
    start = acts["start_date"].tolist()
    end = [e if pd.notna(e) else s for s, e in zip(start, acts["end_date"], strict=True)]
    names = ref.country_name()
    out = []
    for k1, k2, sim in pairs:
        for i in members[k1]:
            for j in members[k2]:
                if k1 == k2 and j <= i:
                    continue
                a, b = acts.iloc[i], acts.iloc[j]
                if a["workbook"] == b["workbook"]:
                    continue
                if pd.isna(start[i]) or pd.isna(start[j]):
                    continue
                if not (start[i] <= end[j] and start[j] <= end[i]):
                    continue
                ga, gb = group.get(a["activity_id"]), group.get(b["activity_id"])
                if ga is not None and ga == gb:
                    continue
                empty = (set(), set(), set())
                common = shared_places(
                    place.get(a["activity_id"], empty), place.get(b["activity_id"], empty)
                )
                if not common:
                    continue
                if (b["workbook"], b["activity_id"]) < (a["workbook"], a["activity_id"]):
                    a, b = b, a
                overlap_from = max(start[i], start[j])
                overlap_to = min(end[i], end[j])
                shown = [names.get(c, c) for c in common]
                out.append(
                    {
                        "activity_id_a": a["activity_id"],
                        "workbook_a": a["workbook"],
                        "activity_id_b": b["activity_id"],
                        "workbook_b": b["workbook"],
                        "similarity": round(sim, 2),
                        "reason": f"titles {sim:.0%} alike; dates overlap "
                        f"{overlap_from:%Y-%m-%d} to {overlap_to:%Y-%m-%d}; both cover "
                        + ", ".join(shown),
                    }
                )
    frame = pd.DataFrame(out, columns=DUPLICATE_COLUMNS)
    return frame.sort_values(
        ["workbook_a", "activity_id_a", "workbook_b", "activity_id_b"], kind="stable"
    ).reset_index(drop=True)


def duplicate_warnings(duplicates: pd.DataFrame, activities: pd.DataFrame, log: IssueLog) -> None:
    """A warning on both rows of each possible double report, naming the other row."""
    where = {
        a: (w, r, t)
        for a, w, r, t in zip(
            activities["activity_id"],
            activities["workbook"],
            activities["row"],
            activities["title"],
            strict=True,
        )
    }
    for rec in duplicates.itertuples(index=False):
        for me, other in (
            (rec.activity_id_a, rec.activity_id_b),
            (rec.activity_id_b, rec.activity_id_a),
        ):
            w, r, t = where[me]
            ow, orow, _ = where[other]
            log.warn(
                ACTIVITIES,
                {"_workbook": w, "_row": r},
                "title",
                t,
                f"possible double reporting: {other} ({ow}, Activities row {orow}) looks like "
                f"the same activity ({rec.reason}). If it is, keep one row and delete the "
                "other; if each office reports its own part, link them with 'Joint with'. "
                "The spend of both is counted meanwhile.",
            )


def coordination_tables(
    acts: pd.DataFrame,
    place_links: list[dict],
    joint_raw: list[dict],
    good: set[str],
    ref: Reference,
    log: IssueLog,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Possible double reports and symmetric joint links among the valid activities.

    ``good`` are the IDs of the valid activities; each possible double report is a warning
    on both its rows (see :func:`duplicate_warnings`). Returns ``(duplicates, links)``.
    """
    written = pd.DataFrame(joint_raw, columns=["activity_id", "joint_with", "_idx"])
    links = joint_links(written, good)
    JointLinkTable.validate(links, lazy=True)
    if acts.empty:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS), links
    valid = acts[acts["activity_id"].isin(good)]
    bad_idx = set(acts.index) - set(valid.index)
    places = pd.DataFrame(place_links, columns=["activity_id", "country_iso3", "region", "_idx"])
    places = places[~places["_idx"].isin(bad_idx)]
    dup = possible_duplicates(valid, places, links, ref)
    PossibleDuplicateTable.validate(dup, lazy=True)
    duplicate_warnings(dup, valid, log)
    return dup, links
