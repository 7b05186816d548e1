"""Generate the illustrative sample workbooks (deterministic: same seed, same bytes).

The sample is INVENTED. It is calibrated on public facts about BDT's cyber work (drills,
CIRT assessments, strategies, child online protection, Her CyberTracks, training) so that
the reports look like the real portfolio, and it carries the mess real submissions have,
plus about 3% deliberately invalid rows so the quarantine path is exercised.

Contract version 2: results whose targets and achieved values fit each activity's status
(and the "Main outputs" text written from the same figures), outcomes by kind of work,
clauses on about half of the activities, three joint HQ + Regional Office activities
linked with "Joint with", and two activities reported by both without a link, so that the
possible double-reporting warning shows. Other look-alikes between offices are retitled.
"""

from __future__ import annotations

import random
from pathlib import Path

from cyber_mapping.exceptions import UsageError
from cyber_mapping.reference import Reference, load_reference
from cyber_mapping.sample.activities import activities_for
from cyber_mapping.sample.coordination import coordinate, retitle_clashes
from cyber_mapping.sample.faults import inject_errors
from cyber_mapping.sample.workbook import is_sample_workbook, write_workbook

# Activities per office: the scale of the sample.
SIZES = {
    "BDT_HQ": 70,
    "RO_Africa": 40,
    "RO_Americas": 34,
    "RO_Arab_States": 30,
    "RO_Asia_Pacific": 38,
    "RO_CIS": 20,
    "RO_Europe": 28,
}


def generate_sample(
    out_dir: Path, seed: int = 2017, ref: Reference | None = None, force: bool = False
) -> list[Path]:
    """Write one workbook for BDT HQ and one per Regional Office into ``out_dir``.

    Returns the paths written. The same seed always gives byte-identical files. A file of
    the same name that this generator did not write (a real submission saved as
    ``sample_RO_CIS.xlsx``) is never replaced unless ``force``.

    Raises
    ------
    UsageError
        When ``out_dir`` holds a foreign file under a sample's name and ``force`` is false.
    """
    ref = ref or load_reference()
    out_dir = Path(out_dir)
    targets = {office: out_dir / f"sample_{office}.xlsx" for office in SIZES}
    foreign = sorted(p.name for p in targets.values() if p.exists() and not is_sample_workbook(p))
    if foreign and not force:
        raise UsageError(
            f"{out_dir} holds {', '.join(foreign)}, which the sample generator did not write; "
            "not replacing it. Move it away or choose another folder (--out), or pass "
            "--force to replace it."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {}
    for office, n in SIZES.items():
        rng = random.Random(f"{seed}-{office}")
        acts, exps, outs = activities_for(office, n, rng, ref)
        clean = [dict(a) for a in acts]
        inject_errors(rng, acts, exps, outs, office)
        untouched = [i < len(clean) and a == clean[i] for i, a in enumerate(acts)]
        data[office] = (acts, exps, outs, untouched)
    intended = coordinate(data, random.Random(f"{seed}-coordination"), ref)
    retitle_clashes(data, intended, ref)
    written = []
    for office, (acts, exps, outs, _) in data.items():
        path = targets[office]
        write_workbook(path, office, acts, exps, outs)
        written.append(path)
    return written
