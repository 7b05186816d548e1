"""Look a cell's text up among canonical names: countries, places, vocabularies, funders.

Every lookup returns a :class:`Match` that says whether it matched exactly and, when it did
not match, the closest candidates ("did you mean …?"). Lookups never raise on bad input:
they return the problem as text, which validation turns into an issue row. Resolution
references have their own module (:mod:`cyber_mapping.intake.resolutions`).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

import pycountry

from cyber_mapping.reference import GLOBAL, Reference, name_key, normalise_key

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
    """Best of whole-string similarity and similarity to any run of words of ``key``.

    Runs are compared with and without their spaces, so that a compound written as one
    word ("cyberdrills") is close to the words it joins ("cyber drills and exercises").
    """
    best = difflib.SequenceMatcher(None, text, key).ratio()
    words, width = key.split(), len(text.split())
    compact = text.replace(" ", "")
    for size in {width, width + 1}:
        if len(words) <= size:
            continue
        for i in range(len(words) - size + 1):
            part = " ".join(words[i : i + size])
            best = max(best, 0.95 * difflib.SequenceMatcher(None, text, part).ratio())
            joined = part.replace(" ", "")
            best = max(best, 0.9 * difflib.SequenceMatcher(None, compact, joined).ratio())
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
    """Match one country by any of its names in the six languages, an alias or a code.

    Names come from ``itu_regions.csv``, ``country_aliases.csv``, ``country_names.csv`` and
    ISO 3166. A comma-inverted name ("Gambia, The") is read uninverted when it is not
    itself a name. Returns the ISO3 code; ``exact`` is True only for the ITU name or the
    ISO3 code as written. A name that designates two States matches neither: ``via`` is
    ``"ambiguous"`` and the suggestions are those States' ITU names.
    """
    raw = " ".join(str(text).split())
    key = normalise_key(raw)
    hit = ref.country_keys.get(key)
    parts = re.split(r"\s*[,،]\s*", key)
    if hit is None and key not in ref.country_ambiguous and len(parts) == 2 and all(parts):
        key = f"{parts[1]} {parts[0]}"
        hit = ref.country_keys.get(key)
        if hit is not None:
            hit = (hit[0], f"comma-inverted {hit[1]}")
    if key in ref.country_ambiguous:
        names = tuple(ref.country_name()[iso] for iso in ref.country_ambiguous[key])
        return Match(None, via="ambiguous", suggestions=names)
    if hit is None:
        return Match(None, suggestions=_suggest_country(raw, ref))
    iso3, via = hit
    exact = raw == ref.country_name()[iso3] or raw == iso3
    return Match(iso3, exact=exact, via=via)


def _could_be_close(letters: Counter, size: int, key: str, cutoff: float = 0.72) -> bool:
    """Whether ``key`` or a run of its words could reach ``cutoff`` against the text.

    A cheap upper bound that spares difflib most of the ~3,000 names (most in other
    scripts): ``m`` characters in common allow a ratio of at most ``2m / (size + m)``.
    """
    common = sum((letters & Counter(key)).values())
    return 2 * common >= cutoff * (size + common)


def _suggest_country(text: str, ref: Reference, n: int = 3) -> tuple[str, ...]:
    """The closest States to ``text`` over every name in every language.

    Each suggestion is the name as its source writes it ("Tanzanie"), followed by the ITU
    name when that differs, so that a French writer sees the French name.
    """
    folded = normalise_key(text)
    if not folded:
        return ()
    keys = list(ref.country_keys.items()) + [
        (k, (iso, "ambiguous")) for k, isos in ref.country_ambiguous.items() for iso in isos
    ]
    letters, size = Counter(folded), len(folded.replace(" ", ""))
    # On a tie the ITU name wins ("Keyna" is as close to the Spanish "Kenia" as to "Kenya").
    scored = sorted(
        (
            (s, via != "ITU name", key, iso)
            for key, (iso, via) in keys
            if _could_be_close(letters, size, key) and (s := _similarity(folded, key)) >= 0.72
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    out: dict[str, str] = {}
    for _, _, key, iso in scored:
        if iso not in out and len(out) < n:
            written, itu = ref.country_display.get(key, ref.country_name()[iso]), ref.names[iso]
            out[iso] = (
                written
                if normalise_key(written) == normalise_key(itu)
                else (f"{written} ({itu})" if len(key) > 3 else itu)
            )
    return tuple(out.values())


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


def match_region(text: str, ref: Reference) -> Match:
    """Match an ITU-D region by name or alias (``Asia-Pacific``).

    The one resolution of a region's name: workbooks, ``report --region``, the notebooks.
    """
    return lookup(text, ref.vocab("region"))


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
        if folded in {"worldwide", "all member states", "world"} or folded in ref.vocab("global"):
            places.append(Place(None, GLOBAL, piece, Match(GLOBAL, exact=piece == GLOBAL)))
            continue
        m = re.match(r"^(?:itu\s+)?region\s*[:\-]\s*(.+)$", folded)
        if m:
            rmatch = match_region(piece.split(":", 1)[-1] if ":" in piece else m.group(1), ref)
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
        if cm.via == "ambiguous":
            problems.append(
                f"'{piece}' names more than one State: {' or '.join(cm.suggestions)}. "
                "Write the ITU name of the one you mean (or its ISO code)."
            )
            continue
        rmatch = match_region(piece, ref)
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


# ----------------------------------------------------------------------------- vocabularies


def match_theme(text: object, ref: Reference) -> Match:
    """Match an activity theme by its name or a translation, case and accents folded.

    The contract promises that anything else names the closest theme, so a miss always
    carries at least one suggestion, however far.
    """
    m = lookup(text, ref.theme_keys)
    if m.ok or m.suggestions:
        return m
    folded = normalise_key(text)
    best = max(ref.theme_keys, key=lambda k: (_similarity(folded, k), k))
    return Match(None, suggestions=(ref.theme_keys[best],))


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


@dataclass(frozen=True)
class FunderMatch:
    """A funder as written, rolled up to the State or organisation that pays.

    ``funder`` is the canonical funder (the text as written when unknown), ``agency`` the
    ministry or authority named (else ``""``), ``match`` the lookup (``match.ok`` False for
    an unknown funder, with suggestions).
    """

    funder: str
    agency: str
    match: Match


def match_funder(text: object, ref: Reference) -> FunderMatch:
    """Roll a funder as written up to its canonical funder, keeping the agency it names.

    Tried in order: an alias of ``funders.csv`` (with its agency); a known funder followed
    by an agency, as in ``Germany (Federal Foreign Office)`` (the agency is then the listed
    one if the rest is its alias, else the rest as written); else unknown, with the closest
    funders as suggestions. ITU's own budget lines never take an agency.
    """
    written = " ".join(str(text).split())
    table = ref.funder_agencies()
    by_name = {name_key(alias): entry for alias, entry in table.items()}
    key = name_key(written)
    if key in by_name:
        funder, agency, _ = by_name[key]
        return FunderMatch(funder, agency, Match(funder, exact=written == funder, via="alias"))
    # The longest known funder that begins the text: "Germany (Federal Foreign Office)",
    # "Australia DITRDCA", "Germany - BMZ", "UK: FCDO".
    words = written.split(" ")
    for n in range(len(words) - 1, 0, -1):
        entry = by_name.get(name_key(" ".join(words[:n])))
        if entry is None or entry[2] == "ITU" or entry[1]:
            continue
        rest = " ".join(words[n:]).strip(" ()-:,")
        if not rest:
            continue
        listed = by_name.get(name_key(rest))
        agency = listed[1] if listed and listed[0] == entry[0] and listed[1] else rest
        return FunderMatch(entry[0], agency, Match(entry[0], via="funder (agency)"))
    canonical = dict.fromkeys(dict.fromkeys(f for f, _, _ in table.values()))
    keys = {**{a: f for a, (f, _, _) in table.items()}, **{normalise_key(f): f for f in canonical}}
    return FunderMatch(written, "", Match(None, suggestions=suggest(written, keys)))
