"""Which catalogue Resolution a reference names, in any form people write it.

:func:`parse_resolution` reads a reference with the grammar of
:mod:`cyber_mapping.intake.references` (the words of the six languages, from reference
data) and looks it up in the catalogue: the id, the revision the office wrote, and when it
does not match, the problem and the closest resolutions ("did you mean …?"), never one
whose number starts with a conference year that was written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.intake import references
from cyber_mapping.intake.lookups import Match, suggest
from cyber_mapping.reference import Reference, normalise_key


@dataclass(frozen=True)
class ResolutionRef:
    """One parsed resolution reference.

    Attributes
    ----------
    revision_text
        The revision as written (``Rev. Kigali, 2022``, ``PP-18``), "" when none.
    revision_written
        That revision as the catalogue labels it (``Rev. Dubai, 2018``); "" when nothing is
        written or the catalogue knows no such revision of the resolution.
    revision_unknown
        True when a conference, place or year is written that is no known revision.
    """

    text: str
    match: Match
    revision_text: str = ""
    problem: str = ""
    revision_written: str = ""
    revision_unknown: bool = False
    # The id a readable reference names when the catalogue lacks it (e.g. ``WTDC-99``): the
    # row then waits for BDT to add the resolution, unless the office mistyped it.
    missing_id: str = ""


_EXAMPLE = "Write e.g. 'PP-130', 'PP-18 Res. 130' or 'WTDC Resolution 45 (Rev. Kigali, 2022)'."


def conference_codes(ref: Reference) -> dict[str, str]:
    """``PP-18`` -> ``Dubai, 2018``: every conference of the reference data by its code."""
    codes = {
        f"{c.body}-{str(c.year)[-2:]}": f"{c.place}, {c.year}"
        for c in ref.conferences.itertuples(index=False)
    }
    for code, label in zip(ref.revisions["conference"], ref.revisions["label"], strict=True):
        codes.setdefault(code, str(label).removeprefix("Rev. "))
    return codes


def _infer_bodies(reading: references.Reading, ref: Reference) -> set[str]:
    """Bodies whose conference city (and year, if written) appear in the revision text."""
    years = {str(y) for y in reading.years}
    return {
        conf.body
        for conf in ref.conferences.itertuples(index=False)
        if conf.place in reading.places and (not years or conf.year in years)
    }


def written_revision(rid: str, reading: references.Reading, ref: Reference) -> tuple[str, bool]:
    """The catalogue label of the revision of ``rid`` the text names, and whether it names one.

    A conference with its year (``PP-18``, ``CMDT-2017``) is that conference's revision;
    else the city and year written (``Kigali``, ``2022``) select among ``rid``'s revisions.
    Returns ``("", False)`` when nothing is written, ``("", True)`` when what is written is
    no revision of ``rid`` in the catalogue (or could be several).
    """
    revs = ref.revisions[ref.revisions["resolution_id"] == rid]
    years = set(reading.years)
    # The number glued to the conference is its year only when the word for "Resolution"
    # carries the resolution's number (``PP-18 Res 130``; in ``PP-130`` it is the number).
    if reading.glued is not None and reading.body and reading.number is not None:
        code = f"{reading.body}-{reading.glued % 100:02d}"
        hit = revs[revs["conference"] == code]
        if len(hit) == 1:
            return str(hit["label"].iloc[0]), True
        if reading.glued >= 1900:
            years.add(reading.glued)
        elif not years and not reading.places:
            return "", True
    if not years and not reading.places:
        return "", False
    keep = pd.Series(True, index=revs.index)
    if years:
        keep &= revs["label"].map(lambda label: any(str(y) in label for y in years))
    for place in reading.places:
        keep &= revs["label"].map(lambda label, p=place: p in label)
    hit = revs[keep]
    return (str(hit["label"].iloc[0]), True) if len(hit) == 1 else ("", True)


def parse_resolution(text: object, ref: Reference) -> ResolutionRef:
    """Parse one reference such as ``PP-18 Res 130`` or ``Résolution 67 (CMDT-17)``.

    The words, conferences and cities come from ``reference/resolution_words.csv`` (see
    :mod:`cyber_mapping.intake.references`). The body comes from the conference named or,
    failing that, from the conference city in the revision text (Kigali means WTDC); a number
    found in several bodies of the catalogue with nothing to decide between them is ambiguous
    and reported with its candidates.
    """
    raw = " ".join(str(text).split())
    reading = references.read_reference(raw, ref)
    catalogue = ref.resolutions
    number, codes = reading.number, conference_codes(ref)
    if number is None and reading.bodies:
        number = reading.glued if reading.glued is not None and reading.glued < 1000 else None
    if number is None:
        number = reading.bare
    explained = not reading.unknown or reading.revision_word or reading.years
    if number is None or not explained or len(reading.bodies) > 1:
        return _not_a_reference(raw, reading, ref, codes)
    body = reading.body
    revision = reading.rest
    if reading.conference_text and reading.number is not None:
        revision = ", ".join(t for t in (reading.conference_text, revision) if t)
    candidates = catalogue[catalogue["number"] == number]
    if body:
        chosen = candidates[candidates["body"] == body]
    else:
        inferred = _infer_bodies(reading, ref)
        chosen = candidates[candidates["body"].isin(inferred)] if inferred else candidates
    ids = list(chosen["resolution_id"])
    if len(ids) == 1:
        rid = ids[0]
        label, named = written_revision(rid, reading, ref)
        match = Match(rid, exact=raw == rid, via="parsed")
        return ResolutionRef(raw, match, revision, "", label, named and not label)
    if len(ids) > 1:
        return ResolutionRef(
            raw,
            Match(None, suggestions=tuple(ids)),
            revision,
            problem=f"'{raw}' is ambiguous: resolution {number} exists as {' and '.join(ids)}. "
            f"Write the body, e.g. '{ids[0]}'.",
        )
    code = f"{body}-{number:02d}"
    if reading.number is None and body and code in codes:
        return _conference_alone(raw, code, codes[code], ref)
    near = closest_resolutions(catalogue, body, number, years=_banned(reading, number, body, ref))
    what = f"{body} Resolution {number}" if body else f"Resolution {number}"
    return ResolutionRef(
        raw,
        Match(None, suggestions=near),
        revision,
        problem=f"'{raw}': {what} is not in the package's resolutions catalogue yet."
        f"{Match(None, suggestions=near).hint()} Correct the reference if it is mistyped; "
        "if it is right, the row waits for BDT to add the resolution.",
        missing_id=f"{body}-{number}" if body else f"Resolution {number}",
    )


def _banned(reading: references.Reading, number: int, body: str, ref: Reference) -> set[str]:
    """The two-digit conference years a suggestion must not start with.

    The year glued to the conference (``18`` of ``PP-18 Res 999``), and ``number`` itself
    when it is a year of ``body``'s conferences (of any body's when ``body`` is '').
    """
    conf = ref.conferences
    if body:
        conf = conf[conf["body"] == body]
    years = {str(y)[-2:] for y in conf["year"]}
    banned = {f"{number:02d}"} & years
    if reading.glued is not None and reading.number is not None:
        banned.add(f"{reading.glued % 100:02d}")
    return banned


def _conference_alone(raw: str, code: str, held: str, ref: Reference) -> ResolutionRef:
    """``PP-18`` alone names a conference: suggest the catalogue's resolutions it revised."""
    revised = ref.revisions.loc[ref.revisions["conference"] == code, "resolution_id"]
    near = tuple(dict.fromkeys(revised))[:3]
    return ResolutionRef(
        raw,
        Match(None, suggestions=near),
        problem=f"'{raw}' names a conference ({code}: {held}), not a resolution."
        f"{Match(None, suggestions=near).hint()} Write the resolution's number after the "
        f"conference, e.g. '{code} Res. {near[0].split('-')[-1] if near else '130'}'.",
    )


