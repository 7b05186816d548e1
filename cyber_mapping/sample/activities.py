"""One office's sample activity rows (contract headers), with their expenditure and results."""

from __future__ import annotations

import datetime as dt
import random

from cyber_mapping.reference import Reference
from cyber_mapping.sample.expenditure import expenditure_for
from cyber_mapping.sample.portfolio import (
    AREA_OFFICES,
    CLAUSES_QUOTED,
    COUNTRY_SPELLINGS,
    FAMILIES,
    FAMILY_WEIGHTS,
    IMPLEMENTOR_SPELLINGS,
    OFFICES,
    RESOLUTION_SPELLINGS,
    SNAPSHOT,
    Family,
)
from cyber_mapping.sample.results import outputs_text, results_for

# The families of work HQ runs itself (the Regional Offices run every family, by weight).
_HQ_FAMILIES = {"gci", "women", "cop", "skills", "drill", "strategy", "cirt_build", "cirt_assess"}


def _date_text(rng: random.Random, day: dt.date) -> object:
    form = rng.random()
    if form < 0.6:
        return day
    if form < 0.8:
        return day.strftime("%d/%m/%Y")
    if form < 0.9:
        return day.isoformat()
    return day.strftime("%m %Y")


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
    written) that coordinating the offices' rows needs. The draws from ``rng`` happen in a
    fixed order (the steps below, then the row's cells left to right), so that the same
    seed gives the same sample.
    """
    impl, prefix, region = OFFICES[office_key]
    names = ref.country_name()
    members = ref.member_states
    acts, exps, outs = [], [], []
    counter: dict[int, int] = {}
    for _ in range(n):
        fam = _family(rng, region)
        year = _year(rng, fam)
        act_region = region or rng.choice(ref.region_names)
        pool = list(members[members["region"] == act_region]["iso3"])
        start, end = _dates(rng, fam, year)
        status = "Completed" if end < SNAPSHOT else "Ongoing" if start <= SNAPSHOT else "Planned"
        counter[start.year] = counter.get(start.year, 0) + 1
        aid = f"{prefix}-{start.year}-{counter[start.year]:03d}"
        country = rng.choice(pool)
        places = _places(rng, fam, pool, country)
        beneficiaries = _beneficiaries(rng, fam, act_region, places, names)
        shares = "50; 30; 20" if len(places) == 3 and rng.random() < 0.3 else ""
        implementors = _implementors(rng, impl, region, fam, act_region)
        res_ids = list(fam.resolutions)
        res_text, res_shares = _resolutions(rng, res_ids)
        title = fam.title.format(region=act_region, year=start.year, country=names[country])
        results = results_for(rng, fam, aid, status, places, end, names, ref)
        clauses = _clauses(rng, fam, res_ids)
        lead = _lead(rng, implementors)
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
        exps.extend(expenditure_for(rng, fam, aid, start, end, status))
    return acts, exps, outs


def _family(rng: random.Random, region: str | None) -> Family:
    """A Regional Office's family of work by weight; HQ's among the families it runs."""
    families = list(FAMILIES)
    if region:
        return rng.choices(families, weights=FAMILY_WEIGHTS)[0]
    return rng.choice([f for f in families if f.key in _HQ_FAMILIES])


def _year(rng: random.Random, fam: Family) -> int:
    """The start year: a GCI edition's year for GCI support, else any year of the mapping."""
    if fam.key == "gci":
        return rng.choice([2017, 2018, 2020, 2024])
    return rng.randint(2017, 2025)


def _dates(rng: random.Random, fam: Family, year: int) -> tuple[dt.date, dt.date]:
    """Start and end dates: from WTDC-17 (9 October 2017), lasting as the family's work does."""
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
    return start, end


def _places(rng: random.Random, fam: Family, pool: list[str], country: str) -> list[str]:
    """The beneficiary countries (ISO3): one, two to five of the region, or none."""
    if fam.scope == "country":
        return [country]
    if fam.scope == "countries":
        return rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
    return []


def _beneficiaries(
    rng: random.Random, fam: Family, act_region: str, places: list[str], names: dict[str, str]
) -> str:
    """The 'Beneficiary countries' cell as an office writes it: a region, Global or names."""
    if fam.scope == "region":
        return rng.choice(
            [
                f"Region: {act_region}",
                f"Region: {act_region}",
                "Region: Asia-Pacific"
                if act_region == "Asia and the Pacific"
                else f"Region: {act_region}",
            ]
        )
    if fam.scope == "global":
        return "Global"
    return _join(rng, [_country_text(rng, c, names) for c in places])


def _implementors(
    rng: random.Random, impl: str, region: str | None, fam: Family, act_region: str
) -> list[str]:
    """The office as it spells itself, sometimes with HQ, an area office or a Regional Office."""
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
    return implementors


def _resolutions(rng: random.Random, res_ids: list[str]) -> tuple[str, str]:
    """The 'Resolution references' cell in the forms offices use, and sometimes shares."""
    res_text = rng.choice(["; ", "\n"]).join(rng.choice(RESOLUTION_SPELLINGS[r]) for r in res_ids)
    res_shares = "60; 40" if len(res_ids) == 2 and rng.random() < 0.2 else ""
    return res_text, res_shares


def _clauses(rng: random.Random, fam: Family, res_ids: list[str]) -> str:
    """Half of the activities name one or more of their family's clauses."""
    if rng.random() < 0.5:
        own = [c for c in fam.clauses if c.split("/")[0] in res_ids]
        return "; ".join(own[: rng.randint(1, len(own))])
    return ""


def _lead(rng: random.Random, implementors: list[str]) -> str:
    """Sometimes, of several implementors, the one leading the activity."""
    if len(implementors) > 1 and rng.random() < 0.4:
        return implementors[rng.randrange(len(implementors))]
    return ""
