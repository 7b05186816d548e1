"""Shares in percent, computed one way for every figure of the reports.

:func:`share_pct` is a share on its own (unforced, half away from zero, integer arithmetic);
:func:`rounded_shares` are the shares of a whole column, rounded so that as printed they add
up to exactly 100.
"""

from __future__ import annotations

from collections.abc import Sequence


def share_pct(part: int, whole: int, decimals: int = 1) -> float:
    """``part`` as a percent of ``whole``, rounded half away from zero (0.0 if ``whole`` is 0).

    Integer arithmetic, so 1 of 8 is 12.5 and 1 of 16 is 6.3 (6.25 rounded up), never a
    float artefact. Shares from this function are not forced to add up to 100.
    """
    if whole == 0:
        return 0.0
    unit = 10**decimals
    num = abs(part) * 100 * unit
    den = abs(whole)
    value = (2 * num + den) // (2 * den)
    sign = -1 if part * whole < 0 else 1
    return sign * value / unit


def rounded_shares(values: Sequence[int], decimals: int = 1) -> list[float]:
    """Percent shares of ``values`` rounded so that, as printed, they add up to exactly 100.

    Largest-remainder rounding in units of ``10**-decimals`` percent; all zeros give zeros.
    """
    total = sum(int(v) for v in values)
    if total <= 0:
        return [0.0] * len(values)
    unit = 10**decimals
    exact = [int(v) * 100 * unit / total for v in values]
    floors = [int(x) for x in exact]
    missing = 100 * unit - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return [f / unit for f in floors]
