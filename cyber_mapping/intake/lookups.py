"""Look a cell's text up among canonical names: countries, places, resolutions, vocabularies.

Every lookup returns a :class:`Match` that says whether it matched exactly and, when it did
not match, the closest candidates ("did you mean …?"). Lookups never raise on bad input:
they return the problem as text, which validation turns into an issue row.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd
import pycountry

from cyber_mapping.intake import references
from cyber_mapping.reference import GLOBAL, Reference, normalise_key

_LIST_SPLIT = re.compile(r"[;\n\r]+")


@dataclass(frozen=True)
class Match:
    """Result of a lookup.

    Attributes
    ----------
    value
        The canonical value, or None when nothing matched.
    exact
        True when the text was already the canonical form (ignoring surrounding spaces).
    via
        How it matched ("name", "alias", "ISO3 code", …) or "" when it did not.
    suggestions
        Closest canonical values when it did not match.
    """

    value: str | None
    exact: bool = False
    via: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether a value was found."""
        return self.value is not None

    def hint(self) -> str:
        """The "did you mean" clause for an error message (empty when none)."""
        if not self.suggestions:
            return ""
        return " Did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"


def _similarity(text: str, key: str) -> float:
    """Best of whole-string similarity and similarity to any run of words of ``key``."""
    best = difflib.SequenceMatcher(None, text, key).ratio()
    words, width = key.split(), len(text.split())
    if len(words) > width:
        for i in range(len(words) - width + 1):
            part = " ".join(words[i : i + width])
            best = max(best, 0.95 * difflib.SequenceMatcher(None, text, part).ratio())
    return best


def suggest(text: str, keys: dict[str, str], n: int = 3, cutoff: float = 0.72) -> tuple[str, ...]:
    """Closest canonical values to ``text`` among folded ``keys`` (key -> canonical)."""
    folded = normalise_key(text)
    if not folded:
        return ()
    scored = sorted(
        ((s, key) for key in keys if (s := _similarity(folded, key)) >= cutoff),
        key=lambda pair: (-pair[0], pair[1]),
    )
    out: list[str] = []
    for _, key in scored:
        if keys[key] not in out:
            out.append(keys[key])
    return tuple(out[:n])


def lookup(text: object, keys: dict[str, str]) -> Match:
    """Match ``text`` against folded ``keys``; exact when it equals a canonical value."""
    raw = str(text).strip()
    key = normalise_key(raw)
    if key in keys:
        value = keys[key]
        return Match(value, exact=raw == value, via="exact" if raw == value else "folded")
    return Match(None, suggestions=suggest(raw, keys))


def split_list(text: object) -> list[str]:
    """Split a cell on ``;`` and line breaks, dropping empty pieces."""
    return [p.strip() for p in _LIST_SPLIT.split(str(text)) if p.strip()]


# ----------------------------------------------------------------------------- countries


def match_country(text: object, ref: Reference) -> Match:
    """Match one country written as a name, ITU name, alias, ISO2 or ISO3 code.

    Returns the ISO3 code; ``exact`` is True only for the ITU name or the ISO3 code as written.
    """
    raw = " ".join(str(text).split())
    hit = ref.country_keys.get(normalise_key(raw))
    if hit is None:
        keys = {k: ref.country_name()[iso] for k, (iso, _) in ref.country_keys.items()}
        return Match(None, suggestions=suggest(raw, keys))
    iso3, via = hit
    exact = raw == ref.country_name()[iso3] or raw == iso3
    return Match(iso3, exact=exact, via=via)


@dataclass(frozen=True)
class Place:
    """One beneficiary item: a country (with its region), a whole region, or Global."""

    country_iso3: str | None
    region: str
    text: str
    match: Match


@dataclass(frozen=True)
class PlaceList:
    """A parsed "Beneficiary countries" cell."""

    places: tuple[Place, ...] = ()
    problems: tuple[str, ...] = ()


def _match_region(text: str, ref: Reference) -> Match:
    keys = ref.vocab("region")
    return lookup(text, keys)


