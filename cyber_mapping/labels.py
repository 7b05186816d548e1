"""How the product's codes and stored text read: Resolution labels, country names, lists.

Shared by the analysis (the mapping and Excel annex frames) and the report: a Resolution id
becomes its catalogue label, ISO3 codes their names, a stored ``a;b`` list ``a; b``, and the
contract's "As of MM YYYY" a month in words. Nothing here reads data; the catalogue and the
names are passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cyber_mapping.reference import Reference

_REVISION = re.compile(r"(?:Rev\.\s*)?([A-Z][A-Za-zé ]+),\s*((?:19|20)\d\d)")


def clean_revision(text: object) -> str:
    """The first ``Rev. Place, YYYY`` in a catalogue revision note (notes dropped), or ''."""
    found = _REVISION.search(str(text or ""))
    if not found:
        return ""
    place, year = found.group(1).strip(), found.group(2)
    prefix = "Rev. " if "Rev." in str(text)[: found.end()] else ""
    return f"{prefix}{place}, {year}"


# A research note in brackets, e.g. "(exact Kigali title UNVERIFIED; earlier title ...)".
_NOTE = re.compile(r"\s*\([^()]*\b(?:UNVERIFIED|UNCERTAIN|unverified|uncertain)\b[^()]*\)")


def clean_title(text: object) -> str:
    """A catalogue title without its bracketed research notes (``UNVERIFIED``...)."""
    return _NOTE.sub("", str(text or "")).strip()


def resolution_label(rid: str, ref: Reference) -> str:
    """``PP-130`` -> ``PP Resolution 130 (Rev. Bucharest, 2022)`` from the catalogue."""
    row = ref.resolutions[ref.resolutions["resolution_id"] == rid]
    if row.empty:
        return rid
    rec = row.iloc[0]
    rev = clean_revision(rec["revision"])
    return f"{rec['body']} Resolution {rec['number']}" + (f" ({rev})" if rev else "")


def beneficiary_names(text: object, names: dict[str, str]) -> list[str]:
    """``KEN; UGA`` -> ``['Kenya', 'Uganda']``; ``Region: Africa`` and ``Global`` as written."""
    codes = [c.strip() for c in str(text or "").split(";") if c.strip()]
    return [names.get(c, c) for c in codes]


def list_text(value: object) -> str:
    """A stored ``a;b`` or ``a; b`` list as ``a; b`` (one space after each semicolon)."""
    return "; ".join(p.strip() for p in str(value or "").split(";") if p.strip())


_AS_OF_MONTH = re.compile(r"\b(As of|as of)\s+(0?[1-9]|1[0-2])[ /.-]((?:19|20)\d\d)\b")


def month_text(text: object) -> str:
    """Workbook text with ``As of 12 2019`` written ``As of December 2019``.

    Only the contract's "As of MM YYYY" form is rewritten; other numbers stay as written.
    """
    return _AS_OF_MONTH.sub(
        lambda m: f"{m.group(1)} {dt.date(2000, int(m.group(2)), 1):%B} {m.group(3)}",
        str(text or ""),
    )
