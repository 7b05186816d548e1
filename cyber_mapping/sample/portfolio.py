"""The invented portfolio the sample is drawn from: offices, families of work, spellings.

Calibrated on public facts about BDT's cyber work (drills, CIRT assessments, strategies,
child online protection, Her CyberTracks, training); the spellings are those real
submissions use, so that reading has to understand each of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SNAPSHOT = dt.date(2025, 1, 31)  # the sample's "as of" date: later activities are planned

OFFICES = {
    "BDT_HQ": ("BDT (HQ)", "HQ", None),
    "RO_Africa": ("Regional Office for Africa", "RO-AFR", "Africa"),
    "RO_Americas": ("Regional Office for the Americas", "RO-AMS", "Americas"),
    "RO_Arab_States": ("Regional Office for Arab States", "RO-ARB", "Arab States"),
    "RO_Asia_Pacific": (
        "Regional Office for Asia and the Pacific",
        "RO-ASP",
        "Asia and the Pacific",
    ),
    "RO_CIS": ("Regional Office for CIS", "RO-CIS", "CIS"),
    "RO_Europe": ("Regional Office for Europe", "RO-EUR", "Europe"),
}

# Ways offices really write implementors (reading must understand each of them).
IMPLEMENTOR_SPELLINGS = {
    "Regional Office for Africa": ["Regional Office for Africa", "RO Africa", "Addis Ababa"],
    "Regional Office for the Americas": ["Regional Office for the Americas", "Brasilia"],
    "Regional Office for Arab States": ["Regional Office for Arab States", "Arab Regional Office"],
    "Regional Office for Asia and the Pacific": [
        "Regional Office for Asia and the Pacific",
        "RO Asia-Pacific",
        "Bangkok",
    ],
    "Regional Office for CIS": ["Regional Office for CIS", "Moscow"],
    "Regional Office for Europe": ["Regional Office for Europe", "RO Europe"],
    "BDT (HQ)": ["BDT (HQ)", "BDT HQ", "BDT"],
}
AREA_OFFICES = {
    "Africa": ["Area Office Dakar", "Yaoundé", "Area Office Harare"],
    "Americas": ["Area Office Tegucigalpa", "Bridgetown", "Area Office Santiago"],
    "Asia and the Pacific": ["Area Office Jakarta", "New Delhi"],
}
# Country spellings seen in real submissions, keyed by ISO3.
COUNTRY_SPELLINGS = {
    "CIV": ["Côte d'Ivoire", "Ivory Coast", "Côte d’Ivoire", "CIV"],
    "VNM": ["Viet Nam", "Vietnam"],
    "LAO": ["Lao PDR", "Lao People's Democratic Republic"],
    "TZA": ["Tanzania", "United Republic of Tanzania", "Tanzania (United Republic of)"],
    "COD": ["DRC", "Democratic Republic of the Congo"],
    "KOR": ["Korea, Republic of", "South Korea"],
    "GBR": ["UK", "United Kingdom"],
    "RUS": ["Russia", "Russian Federation"],
    "SWZ": ["Swaziland", "Eswatini"],
    "TUR": ["Turkey", "Türkiye"],
    "IRN": ["Iran", "Iran (Islamic Republic of)"],
    "MDA": ["Moldova", "Republic of Moldova"],
    "BOL": ["Bolivia"],
    "KGZ": ["Kyrgyzstan", "KGZ"],
}
RESOLUTION_SPELLINGS = {
    "PP-130": [
        "PP-130",
        "PP Res. 130 (Rev. Bucharest, 2022)",
        "Resolution 130",
        "PP Resolution 130",
    ],
    "WTDC-45": ["WTDC-45", "WTDC Resolution 45", "Res 45 (Rev. Kigali, 2022)"],
    "WTDC-67": ["WTDC-67", "WTDC Res. 67", "Resolution 67 (Kigali)"],
    "WTDC-69": ["WTDC-69", "Res 69 (Kigali)", "WTDC Resolution 69 (Rev. Kigali, 2022)"],
    "WTDC-73": ["WTDC-73", "WTDC Resolution 73"],
    "WTDC-64": ["WTDC-64", "WTDC Res 64"],
    "PP-179": ["PP-179", "PP Res. 179 (Rev. Bucharest, 2022)"],
    "WTSA-50": ["WTSA Res. 50", "WTSA-50"],
    "WTSA-52": ["WTSA-52"],
}
CLAUSES_QUOTED = {
    "PP-130": "instructs the Director of BDT ... to support regional and global cybersecurity "
    "projects (paraphrase)",
    "WTDC-45": "instructs the Director of BDT to help Member States develop national "
    "cybersecurity strategies (paraphrase)",
    "WTDC-69": "instructs the Director of BDT to support the establishment of national CIRTs "
    "(paraphrase)",
    "WTDC-67": "instructs the Director of BDT to continue child online protection activities "
    "(paraphrase)",
}


@dataclass(frozen=True)
class Family:
    """A family of work with its typical shape."""

    key: str
    theme: str
    resolutions: tuple[str, ...]
    title: str
    scope: str  # "country", "countries", "region", "global"
    cost: tuple[int, int]  # CHF range, whole activity
    years: tuple[int, int]  # duration range in years
    funders: tuple[str, ...]
    outputs: str = ""
    # Version 2: the results it measures (indicator, per country?, target range), the
    # outcome it aims at, the clauses it implements, and a title used when another office's
    # activity would otherwise look like the same one.
    results: tuple[tuple[str, bool, tuple[int, int]], ...] = ()
    outcome: str = ""
    clauses: tuple[str, ...] = ()
    alt_title: str = ""


FAMILIES = (
    Family(
        "drill",
        "Cyber drills and exercises",
        ("WTDC-69", "PP-130"),
        "Regional CyberDrill {region} {year}",
        "region",
        (30_000, 120_000),
        (1, 1),
        ("ITU regular budget", "Oman", "United Arab Emirates"),
        "participants",
    ),
    Family(
        "cirt_assess",
        "Incident response and CIRTs",
        ("WTDC-69",),
        "CIRT readiness assessment, {country}",
        "country",
        (20_000, 60_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "cirt_build",
        "Incident response and CIRTs",
        ("WTDC-69", "PP-130"),
        "National CIRT establishment, {country}",
        "country",
        (100_000, 500_000),
        (2, 3),
        ("ITU regular budget", "Australia", "United States", "European Union"),
    ),
    Family(
        "strategy",
        "Cybersecurity strategy and governance",
        ("WTDC-45", "PP-130"),
        "National cybersecurity strategy support, {country}",
        "country",
        (40_000, 150_000),
        (1, 2),
        ("ITU regular budget", "United Kingdom"),
    ),
    Family(
        "cop",
        "Child online protection",
        ("WTDC-67", "PP-179"),
        "Child online protection national workshops",
        "countries",
        (50_000, 300_000),
        (1, 3),
        ("ITU regular budget", "Saudi Arabia", "Australia"),
        "participants",
    ),
    Family(
        "skills",
        "Cyber skills and workforce development",
        ("WTDC-73", "PP-130"),
        "Cybersecurity training through ITU Academy Training Centres",
        "countries",
        (10_000, 40_000),
        (1, 1),
        ("ITU regular budget", "European Union"),
        "participants",
    ),
    Family(
        "women",
        "Women in cybersecurity",
        ("PP-130", "WTDC-45"),
        "Her CyberTracks / women in cyber mentorship, {region}",
        "countries",
        (60_000, 200_000),
        (1, 2),
        ("Germany", "ITU regular budget"),
        "women",
    ),
    Family(
        "legal",
        "Legal and regulatory frameworks",
        ("PP-130",),
        "Cybercrime and cybersecurity legislation review, {country}",
        "country",
        (20_000, 80_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "awareness",
        "Awareness and cyber hygiene",
        ("WTDC-45",),
        "Cyber hygiene awareness campaign",
        "countries",
        (10_000, 50_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "gci",
        "Assessment and measurement",
        ("WTDC-45", "PP-130"),
        "Global Cybersecurity Index {year}: questionnaire support",
        "global",
        (80_000, 250_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "spam",
        "Spam and consumer protection",
        ("WTDC-64", "WTSA-52"),
        "Countering spam and protecting consumers workshop",
        "countries",
        (15_000, 40_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "cip",
        "Critical infrastructure protection",
        ("PP-130", "WTSA-50"),
        "Critical information infrastructure protection workshop",
        "countries",
        (20_000, 70_000),
        (1, 1),
        ("ITU regular budget",),
    ),
    Family(
        "coop",
        "International cooperation",
        ("WTDC-45",),
        "Regional cybersecurity forum {region} {year}",
        "region",
        (15_000, 60_000),
        (1, 1),
        ("ITU regular budget",),
    ),
)
_V2 = {
    "drill": (
        (
            ("CyberDrill teams taking part", False, (6, 20)),
            ("Participants trained", False, (30, 90)),
        ),
        "National CIRTs of the region test their incident-response procedures together and "
        "agree on points of contact",
        ("WTDC-69/instructs-BDT/cooperation", "PP-130/instructs-BDT/CIRTs"),
        "Cyber exercise for incident responders, {region} {year}",
    ),
    "cirt_assess": (
        (("CIRT readiness assessments completed", True, (1, 1)),),
        "The government has an agreed roadmap and budget for establishing its national CIRT",
        ("WTDC-69/instructs-BDT/establish", "PP-130/instructs-BDT/CIRTs"),
        "Incident response readiness review, {country}",
    ),
    "cirt_build": (
        (
            ("National CIRTs established or strengthened", True, (1, 1)),
            ("Participants trained", True, (10, 40)),
        ),
        "An operational national CIRT handles incidents and cooperates with its peers",
        ("WTDC-69/instructs-BDT/establish", "PP-130/instructs-BDT/CIRTs"),
        "Incident response team set-up support, {country}",
    ),
    "strategy": (
        (
            ("National cybersecurity strategies drafted", True, (1, 1)),
            ("National cybersecurity strategies adopted", True, (1, 1)),
        ),
        "The country adopts and starts implementing a national cybersecurity strategy",
        ("WTDC-45/instructs-BDT/strategies", "PP-130/instructs-BDT/strategies-legal"),
        "Cybersecurity policy drafting assistance, {country}",
    ),
    "cop": (
        (
            ("Participants trained", True, (15, 60)),
            ("Child online protection frameworks adopted", True, (1, 1)),
        ),
        "Parents, educators and industry apply national child online protection measures",
        ("WTDC-67/instructs-BDT/COP-initiative", "WTDC-67/instructs-BDT/national-frameworks"),
        "Safer internet for children: COP guideline roll-out",
    ),
    "skills": (
        (("Participants trained", True, (10, 40)), ("Women trained", True, (3, 15))),
        "More certified cybersecurity professionals in the public sector",
        ("WTDC-73/ATC-programme", "PP-130/instructs-BDT/developing-countries"),
        "ITU Academy cyber courses for government staff",
    ),
    "women": (
        (
            ("Women trained", True, (8, 30)),
            ("Mentees completing a mentorship programme", True, (3, 12)),
        ),
        "More women in cybersecurity careers and in national cyber decision-making",
        ("PP-130/instructs-BDT/developing-countries",),
        "Mentoring women cyber professionals, {region}",
    ),
    "legal": (
        (("Legal frameworks drafted", True, (1, 1)),),
        "A cybercrime and cybersecurity law consistent with international good practice",
        ("PP-130/instructs-BDT/strategies-legal",),
        "Review of cyber laws and regulations, {country}",
    ),
    "awareness": (
        (("People reached by awareness campaigns", True, (500, 5000)),),
        "Citizens and small businesses adopt basic cyber hygiene",
        ("WTDC-45/instructs-BDT/cooperation",),
        "Public campaign on safe online habits",
    ),
    "gci": (
        (("GCI questionnaires supported", False, (60, 150)),),
        "Countries measure their cybersecurity commitment and identify gaps to address",
        ("WTDC-45/instructs-BDT/info", "PP-130/instructs-BDT/projects"),
        "GCI {year} data collection support",
    ),
    "spam": (
        (("Participants trained", True, (10, 30)),),
        "Regulators apply measures against spam and protect consumers online",
        ("WTDC-64/instructs-BDT", "WTSA-52/TSB-with-BDT"),
        "Anti-spam and consumer trust training",
    ),
    "cip": (
        (("Institutions supported", True, (2, 8)),),
        "Operators of critical information infrastructure have tested protection plans",
        ("WTSA-50/TSB-with-BDT", "PP-130/instructs-BDT/projects"),
        "Protecting critical information infrastructure: operator training",
    ),
    "coop": (
        (
            ("Participants trained", False, (40, 120)),
            ("Cooperation agreements signed", False, (1, 3)),
        ),
        "Closer cooperation among the region's cybersecurity agencies",
        ("WTDC-45/instructs-BDT/cooperation", "PP-130/instructs-3-directors"),
        "Cybersecurity cooperation meeting, {region} {year}",
    ),
}
FAMILIES = tuple(
    Family(
        **{
            **f.__dict__,
            "results": _V2[f.key][0],
            "outcome": _V2[f.key][1],
            "clauses": _V2[f.key][2],
            "alt_title": _V2[f.key][3],
        }
    )
    for f in FAMILIES
)
FAMILY_WEIGHTS = (12, 10, 6, 8, 6, 12, 3, 5, 5, 0, 3, 4, 6)
FUNDER_CURRENCY = {
    "Australia": "AUD",
    "United Kingdom": "GBP",
    "Germany": "EUR",
    "European Union": "EUR",
    "United States": "USD",
}
FUNDER_SPELLINGS = {
    "ITU regular budget": ["ITU regular budget", "ITU Regular Budget", "RB"],
    "United Kingdom": ["United Kingdom", "UK FCDO"],
}
