"""Question 1, progress and results: activities by status, targets against achievements.

Results are as the offices reported them (not audited); only indicators marked
``additive`` in ``reference/indicators.csv`` are summed across activities.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import caveats, progress
from cyber_mapping.money import chf_thousands, group_thousands
from cyber_mapping.report.blocks import Block, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import (
    capital,
    count_of,
    join_names,
    long_date,
    percent,
    plural,
    verb,
)


def status_paragraph(report: Report) -> Block:
    """Activities by status, statuses the as-of date contradicts, and activities with no result."""
    t = report.t
    counts = progress.status_counts(report.product, report.region)
    total = sum(counts.values())
    if total == 0:
        return paragraph(esc(t["no_data"]))
    shown = {s: n for s, n in counts.items() if n}
    if total == 1:
        first = t["q_status_one"].format(status=next(iter(shown)).lower())
    else:
        parts = [
            t["q_status_part"].format(n=n, verb=verb(n), status=s.lower())
            for s, n in shown.items()
        ]
        first = t["q_status"].format(
            activities=plural(total, "activity", "activities"), parts=join_names(parts)
        )
    sentences = [first]
    stale = caveats.stale_statuses(report.product, report.as_of, report.region)
    if stale.count:
        sentences.append(
            t["q_stale"].format(
                activities=plural(stale.count, "activity", "activities"),
                as_of=long_date(report.as_of),
            )
        )
    cover = progress.result_coverage(report.product, report.region)
    if cover.without == 0:
        sentences.append(t["q_results_all"])
    else:
        sentences.append(
            t["q_results_missing"].format(
                count=capital(count_of(cover.without, cover.activities, "activity", "activities")),
                share=percent(cover.share),
            )
        )
    data = pd.DataFrame({"status": list(counts), "activities": list(counts.values())})
    return paragraph(*sentences, data=data)


def status_year_table(report: Report) -> Block:
    """Activities and spend by status and year (a wide table: status × measure by year)."""
    data = progress.status_year(report.product, report.region)
    t = report.t
    if data.empty:
        return table(report, pd.DataFrame(), t["q_status_year_caption"], key="status_year")
    years = sorted(data["year"].unique())
    rows = []
    for status, mine in data.groupby("status", sort=False):
        by_year = mine.set_index("year")
        rows.append(
            [status, "Activities"] + [str(int(by_year["activities"].get(y, 0))) for y in years]
        )
        rows.append(
            [status, "CHF thousands"]
            + [chf_thousands(int(by_year["cents"].get(y, 0))) for y in years]
        )
    out = pd.DataFrame(rows, columns=["Status", "Measure", *[str(y) for y in years]])
    return table(report, out, t["q_status_year_caption"], key="status_year", wide=True, data=data)


def indicator_paragraph(report: Report) -> Block:
    """The indicator with the largest combined target: achieved against target."""
    t = report.t
    data = progress.results_vs_targets(report.product, report.ref, report.region)
    top = progress.leading_indicator(data)
    if top is None:
        return paragraph(t["q_indicator_none"], data=data)
    return paragraph(
        t["q_indicator"].format(
            indicator=esc(top.indicator),
            achieved=group_thousands(round(top.achieved)),
            unit=esc(top.unit),
            target=group_thousands(round(top.target)),
            pct=percent(top.achieved_pct),
        ),
        data=data,
    )


def indicator_table(report: Report, by: str = "resolution_id") -> Block:
    """Target against achieved per additive indicator, by resolution or by region.

    One row per indicator, one column per resolution (or region), each cell
    ``achieved / target`` over the results that report both (``–`` where none does);
    ``.data`` holds the long table of :func:`~cyber_mapping.analysis.progress.results_vs_targets`.
    """
    t = report.t
    data = progress.results_vs_targets(report.product, report.ref, report.region, by)
    data = data[data["additive"].astype(bool)].reset_index(drop=True)
    label = "Resolution" if by == "resolution_id" else "Region"
    keys = sorted(data[by].unique()) if not data.empty else []
    rows = []
    for (indicator, unit), mine in data.groupby(["indicator", "unit"], sort=True):
        cells = mine.set_index(by)
        row = {"Indicator": indicator, "Unit": unit}
        for key in keys:
            if key in cells.index and cells.loc[key, "compared"] > 0:
                rec = cells.loc[key]
                row[key] = (
                    f"{group_thousands(round(rec['achieved']))} / "
                    f"{group_thousands(round(rec['target']))}"
                )
            else:
                row[key] = "–"
        rows.append(row)
    out = pd.DataFrame(rows, columns=["Indicator", "Unit", *keys])
    return table(
        report,
        out,
        t["q_indicator_caption"].format(by=label.lower()),
        key=f"indicators_{by}",
        wide=True,
        data=data,
        note=esc(t["q_indicator_note"]),
    )


def outcomes_table(report: Report) -> Block:
    """Outcomes reported, listed by Member State."""
    data = progress.outcomes_by_country(report.product, report.ref, report.region)
    out = pd.DataFrame(
        {
            "Member State": data["name"],
            "Region": data["region"],
            "Outcomes reported": data["outcomes"],
            "Activities": data["activities"].astype(str),
        }
    )
    return table(report, out, report.t["q_outcomes_caption"], key="outcomes", wide=True, data=data)
