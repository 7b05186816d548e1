"""The sample's deliberate faults: about 3% of rows invalid, as real submissions go wrong."""

from __future__ import annotations

import random


def inject_errors(rng: random.Random, acts: list, exps: list, outs: list, office: str) -> None:
    """Make about 3% of rows invalid, each in a way real submissions go wrong."""
    act_faults = [
        ("Beneficiary countries", "Keyna"),
        ("Activity theme", "Cyber hygene"),
        ("Resolution references", "WTDC Resolution 99"),
        ("Country shares (%)", "70; 20"),
        ("End date", "31/02/2021"),
        ("Implementor(s)", "Regional Office for Antarctica"),
        ("Clauses", "PP-130/instructs-BDT/CIRT"),
    ]
    for k in range(max(1, len(acts) * 3 // 100)):
        col, bad = act_faults[(k + len(office)) % len(act_faults)]
        row = acts[rng.randrange(len(acts))]
        row[col] = bad
    exp_faults = [
        ("Amount", "tbd"),
        ("Amount", -5000),
        ("Period", 2016),
        ("Currency", "MNT"),  # a real currency the package ships no rate for
        ("Cost type", "Travel"),
        ("Activity ID", "RO-XXX-2020-999"),
    ]
    for k in range(max(1, len(exps) * 3 // 100)):
        col, bad = exp_faults[(k + len(office)) % len(exp_faults)]
        exps[rng.randrange(len(exps))][col] = bad
    if outs:
        outs[rng.randrange(len(outs))]["Achieved"] = "many"
    # Reversed dates and one duplicate ID in the HQ workbook.
    if office == "BDT_HQ" and len(acts) > 3:
        acts[1]["Start date"], acts[1]["End date"] = "2024-12-31", "2024-01-15"
        dup = dict(acts[2])
        dup["Activity"] = dup["Activity"] + " (entered twice)"
        acts.append(dup)
