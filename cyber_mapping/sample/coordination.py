"""The sample's joint and double-reported activities, and no accidental look-alikes.

Three HQ activities get a linked Regional Office part ('Joint with'), two are reported by
both offices without a link (the possible double-reporting warning shows); any other
pair of rows that the coordination check would flag is retitled.
"""

from __future__ import annotations

import random

from cyber_mapping.intake.cleaning import parse_amount
from cyber_mapping.intake.coordination import shared_places, title_similarity, title_tokens
from cyber_mapping.reference import Reference
from cyber_mapping.sample.portfolio import FAMILIES, OFFICES

# Activities that HQ and a Regional Office both report: (family, linked by Joint with?).
# Three joint activities, linked; two reported twice without a link (the warning shows).
_SHARED = (("drill", True), ("cop", True), ("women", True), ("drill", False), ("skills", False))
_RO_OF_REGION = {region: office for office, (_, _, region) in OFFICES.items() if region}


def _next_id(acts: list[dict], prefix: str, year: int) -> str:
    used = {a["Activity ID"] for a in acts}
    n = 1
    while f"{prefix}-{year}-{n:03d}" in used:
        n += 1
    return f"{prefix}-{year}-{n:03d}"


def coordinate(data: dict, rng: random.Random, ref: Reference) -> set[tuple[str, str]]:
    """Add the Regional Office's row of a few HQ activities (see ``_SHARED``).

    A joint activity: the office reports its own part (its own spend, no results) and the
    rows name each other in 'Joint with' (the first pair on both sides, the others on the
    office's side only: links are made symmetric). A double report: the office copies
    HQ's row, spend and results under its own ID (one title reworded), with no link.
    Returns the pairs of IDs meant to look alike, which de-conflicting leaves alone.
    """
    hq_acts, hq_exps, hq_outs, hq_ok = data["BDT_HQ"]
    ids = [a["Activity ID"] for a in hq_acts]
    taken: set[int] = set()
    pairs: set[tuple[str, str]] = set()
    for k, (family, linked) in enumerate(_SHARED):
        candidates = [
            i
            for i, a in enumerate(hq_acts)
            if hq_ok[i]
            and ids.count(a["Activity ID"]) == 1
            and i not in taken
            and a["_family"] == family
            and a["_status"] != "Planned"
            and a["_region"] in _RO_OF_REGION
            and "(entered twice)" not in a["Activity"]
        ]
        if not candidates:
            continue
        i = candidates[rng.randrange(len(candidates))]
        taken.add(i)
        src = hq_acts[i]
        office = _RO_OF_REGION[src["_region"]]
        impl, prefix, _ = OFFICES[office]
        acts, exps, outs, ok = data[office]
        aid = _next_id(acts, prefix, src["_start"].year)
        mirror = dict(src)
        mirror.update({"Activity ID": aid, "Implementor(s)": impl, "Lead implementor": ""})
        src_exps = [e for e in hq_exps if e["Activity ID"] == src["Activity ID"]]
        if linked:
            mirror["Joint with"] = src["Activity ID"]
            mirror["Main outputs"] = f"Results reported by BDT (HQ) under {src['Activity ID']}"
            if k == 0:
                src["Joint with"] = aid
            src["Implementor(s)"] = "BDT (HQ)"
            src["Lead implementor"] = ""
            for e in src_exps:  # the office's own part: a third of HQ's spend per line
                amount = parse_amount(e["Amount"]).cents // 300
                exps.append(dict(e, **{"Activity ID": aid, "Amount": amount, "Currency": "CHF"}))
        else:
            if k == len(_SHARED) - 1:
                mirror["Activity"] = "ITU " + src["Activity"] + " (regional delivery)"
            exps.extend(dict(e, **{"Activity ID": aid}) for e in src_exps)
            outs.extend(
                dict(r, **{"Activity ID": aid})
                for r in hq_outs
                if r["Activity ID"] == src["Activity ID"]
            )
        acts.append(mirror)
        ok.append(True)
        pairs.add((src["Activity ID"], aid))
    return pairs


def _place_sets(act: dict, ref: Reference) -> tuple[set, set, set]:
    region_of = ref.region_of()
    countries = set(act["_places"])
    if countries:
        return countries, set(), {region_of[c] for c in countries}
    text = str(act["Beneficiary countries"])
    return set(), {"Global" if text == "Global" else act["_region"]}, set()


def _clashes(data: dict, intended: set, ref: Reference) -> list[tuple[str, int]]:
    """Rows (office, index) that look like another office's row without being meant to."""
    rows = [
        (office, i, a)
        for office, (acts, *_rest) in data.items()
        for i, a in enumerate(acts)
        if "_family" in a
    ]
    found = []
    for x in range(len(rows)):
        o1, i1, a = rows[x]
        ta = title_tokens(a["Activity"])
        for y in range(x + 1, len(rows)):
            o2, i2, b = rows[y]
            if o1 == o2 or (a["Activity ID"], b["Activity ID"]) in intended:
                continue
            if (b["Activity ID"], a["Activity ID"]) in intended:
                continue
            if title_similarity(ta, title_tokens(b["Activity"])) < 0.8:
                continue
            if a["_start"] > b["_end"] or b["_start"] > a["_end"]:
                continue
            if shared_places(_place_sets(a, ref), _place_sets(b, ref)):
                # Retitle the row that is not part of an intended pair (else the office's).
                a_fixed = any(a["Activity ID"] in p for p in intended)
                b_fixed = any(b["Activity ID"] in p for p in intended)
                if b_fixed and a_fixed:
                    raise RuntimeError(
                        f"intended rows clash: {a['Activity ID']}, {b['Activity ID']}"
                    )
                found.append((o1, i1) if b_fixed or (o2 == "BDT_HQ" and not a_fixed) else (o2, i2))
    return found


def retitle_clashes(data: dict, intended: set, ref: Reference) -> None:
    """Give an accidental look-alike its family's other title.

    So only the intended pairs are flagged as possible double reporting.
    """
    names = ref.country_name()
    for attempt in range(3):
        clashes = _clashes(data, intended, ref)
        if not clashes:
            return
        for office, i in dict.fromkeys(clashes):
            act = data[office][0][i]
            fam = next(f for f in FAMILIES if f.key == act["_family"])
            act["Activity"] = fam.alt_title.format(
                region=act["_region"], year=act["_start"].year, country=names[act["_country"]]
            ) + (f" ({act['Activity ID']})" if attempt else "")
            act["Description"] = f"{act['Activity']}. Illustrative sample activity."
    raise RuntimeError("the sample still has accidental look-alike activities")
