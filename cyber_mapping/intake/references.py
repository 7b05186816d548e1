"""Resolution references as offices write them: a grammar read from a table (issue 18).

The words come from ``reference/resolution_words.csv`` (the six ITU languages): the word for
"Resolution" (``Res.``, ``Résolution``, ``Резолюция``, ``决议``, ``القرار`` …), the marks around
a number (``No.``, ``n°``, ``第…号``, ``رقم``), the conferences by name and acronym (``PP``,
``CMDT``, ``ВКРЭ``, ``全权代表大会`` …), the words of a revision, the conference cities in
each language, and grammar words. This module only *reads* a reference into its parts
(:class:`Reading`); :func:`cyber_mapping.intake.resolutions.parse_resolution` decides what
they mean against the catalogue.

A number right after the word for "Resolution" (or, in Chinese, between 第 and 号决议) is the
resolution's; a number glued to a conference (``PP-18``, ``CMDT 2017``) is that conference's
year, unless no word for "Resolution" is written (``PP-130``, ``WTDC-45``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.exceptions import ReferenceDataError
from cyber_mapping.reference import Reference, normalise_key

KINDS = ("word", "number", "body", "noise", "revision", "filler", "place")
# Kinds whose words say nothing about the resolution; all but the revision words are also
# cut from the revision as written (``Rev.`` stays: it is part of "Rev. Kigali, 2022").
_DROPPED = ("number", "noise", "revision", "filler")
_CUT = ("number", "noise", "filler")
_MASK = "\x00"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]+")


def _fold_char(char: str) -> str:
    """One character folded as :func:`normalise_key` folds, digits of any script as ASCII."""
    if char.isspace():
        return " "
    out = normalise_key(char)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in out)


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, and each folded character's index in ``text``.

    The index lets a span found in the folded text be cut from the text as written.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for c in _fold_char(char):
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def _phrase(text: str) -> str:
    """The regex of one folded phrase, bounded as its script needs.

    Latin and Cyrillic words must not touch a letter on either side (``res`` is not in
    ``resources``); an Arabic word may carry the prefixes wa-, bi-, li- ("and", "by", "of":
    ``لمؤتمر`` is "of the conference"); Chinese has no spaces, so it is not bounded at all.
    """
    body = r"\s*".join(re.escape(part) for part in text.split())
    if any("\u3000" <= c <= "\u9fff" for c in text):
        return body
    end = r"(?![^\W\d_])"
    if any("\u0600" <= c <= "\u06ff" for c in text):
        return r"(?<![^\W\d_])(?:[\u0648\u0628\u0644]{1,2})?" + body + end
    return r"(?<![^\W\d_])" + body + end


def _alternation(texts: list[str]) -> str:
    """Longest first, so that ``résolution`` is tried before ``rés``."""
    unique = sorted(set(texts), key=lambda t: (-len(t), t))
    return "(?:" + "|".join(_phrase(t) for t in unique) + ")"


@dataclass(frozen=True)
class Grammar:
    """The compiled patterns of the word table."""

    word_number: re.Pattern[str]
    number_word: re.Pattern[str]
    body: re.Pattern[str]
    bodies: dict[str, str]
    places: dict[str, str]
    place: re.Pattern[str]
    revision: re.Pattern[str]
    dropped: re.Pattern[str]
    cut: re.Pattern[str]


def _key(text: str) -> str:
    """A phrase without its spaces: the patterns allow any spacing between its words."""
    return "".join(text.split())


def _meaning(table: dict[str, str], found: str) -> str:
    """What a matched phrase means, an Arabic prefix (at most two letters) set aside."""
    key = _key(found)
    for skip in range(3):
        if key[skip:] in table:
            return table[key[skip:]]
    raise KeyError(found)


@functools.lru_cache(maxsize=8)
def _compile(rows: tuple[tuple[str, str, str, str], ...], places: tuple[str, ...]) -> Grammar:
    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    bodies: dict[str, str] = {}
    place_of = {_key(fold(p)[0]): p for p in places}
    for kind, text, body, place in rows:
        if kind not in by_kind:
            raise ReferenceDataError(
                f"resolution_words.csv: kind '{kind}' is not one of {', '.join(KINDS)}."
            )
        folded = " ".join(fold(text)[0].split())
        by_kind[kind].append(folded)
        if kind == "body":
            bodies[_key(folded)] = body
        elif kind == "place":
            place_of[_key(folded)] = place
    word, mark = _alternation(by_kind["word"]), _alternation(by_kind["number"])
    body = _alternation(by_kind["body"])
    number = r"(?P<n>\d{1,3})(?!\d)"
    return Grammar(
        word_number=re.compile(rf"(?P<w>{word})\s*(?:{body}\s*)?(?:{mark}\s*)?{number}"),
        number_word=re.compile(rf"(?:{mark}\s*)?{number}\s*(?:{mark}\s*)?(?P<w>{word})"),
        body=re.compile(rf"(?P<b>{body})(?:\s*[-/]?\s*(?P<y>\d{{1,4}})(?!\d))?"),
        bodies=bodies,
        places=place_of,
        place=re.compile(
            _alternation([" ".join(fold(p)[0].split()) for p in places] + by_kind["place"])
        ),
        revision=re.compile(_alternation(by_kind["revision"])),
        dropped=re.compile(_alternation([t for k in _DROPPED for t in by_kind[k]])),
        cut=re.compile(_alternation([t for k in _CUT for t in by_kind[k]])),
    )


def grammar(ref: Reference) -> Grammar:
    """The grammar of ``ref``'s word table, with the conference cities of its catalogue."""
    words = ref.resolution_words
    rows = tuple(zip(words["kind"], words["text"], words["body"], words["place"], strict=True))
    labels = ref.revisions["label"] if "label" in ref.revisions else pd.Series(dtype=str)
    cities = {re.sub(r"^Rev\.\s*|,?\s*\d{4}$", "", str(label)) for label in labels}
    places = tuple(sorted(cities | set(ref.conferences["place"])))
    return _compile(rows, places)


