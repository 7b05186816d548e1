"""One office's sample activities, with their expenditure and results rows (contract headers)."""

from __future__ import annotations

import datetime as dt
import random

from cyber_mapping.reference import Reference
from cyber_mapping.sample.portfolio import (
    AREA_OFFICES,
    CLAUSES_QUOTED,
    COUNTRY_SPELLINGS,
    FAMILIES,
    FAMILY_WEIGHTS,
    FUNDER_CURRENCY,
    FUNDER_SPELLINGS,
    IMPLEMENTOR_SPELLINGS,
    OFFICES,
    RESOLUTION_SPELLINGS,
    SNAPSHOT,
)
from cyber_mapping.sample.results import outputs_text, results_for


def _date_text(rng: random.Random, day: dt.date) -> object:
    form = rng.random()
    if form < 0.6:
        return day
    if form < 0.8:
        return day.strftime("%d/%m/%Y")
    if form < 0.9:
        return day.isoformat()
    return day.strftime("%m %Y")


def _amount_text(rng: random.Random, amount: int) -> object:
    form = rng.random()
    if form < 0.75:
        return amount
    if form < 0.85:
        return f"{amount:,}".replace(",", "'")
    if form < 0.95:
        return f"{amount:,}.00"
    return f"{amount} "


def _country_text(rng: random.Random, iso3: str, names: dict[str, str]) -> str:
    return rng.choice(COUNTRY_SPELLINGS.get(iso3, [names[iso3]]))


def _join(rng: random.Random, items: list[str]) -> str:
    sep = rng.choice(["; ", ";", "\n", "; "])
    if all("," not in i for i in items) and rng.random() < 0.15:
        sep = ", "
    return sep.join(items)


def activities_for(office_key: str, n: int, rng: random.Random, ref: Reference):
    """``n`` activities of the office ``office_key``, with their expenditure and results rows.

    Each row is a dict by contract header; activity rows also carry hidden ``_`` keys (not
    written) that coordinating the offices' rows needs.
    """
    impl, prefix, region = OFFICES[office_key]
    names = ref.country_name()
    members = ref.member_states
    acts, exps, outs = [], [], []
    counter: dict[int, int] = {}
    families = list(FAMILIES)
    for _ in range(n):
        fam = (
            rng.choices(families, weights=FAMILY_WEIGHTS)[0]
            if region
            else rng.choice(
                [
                    f
                    for f in families
                    if f.key
                    in {
                        "gci",
                        "women",
                        "cop",
                        "skills",
                        "drill",
                        "strategy",
                        "cirt_build",
                        "cirt_assess",
                    }
                ]
            )
        )
        if fam.key == "gci":
            year = rng.choice([2017, 2018, 2020, 2024])
        else:
            year = rng.randint(2017, 2025)
        act_region = region or rng.choice(ref.region_names)
        pool = list(members[members["region"] == act_region]["iso3"])
        start = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        if year == 2017 and start < dt.date(2017, 10, 9):
            start = dt.date(2017, rng.randint(10, 12), rng.randint(1, 28))
        duration = rng.randint(*fam.years)
        if duration == 1:
            end = start + dt.timedelta(days=rng.choice([2, 3, 5, 30, 90, 180]))
        else:
            end = start + dt.timedelta(days=365 * duration - rng.randint(0, 120))
        end = min(end, dt.date(2025, 11, 28))
        start = min(start, end)
        status = "Completed" if end < SNAPSHOT else "Ongoing" if start <= SNAPSHOT else "Planned"
        counter[start.year] = counter.get(start.year, 0) + 1
        aid = f"{prefix}-{start.year}-{counter[start.year]:03d}"
        country = rng.choice(pool)
        if fam.scope == "country":
            places = [country]
        elif fam.scope == "countries":
            places = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
        else:
            places = []
        if fam.scope == "region":
            beneficiaries = rng.choice(
                [
                    f"Region: {act_region}",
                    f"Region: {act_region}",
                    "Region: Asia-Pacific"
                    if act_region == "Asia and the Pacific"
                    else f"Region: {act_region}",
                ]
            )
        elif fam.scope == "global":
            beneficiaries = "Global"
        else:
            beneficiaries = _join(rng, [_country_text(rng, c, names) for c in places])
        shares = ""
        if len(places) == 3 and rng.random() < 0.3:
            shares = "50; 30; 20"
        implementors = [rng.choice(IMPLEMENTOR_SPELLINGS[impl])]
        if region and rng.random() < 0.35:
            implementors.append(rng.choice(IMPLEMENTOR_SPELLINGS["BDT (HQ)"]))
        if region in AREA_OFFICES and rng.random() < 0.25:
            implementors.append(rng.choice(AREA_OFFICES[region]))
        if not region and fam.scope != "global" and rng.random() < 0.3:
            implementors.append(
                f"Regional Office for {act_region}"
                if act_region not in ("Americas",)
                else "Regional Office for the Americas"
            )
        res_ids = list(fam.resolutions)
        res_text = rng.choice(["; ", "\n"]).join(
            rng.choice(RESOLUTION_SPELLINGS[r]) for r in res_ids
        )
        res_shares = "60; 40" if len(res_ids) == 2 and rng.random() < 0.2 else ""
        title = fam.title.format(region=act_region, year=start.year, country=names[country])
        results = results_for(rng, fam, aid, status, places, end, names, ref)
        clauses = ""
        if rng.random() < 0.5:
            own = [c for c in fam.clauses if c.split("/")[0] in res_ids]
            clauses = "; ".join(own[: rng.randint(1, len(own))])
        lead = ""
        if len(implementors) > 1 and rng.random() < 0.4:
            lead = implementors[rng.randrange(len(implementors))]
        acts.append(
            {
                "Activity ID": aid,
                "Resolution references": res_text,
                "Resolution shares (%)": res_shares,
                "Clause quoted": CLAUSES_QUOTED.get(res_ids[0], ""),
                "Activity theme": fam.theme if rng.random() > 0.1 else fam.theme.lower(),
                "Activity": title,
                "Description": f"{title}. Illustrative sample activity.",
                "Beneficiary countries": beneficiaries,
                "Country shares (%)": shares,
                "Implementor(s)": "; ".join(implementors),
                "Partners": rng.choice(["", "", "FIRST", "GFCE", "national CIRT", "UNODC"]),
                "Status": status if rng.random() > 0.1 else status.lower(),
                "Start date": _date_text(rng, start),
                "End date": _date_text(rng, end),
                "Main outputs": outputs_text(results, status),
                "Envisaged outcomes": fam.outcome,
                "Clauses": clauses,
                "Lead implementor": lead,
                "Joint with": "",
                # Hidden (not written): what coordinating the offices' rows needs.
                "_family": fam.key,
                "_start": start,
                "_end": end,
                "_places": places,
                "_region": act_region,
                "_country": country,
                "_status": status,
            }
        )
        outs.extend(results)
        # Expenditure: per funder, per year (or one span line), staff and non-staff.
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
                            "Currency": currency
                            if currency != "CHF" or rng.random() < 0.5
                            else "",
                        }
                    )
    return acts, exps, outs
