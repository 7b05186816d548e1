"""Text for the terminal: nothing that came from a file can forge a line of the output.

A workbook's name, a sheet's title or a cell's text may hold a newline, a carriage return or
an escape sequence; printed raw, a workbook named "evil", newline, "Reconciliation:
balances.xlsx" would print a line that the package never wrote. :func:`shown` escapes them
as Python writes them (a newline becomes a backslash and an n).
"""

from __future__ import annotations

import re

# C0 and C1 control characters (newline, carriage return, ESC, ...) and the Unicode line
# and paragraph separators, which some terminals also break on.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: object) -> str:
    """``text`` for one line of the terminal, its control characters escaped."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