def _not_a_reference(
    raw: str, reading: references.Reading, ref: Reference, codes: dict[str, str]
) -> ResolutionRef:
    """A text the grammar cannot read: the closest ids by the number it carries, if any."""
    catalogue = ref.resolutions
    if len(reading.bodies) > 1:
        near = ()
        problem = (
            f"'{raw}' names two conferences ({' and '.join(reading.bodies)}). If these are "
            f"two references, separate them with ';'; else keep the conference whose "
            f"resolution is meant. {_EXAMPLE}"
        )
        return ResolutionRef(raw, Match(None), problem=problem)
    number = reading.number or reading.bare or reading.glued
    if reading.bodies and reading.number is None and reading.glued is not None:
        code = f"{reading.body}-{reading.glued % 100:02d}"
        if code in codes:
            return _conference_alone(raw, code, codes[code], ref)
    if number is not None and number < 1000:
        body = reading.body or _body_guess(raw)
        near = closest_resolutions(
            catalogue, body, number, years=_banned(reading, number, body, ref)
        )
    else:
        ids = dict(zip(catalogue["resolution_id"].map(normalise_key), catalogue["resolution_id"]))
        near = suggest(raw, ids)
    unknown = f" ('{', '.join(reading.unknown)}' not understood)" if reading.unknown else ""
    return ResolutionRef(
        raw,
        Match(None, suggestions=near),
        problem=f"'{raw}' is not a resolution reference{unknown}."
        f"{Match(None, suggestions=near).hint()} {_EXAMPLE}",
    )


def _body_guess(text: str) -> str:
    """The body a misspelt reference most likely names ("WTCD" is WTDC), or ''."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    for word in words:
        best = suggest(word, {"pp": "PP", "wtdc": "WTDC", "wtsa": "WTSA"}, n=1, cutoff=0.7)
        if best:
            return best[0]
    return ""


def closest_resolutions(
    catalogue: pd.DataFrame, body: str, number: int, n: int = 3, years: set[str] | None = None
) -> tuple[str, ...]:
    """Catalogue ids nearest to ``body`` + ``number``.

    The same number in any body comes first, then the same body, then the number sharing most
    digits, then the nearest number: ``PP 131`` suggests PP-130; ``Resolution 13`` suggests
    PP-130 (shared digits); ``WTDC 46`` suggests WTDC-45 before WTDC-40. ``years`` are the
    two-digit conference years written or that ``number`` may be: no resolution whose number
    merely starts with one is proposed (no PP-181 for ``PP-18`` or ``PP-18 Res 999``).
    """

    def rank(row: tuple[str, str, int]) -> tuple[int, int, float, int, str]:
        rid, rbody, rnum = row
        digits = difflib.SequenceMatcher(None, str(number), str(rnum)).ratio()
        other_body = 0 if not body or rbody == body else 1
        return (int(rnum != number), other_body, -digits, abs(rnum - number), rid)

    rows = zip(catalogue["resolution_id"], catalogue["body"], catalogue["number"], strict=True)
    banned = tuple(years or ())
    ranked = sorted(
        ((r, b, int(k)) for r, b, k in rows if not str(k).startswith(banned) or k == number),
        key=rank,
    )
    return tuple(r for r, _, _ in ranked[:n])