@dataclass(frozen=True)
class Reading:
    """The parts of one reference, as found in its text.

    Attributes
    ----------
    number
        The number after the word for "Resolution" (None when no such word is written).
    body
        The conference named (PP, WTDC, WTSA), "" when none; ``bodies`` lists every one named.
    glued
        The number glued to the conference (``18`` of ``PP-18``, ``130`` of ``PP-130``).
    conference_text
        The conference with its glued number as written (``PP-18``), or "".
    places, years, revision_word
        The conference cities (English names), four-digit years and whether a revision word
        (``Rev.``, ``Rév.``, ``Пересм.``, ``修订``) is written.
    bare
        A number written alone (``130``), when there is neither word nor conference.
    unknown
        Words the table does not know.
    rest
        The text as written without the resolution's word, number and conference: the
        revision as the office wrote it (``Rev. Kigali, 2022``).
    """

    number: int | None
    body: str
    bodies: tuple[str, ...]
    glued: int | None
    conference_text: str
    places: tuple[str, ...]
    years: tuple[int, ...]
    revision_word: bool
    bare: int | None
    unknown: tuple[str, ...]
    rest: str


def _mask(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = [_MASK] * (end - start)


def read_reference(text: str, ref: Reference) -> Reading:
    """Read one reference into its parts (never raises; meaning is decided by the caller)."""
    g = grammar(ref)
    folded, origin = fold(text)
    work = list(folded)
    cut: set[int] = set()  # folded positions cut from the text as written

    def take(start: int, end: int) -> None:
        _mask(work, start, end)
        cut.update(range(start, end))

    number = None
    m = g.word_number.search(folded) or g.number_word.search(folded)
    if m:
        number = int(m.group("n"))
        take(*m.span("w"))
        take(*m.span("n"))
    bodies: list[str] = []
    glued, conference_text = None, ""
    for b in g.body.finditer("".join(work)):
        bodies.append(_meaning(g.bodies, b.group("b")))
        if b.group("y") is not None and glued is None:
            glued = int(b.group("y"))
            conference_text = text[origin[b.start()] : origin[b.end() - 1] + 1]
        take(*b.span())
    current = "".join(work)
    places = []
    for p in g.place.finditer(current):
        places.append(_meaning(g.places, p.group()))
    years = tuple(int(y) for y in _YEAR.findall(current))
    revision_word = g.revision.search(current) is not None
    bare = None
    if number is None and not bodies:
        lone = re.search(r"(?<!\d)(\d{1,3})(?!\d)", current)
        if lone:
            bare = int(lone.group(1))
            take(*lone.span(1))
    # Everything the table knows is dropped; what letters are left are unknown words.
    residue = "".join(work)
    for pattern in (g.place, g.dropped):
        residue = pattern.sub(lambda x: _MASK * len(x.group()), residue)
    unknown = tuple(_LETTERS.findall(_YEAR.sub(" ", residue)))
    for d in g.cut.finditer("".join(work)):
        take(*d.span())
    return Reading(
        number=number,
        body=bodies[0] if bodies else "",
        bodies=tuple(dict.fromkeys(bodies)),
        glued=glued,
        conference_text=conference_text,
        places=tuple(dict.fromkeys(places)),
        years=years,
        revision_word=revision_word,
        bare=bare,
        unknown=unknown,
        rest=_rest(text, origin, cut),
    )


def _rest(text: str, origin: list[int], cut: set[int]) -> str:
    """``text`` without the characters of the cut positions, its brackets and commas tidied."""
    gone = {origin[i] for i in cut}
    kept = "".join(c for i, c in enumerate(text) if i not in gone)
    kept = re.sub(r"[(（]\s*[)）]", " ", kept)
    return " ".join(kept.split()).strip(" ,;:.()[]（）-/，、")