def parse_places(text: object, ref: Reference) -> PlaceList:
    """Parse a beneficiary cell: countries, ``Region: <name>`` items or ``Global``.

    Pieces are split on ``;`` and line breaks; a piece containing commas is split on them only
    when every comma-separated part is a recognised country, so ``Korea, Republic of`` stays
    one country while ``Kenya, Uganda`` becomes two.
    """
    region_of = ref.region_of()
    places: list[Place] = []
    problems: list[str] = []
    for piece in split_list(text):
        folded = normalise_key(piece)
        if folded in {"global", "worldwide", "all member states", "world"}:
            places.append(Place(None, GLOBAL, piece, Match(GLOBAL, exact=piece == GLOBAL)))
            continue
        m = re.match(r"^(?:itu\s+)?region\s*[:\-]\s*(.+)$", folded)
        if m:
            rmatch = _match_region(piece.split(":", 1)[-1] if ":" in piece else m.group(1), ref)
            if rmatch.ok:
                places.append(Place(None, rmatch.value, piece, rmatch))
            else:
                problems.append(
                    f"'{piece}' is not an ITU-D region.{rmatch.hint()} "
                    f"Write 'Region: ' followed by one of: {', '.join(ref.region_names)}."
                )
            continue
        cm = match_country(piece, ref)
        if cm.ok:
            places.append(Place(cm.value, region_of[cm.value], piece, cm))
            continue
        if "," in piece:
            parts = [p.strip() for p in piece.split(",") if p.strip()]
            matches = [match_country(p, ref) for p in parts]
            if all(x.ok for x in matches):
                for p, x in zip(parts, matches, strict=True):
                    places.append(Place(x.value, region_of[x.value], p, x))
                continue
            bad = [p for p, x in zip(parts, matches, strict=True) if not x.ok]
            hints = "".join(match_country(b, ref).hint() for b in bad[:2])
            problems.append(
                f"'{piece}' is not a recognised country, and splitting it on commas leaves "
                f"unrecognised piece(s) {bad}.{hints} Separate countries with ';'."
            )
            continue
        rmatch = _match_region(piece, ref)
        if rmatch.ok:
            problems.append(
                f"'{piece}' is a region, not a country. Write 'Region: {rmatch.value}' "
                "for a regional activity."
            )
            continue
        problems.append(
            f"'{piece}' is not a recognised ITU Member State.{cm.hint()} Use the ITU short "
            "name (e.g. 'Viet Nam') or the ISO code (e.g. 'VNM')."
        )
    if not places and not problems:
        problems.append("no beneficiary given. Write country names, 'Region: <name>' or 'Global'.")
    return PlaceList(tuple(places), tuple(problems))


# ----------------------------------------------------------------------------- resolutions


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
        problem=f"'{raw}': {what} is not in the package's resolutions catalogue."
        f"{Match(None, suggestions=near).hint()} Correct the reference, or add the resolution "
        "to cyber_mapping/reference/resolutions.yaml.",
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


# ----------------------------------------------------------------------------- vocabularies


def match_theme(text: object, ref: Reference) -> Match:
    """Match an activity theme from the package's theme list, case-insensitively."""
    keys = {normalise_key(t): t for t in ref.themes["theme"]}
    return lookup(text, keys)


def match_implementor(text: object, ref: Reference) -> Match:
    """Match an implementor by name, official name, city (accents optional) or alias."""
    raw = " ".join(str(text).split())
    hit = ref.implementor_keys.get(normalise_key(raw))
    if hit is None:
        keys = {k: v for k, (v, _) in ref.implementor_keys.items()}
        return Match(None, suggestions=suggest(raw, keys))
    return Match(hit[0], exact=raw == hit[0], via=hit[1])


def match_vocab(text: object, field_name: str, ref: Reference) -> Match:
    """Match a status, cost type, basis or region against the vocabulary file."""
    return lookup(text, ref.vocab(field_name))


def match_currency(text: object) -> Match:
    """Match an ISO 4217 currency code (any case); empty means CHF."""
    raw = str(text).strip()
    if raw == "":
        return Match("CHF", exact=False, via="default")
    code = raw.upper()
    if pycountry.currencies.get(alpha_3=code) is not None:
        return Match(code, exact=raw == code, via="ISO 4217")
    keys = {c.alpha_3.lower(): c.alpha_3 for c in pycountry.currencies}
    return Match(None, suggestions=suggest(raw, keys, cutoff=0.6))


@dataclass(frozen=True)
class Implementors:
    """A parsed implementor cell."""

    names: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)


def parse_implementors(text: object, ref: Reference) -> Implementors:
    """Split an implementor cell on ``;`` and line breaks and match each piece."""
    names: list[str] = []
    matches: list[Match] = []
    problems: list[str] = []
    for piece in split_list(text):
        m = match_implementor(piece, ref)
        if m.ok:
            if m.value not in names:
                names.append(m.value)
                matches.append(m)
        else:
            problems.append(
                f"'{piece}' is not a known implementor.{m.hint()} Write 'BDT (HQ)', a Regional "
                "Office (e.g. 'Regional Office for Africa') or an Area Office by city "
                "(e.g. 'Area Office Dakar')."
            )
    if not names and not problems:
        problems.append("no implementor given. Write e.g. 'BDT (HQ)'.")
    return Implementors(tuple(names), tuple(matches), tuple(problems))
