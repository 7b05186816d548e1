"""The sample's results rows, consistent with each activity's status, and its Main outputs text."""

from __future__ import annotations

from cyber_mapping.sample.portfolio import SNAPSHOT

_SOURCES = {
    "Participants trained": "attendance list",
    "Women trained": "attendance list",
    "Mentees completing a mentorship programme": "programme completion records",
    "CyberDrill teams taking part": "exercise control team log",
    "National CIRTs established or strengthened": "government decision establishing the CIRT",
    "National cybersecurity strategies adopted": "official gazette",
    "Child online protection frameworks adopted": "official gazette",
    "People reached by awareness campaigns": "campaign analytics (estimate)",
    "GCI questionnaires supported": "GCI submission records",
}


def results_for(rng, fam, aid, status, places, end, names, ref) -> list[dict]:
    """Results rows consistent with the status: targets; achieved once done (or partly)."""
    catalogue = ref.indicators.set_index("name")
    rows = []
    for indicator, per_country, (lo, hi) in fam.results:
        where = (places or [None])[:3] if per_country else [None]
        for iso3 in where:
            target = rng.randint(lo, hi)
            achieved = None
            if status == "Completed":
                if hi == 1:  # a yes/no kind of count: reached or not yet
                    achieved = 1 if rng.random() < 0.75 else 0
                else:
                    achieved = max(0, target + rng.randint(-target // 4, target // 4))
            elif status == "Ongoing" and rng.random() < 0.6 and hi > 1:
                achieved = target * rng.randint(20, 80) // 100
            group = ""
            if "Women" in indicator or "Mentees" in indicator:
                group = "women"
            elif indicator == "Participants trained":
                group = rng.choice(["Ministry of ICT", "national CIRT", "regulator", ""])
            rows.append(
                {
                    "Activity ID": aid,
                    "Level": catalogue.loc[indicator, "level"] if rng.random() < 0.3 else "",
                    "Indicator": indicator,
                    "Baseline": 0 if hi == 1 and rng.random() < 0.5 else "",
                    "Target": target,
                    "Achieved": achieved if achieved is not None else "",
                    "Unit": catalogue.loc[indicator, "unit"] if rng.random() < 0.7 else "",
                    "Country": names[iso3] if iso3 else "",
                    "Group": group,
                    "As of": (
                        end.strftime("%m %Y")
                        if status == "Completed"
                        else SNAPSHOT.strftime("%m %Y")
                        if achieved is not None
                        else ""
                    ),
                    "Source": _SOURCES.get(indicator, "activity report")
                    if achieved is not None
                    else "",
                }
            )
    return rows


def outputs_text(results: list[dict], status: str) -> str:
    """The 'Main outputs' sentence, from the same figures as the Results rows."""
    totals: dict[str, list[int]] = {}
    as_of = ""
    for r in results:
        t = totals.setdefault(r["Indicator"], [0, 0, 0])
        t[0] += int(r["Target"])
        if r["Achieved"] != "":
            t[1] += int(r["Achieved"])
            t[2] += 1
            as_of = as_of or r["As of"]
    if not totals:
        return ""
    if status == "Planned" or not any(t[2] for t in totals.values()):
        return "Targets: " + "; ".join(f"{k.lower()} {t[0]}" for k, t in totals.items())
    parts = []
    for k, t in totals.items():
        if not t[2]:
            continue
        parts.append(
            f"{k.lower()} {t[1]}" + (f" of a target of {t[0]}" if status == "Ongoing" else "")
        )
    return f"As of {as_of}: " + "; ".join(parts)
