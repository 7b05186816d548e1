"""One sample activity's expenditure rows: per funder, per year or span, staff and non-staff."""

from __future__ import annotations

import datetime as dt
import random

from cyber_mapping.sample.portfolio import FUNDER_CURRENCY, FUNDER_SPELLINGS, SNAPSHOT, Family


def _amount_text(rng: random.Random, amount: int) -> object:
    form = rng.random()
    if form < 0.75:
        return amount
    if form < 0.85:
        return f"{amount:,}".replace(",", "'")
    if form < 0.95:
        return f"{amount:,}.00"
    return f"{amount} "


def expenditure_for(
    rng: random.Random, fam: Family, aid: str, start: dt.date, end: dt.date, status: str
) -> list[dict]:
    """The activity's spend in the family's cost range, as rows by contract header.

    One or two funders (60/40); per funder a line per year or one span line; each split
    into staff and non-staff, Actual when incurred and Estimated otherwise.
    """
    exps = []
    total = rng.randint(*fam.cost) // 100 * 100
    funders = [fam.funders[0]]
    if len(fam.funders) > 1 and rng.random() < 0.6:
        funders.append(rng.choice(fam.funders[1:]))
    years = list(range(start.year, end.year + 1))
    for fi, funder in enumerate(funders):
        f_total = total * (60 if fi == 0 and len(funders) > 1 else 100) // 100
        if fi == 1:
            f_total = total - total * 60 // 100
        currency = FUNDER_CURRENCY.get(funder, "CHF") if rng.random() < 0.8 else "CHF"
        span = len(years) > 1 and rng.random() < 0.3
        periods = [f"{years[0]}-{years[-1]}"] if span else [str(y) for y in years]
        for per in periods:
            per_total = f_total // len(periods)
            y = int(per[:4])
            basis = (
                "Actual"
                if status == "Completed" or (status == "Ongoing" and y < SNAPSHOT.year)
                else "Estimated"
            )
            staff = per_total * rng.randint(15, 40) // 100
            for cost_type, amount in (("Staff", staff), ("Non-staff", per_total - staff)):
                if amount <= 0:
                    continue
                exps.append(
                    {
                        "Activity ID": aid,
                        "Funder": rng.choice(FUNDER_SPELLINGS.get(funder, [funder])),
                        "Period": int(per) if per.isdigit() and rng.random() < 0.5 else per,
                        "Cost type": cost_type,
                        "Basis": basis,
                        "Amount": _amount_text(rng, amount),
                        "Currency": currency if currency != "CHF" or rng.random() < 0.5 else "",
                    }
                )
    return exps
