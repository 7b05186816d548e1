"""Small data products built by hand (no workbooks), for tests whose figures are worked out
in comments. Only the columns the analysis reads are filled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cyber_mapping.product.store import Product

REGION = {
    "KEN": "Africa",
    "UGA": "Africa",
    "TZA": "Africa",
    "ZAF": "Africa",
    "BDI": "Africa",
    "FJI": "Asia and the Pacific",
}


def activity(aid, status, start, end=None, partners="", theme="CIRT", title=None):
    return {
        "activity_id": aid,
        "workbook": "office.xlsx",
        "title": title or f"Activity {aid}",
        "status": status,
        "theme": theme,
        "partners": partners,
        "start_date": pd.Timestamp(start),
        "end_date": pd.Timestamp(end) if end else pd.NaT,
    }


def alloc(
    aid,
    country,
    year,
    cents,
    funder="ITU regular budget",
    basis="Actual",
    resolution="PP-130",
    theme="CIRT",
    status="Completed",
    region=None,
):
    return {
        "expenditure_id": f"office.xlsx:{aid}",
        "activity_id": aid,
        "resolution_id": resolution,
        "country_iso3": country,
        "region": region or REGION[country],
        "year": year,
        "funder": funder,
        "cost_type": "Non-staff",
        "basis": basis,
        "status": status,
        "theme": theme,
        "amount_cents": cents,
        "amount_chf": cents / 100,
    }


def make_product(activities, places, allocations, quarantine=(), manifest=None):
    """``places`` is a list of (activity_id, iso3 or None, region)."""
    acts = pd.DataFrame(activities)
    pl = pd.DataFrame(
        [
            {"activity_id": a, "position": i, "country_iso3": c, "region": r, "weight": 1}
            for i, (a, c, r) in enumerate(places)
        ],
        columns=["activity_id", "position", "country_iso3", "region", "weight"],
    )
    al = pd.DataFrame(allocations)
    res = al[["activity_id", "resolution_id"]].drop_duplicates().assign(position=0, weight=1)
    q = pd.DataFrame(
        list(quarantine), columns=["workbook", "sheet", "row", "activity_id", "amount_cents"]
    )
    q["amount_cents"] = q["amount_cents"].astype("Int64")
    return Product(
        activities=acts,
        expenditure=pd.DataFrame(),
        allocations=al,
        implementor_allocations=pd.DataFrame(),
        outputs=pd.DataFrame(columns=["activity_id", "indicator", "value"]),
        issues=pd.DataFrame(),
        quarantine=q,
        activity_resolutions=res,
        activity_places=pl,
        activity_implementors=pd.DataFrame(columns=["activity_id", "position", "implementor"]),
        manifest=manifest or {"built_at": "2025-07-01T08:00:00+00:00", "inputs": []},
        directory=Path("."),
    )


AS_OF = dt.date(2025, 6, 30)


def current():
    """The current edition (figures in tests/test_need.py, test_caveats.py, test_change.py).

    A1 Completed 2021, KEN + UGA, 3 000 + 3 000 cents (PP-130), partners UNODC; FIRST
    A2 Ongoing 2022-2023 (ended before the as-of date), UGA, 4 000 (WTDC-45)
    A3 Planned, ended 31 Mar 2025, TZA, 1 000 estimated (PP-130), European Union
    A4 Completed, starts 2026 (after the as-of date), FJI, 6 000 (WTDC-69), Australia
    A5 Planned, Europe regional, 5 000 estimated (WTDC-67), European Union
    A6 Ongoing, ends on the as-of date, KEN, no spend
    """
    activities = [
        activity("A1", "Completed", "2021-01-01", "2021-12-31", partners="UNODC; FIRST"),
        activity("A2", "Ongoing", "2022-03-01", "2023-06-30", theme="Strategy"),
        activity("A3", "Planned", "2025-01-01", "2025-03-31"),
        activity("A4", "Completed", "2026-01-01"),
        activity("A5", "Planned", "2025-09-01", theme="COP"),
        activity("A6", "Ongoing", "2024-01-01", "2025-06-30"),
    ]
    places = [
        ("A1", "KEN", "Africa"),
        ("A1", "UGA", "Africa"),
        ("A2", "UGA", "Africa"),
        ("A3", "TZA", "Africa"),
        ("A4", "FJI", "Asia and the Pacific"),
        ("A5", None, "Europe"),
        ("A6", "KEN", "Africa"),
    ]
    allocations = [
        alloc("A1", "KEN", 2021, 3000),
        alloc("A1", "UGA", 2021, 3000, funder="United Kingdom"),
        alloc("A2", "UGA", 2022, 4000, resolution="WTDC-45", theme="Strategy", status="Ongoing"),
        alloc(
            "A3", "TZA", 2025, 1000, funder="European Union", basis="Estimated", status="Planned"
        ),
        alloc("A4", "FJI", 2025, 6000, funder="Australia", resolution="WTDC-69"),
        alloc(
            "A5",
            None,
            2025,
            5000,
            funder="European Union",
            basis="Estimated",
            resolution="WTDC-67",
            theme="COP",
            status="Planned",
            region="Europe",
        ),
    ]
    return make_product(activities, places, allocations)


def previous():
    """The previous edition, built 31 Dec 2024.

    A1 Ongoing, KEN + UGA, 1 000 + 1 000 (PP-130)
    A2 Planned, UGA, 4 000 (WTDC-45)
    A7 Completed, ZAF, 1 000 (WTDC-45); gone from the current edition
    """
    activities = [
        activity("A1", "Ongoing", "2021-01-01", "2021-12-31"),
        activity("A2", "Planned", "2022-03-01", "2023-06-30", theme="Strategy"),
        activity("A7", "Completed", "2020-01-01", "2020-12-31"),
    ]
    places = [
        ("A1", "KEN", "Africa"),
        ("A1", "UGA", "Africa"),
        ("A2", "UGA", "Africa"),
        ("A7", "ZAF", "Africa"),
    ]
    allocations = [
        alloc("A1", "KEN", 2021, 1000, status="Ongoing"),
        alloc("A1", "UGA", 2021, 1000, funder="United Kingdom", status="Ongoing"),
        alloc("A2", "UGA", 2022, 4000, resolution="WTDC-45", theme="Strategy", status="Planned"),
        alloc("A7", "ZAF", 2020, 1000, resolution="WTDC-45"),
    ]
    manifest = {"built_at": "2024-12-31T10:00:00+00:00", "inputs": []}
    return make_product(activities, places, allocations, manifest=manifest)
