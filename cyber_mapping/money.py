"""Money as text: integer cents written as CHF, for sentences, table cells and reconciliations.

Money is held in integer cents everywhere; these functions only turn it into text, one
family for the reports, the Excel annex's frames and the console summary of a build.
Nothing here reads data.
"""

from __future__ import annotations

NNBSP = "\u202f"  # narrow no-break space: the default thousands separator


def group_thousands(number: int, sep: str = NNBSP) -> str:
    """``1234567`` -> ``1 234 567`` (narrow no-break spaces; ``sep="'"`` for BDT's style)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(int(number)):,}".replace(",", sep)


def chf_prose(cents: int, sep: str = NNBSP) -> str:
    """Money in a sentence: ``CHF 1.5 million`` from one million up, else ``CHF 245 000``.

    Millions keep one decimal (rounded half up); smaller amounts are whole francs.
    """
    cents = int(cents)
    if abs(cents) >= 100_000_000:
        tenths = (abs(cents) + 5_000_000) // 10_000_000  # tenths of a million, half up
        sign = "-" if cents < 0 else ""
        return f"CHF {sign}{tenths // 10}.{tenths % 10} million"
    francs = (abs(cents) + 50) // 100
    return f"CHF {group_thousands(francs if cents >= 0 else -francs, sep)}"


def chf_thousands(cents: int, sep: str = NNBSP) -> str:
    """A table cell in CHF thousands with one decimal: 1 234 567.89 CHF -> ``1 234.6``."""
    tenths = (abs(int(cents)) + 5_000) // 10_000  # tenths of a thousand francs, half up
    sign = "-" if cents < 0 and tenths else ""
    return f"{sign}{group_thousands(tenths // 10, sep)}.{tenths % 10}"


def chf_exact(cents: int, sep: str = NNBSP) -> str:
    """Exact to the cent, for reconciliations: ``CHF 23 570 845.85``."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"CHF {sign}{group_thousands(abs(cents) // 100, sep)}.{abs(cents) % 100:02d}"


def chf_millions(cents: int) -> str:
    """Money in millions with one decimal, whatever its size: ``CHF 0.4 million``."""
    cents = int(cents)
    tenths = (abs(cents) + 5_000_000) // 10_000_000  # tenths of a million, half up
    sign = "-" if cents < 0 and tenths else ""
    return f"CHF {sign}{tenths // 10}.{tenths % 10} million"


def chf_alike(*amounts: int) -> list[str]:
    """Amounts of one sentence at one level of precision.

    If any is a million or more, all are in millions with one decimal (``CHF 0.4 million``
    next to ``CHF 4.3 million``, never ``CHF 426 909``); else all in whole francs.
    """
    if any(abs(int(a)) >= 100_000_000 for a in amounts):
        return [chf_millions(a) for a in amounts]
    return [chf_prose(a) for a in amounts]
