"""Question 3, where BDT invests most and how that changed: spend tables, trend, year on year.

Spend by theme, Resolution, region, funder, implementor and cost type; by accounting year;
the trend of actual spend in words; spend per beneficiary Member State by region, the
LDC/LLDC/SIDS shares and the largest recipients with their need signals. The charts of the
same figures are in :mod:`cyber_mapping.report.figures`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cyber_mapping.analysis import need, scope, spend, trends
from cyber_mapping.labels import resolution_label
from cyber_mapping.money import chf_alike, chf_prose, chf_thousands
from cyber_mapping.reference import load_gci
from cyber_mapping.report.blocks import Block, Html, chf_columns, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import gci_text, long_date, ordinal, percent, region_name


def spend_table(report: Report, dimension: str, label: str, top: int | None = None):
    """Spend by one dimension: actual, estimated, total (CHF thousands) and share."""
    data = spend.spend_with_basis(report.product, dimension, report.region, top=top)
    if dimension == "resolution_id":
        data[dimension] = data[dimension].map(lambda r: resolution_label(r, report.ref))
    out = chf_columns(data, ["actual", "estimated", "total"])
    out["share"] = out["share"].map(percent)
    out.columns = [label, "Actual", "Estimated", "Total (actual + estimated)", "Share of total"]
    if dimension == "funder":
        # Spend is grouped by the State or organisation; the agencies named are listed.
        agencies = spend.funder_agencies(report.product, report.region)
        if agencies:
            out.insert(1, "Agencies", data["funder"].map(agencies).fillna(""))
    return table(
        report,
        out,
        f"Spend by {label.lower()}, CHF thousands",
        data=data,
        note=esc(report.t["shares_forced"]),
    )


def year_spend_table(report: Report, dimension: str, label: str) -> Html:
    """Spend by ``dimension`` and accounting year (CHF thousands), with actual and estimated."""
    data = spend.year_table(report.product, dimension, report.region)
    out = data.reset_index()
    cols = [c for c in out.columns if c != dimension]
    out = chf_columns(out, cols)
    out.columns = [label, *[str(c) for c in cols[:-3]], "Actual", "Estimated", "Total"]
    caption = f"Spend by {label.lower()} and year (actual and estimated), CHF thousands"
    return table(report, out, caption, wide=True)


def year_overview_table(report: Report) -> Html:
    """Spend per accounting year, actual and estimated (CHF thousands), with activities."""
    data = spend.spend_with_basis(report.product, "year", report.region)
    data = data.sort_values("year").drop(columns="share")
    out = chf_columns(data, ["actual", "estimated", "total"])
    out["year"] = out["year"].astype(str)
    out.columns = ["Year", "Actual", "Estimated", "Total (actual + estimated)"]
    return table(report, out, "Spend by accounting year, CHF thousands")


def open_year(report: Report) -> int | None:
    """The accounting year still open on the as-of date (its actual spend is partial)."""
    return report.as_of.year if report.as_of < dt.date(report.as_of.year, 12, 31) else None


def trend_paragraph(report: Report) -> Block:
    """Actual spend over the closed years, in words, and the open year left out."""
    t = report.t
    still_open = open_year(report)
    last = (still_open - 1) if still_open is not None else report.as_of.year
    rows = scope.scope_allocations(report.product, report.region)
    # A closed year whose spend is partly still estimated has incomplete actual spend too:
    # comparing it would report a fall that is only bookkeeping. Leave it out, and say so.
    by_year = rows.groupby(["year", "basis"], observed=True)["amount_cents"].sum()
    estimated_out: list[tuple[int, float]] = []
    while by_year.get((last, spend.ESTIMATED), 0) > 0:
        total = int(by_year.loc[last].sum())
        estimated_out.append((last, 100 * by_year[(last, spend.ESTIMATED)] / total))
        last -= 1
    trend = trends.spend_trend(report.product, report.region, basis=spend.ACTUAL, years=(0, last))
    sentences = [trends.trend_sentence(trend, t["q_trend_subject"], t, chf_prose)]
    if still_open is not None and bool((rows["year"] >= still_open).any()):
        sentences.append(
            t["q_trend_open"].format(open_year=still_open, as_of=long_date(report.as_of))
        )
    for year, share in estimated_out:
        sentences.append(t["q_trend_estimated"].format(year=year, share=percent(share)))
    data = pd.DataFrame({"year": list(trend.years), "actual_cents": list(trend.amounts)})
    return paragraph(*sentences, data=data)


def year_change(amounts: dict[int, int]) -> dict[int, int | None]:
    """Whole-number percent change of each year on the year before.

    ``None`` for the first year and for a change from nothing.
    """
    years = sorted(amounts)
    out: dict[int, int | None] = {}
    for i, year in enumerate(years):
        out[year] = None if i == 0 else trends.percent_change(amounts[years[i - 1]], amounts[year])
    return out


def yoy_table(report: Report) -> Block:
    """Actual spend per year and its change on the previous year; the open year marked."""
    t = report.t
    rows = scope.scope_allocations(report.product, report.region)
    actual = rows[rows["basis"] == spend.ACTUAL]
    sums = actual.groupby("year")["amount_cents"].sum()
    amounts = {int(y): int(v) for y, v in sums.items()}
    changes = year_change(amounts)
    still_open = open_year(report)
    out = pd.DataFrame(
        {
            "Year": [
                f"{y} (not yet ended)" if still_open is not None and y >= still_open else str(y)
                for y in sorted(amounts)
            ],
            "Actual, CHF thousands": [chf_thousands(amounts[y]) for y in sorted(amounts)],
            "Change on previous year": [
                "–" if changes[y] is None else f"{changes[y]:+d}%" for y in sorted(amounts)
            ],
        }
    )
    data = pd.DataFrame(
        {"year": sorted(amounts), "actual_cents": [amounts[y] for y in sorted(amounts)]}
    ).assign(change_pct=[changes[y] for y in sorted(amounts)])
    return table(report, out, t["q_yoy_caption"], key="yoy", data=data)


def per_state_table(report: Report) -> Block:
    """Spend per beneficiary Member State by region; this report's region marked."""
    t = report.t
    data = need.spend_per_state(report.product, report.ref)
    out = pd.DataFrame(
        {
            "Region": [report.region_label(r) for r in data["region"]],
            "Member States": data["member_states"].astype(str),
            "Beneficiaries": data["beneficiaries"].astype(str),
            "Attributed to Member States": data["country_cents"].map(chf_thousands),
            "Per beneficiary": data["per_beneficiary_cents"].map(chf_thousands),
            "Per Member State": data["per_member_state_cents"].map(chf_thousands),
        }
    )
    return table(
        report,
        out,
        t["q_per_state_caption"],
        key="per_state",
        data=data,
        note=esc(t["q_per_state_note"]),
    )


def per_state_paragraph(report: Report) -> Block:
    """The region's rank (regional report) or the highest and lowest regions (overall)."""
    t = report.t
    data = need.spend_per_state(report.product, report.ref)
    rows = data[data["beneficiaries"] > 0]
    if rows.empty:
        return paragraph(esc(t["no_data"]), data=data)
    if report.region:
        rank, regions = need.region_rank(data, report.region)
        if rank == 0:
            return paragraph(esc(t["no_data"]), data=data)
        cents = int(rows.loc[rows["region"] == report.region, "per_beneficiary_cents"].iloc[0])
        return paragraph(
            t["q_per_state_rank"].format(
                region=esc(region_name(report.region)),
                rank=ordinal(rank),
                regions=regions,
                amount=chf_prose(cents),
            ),
            data=data,
        )
    ordered = rows.sort_values(["per_beneficiary_cents", "region"], ascending=[False, True])
    top, low = ordered.iloc[0], ordered.iloc[-1]
    top_amount, low_amount = chf_alike(
        int(top["per_beneficiary_cents"]), int(low["per_beneficiary_cents"])
    )
    return paragraph(
        t["q_per_state_top"].format(
            top=esc(region_name(top["region"])),
            top_amount=top_amount,
            low=esc(region_name(low["region"])),
            low_amount=low_amount,
        ),
        data=data,
    )


def groups_table(report: Report) -> Block:
    """Share of country-attributed spend to LDCs, LLDCs, SIDS (overlapping, unforced)."""
    t = report.t
    data = need.group_shares(report.product, report.ref, report.region)
    out = pd.DataFrame(
        {
            "Group": data["group"],
            "Member States with spend": data["states"].astype(str),
            "CHF thousands": data["cents"].map(chf_thousands),
            "Share of country-attributed spend": data["share"].map(percent),
        }
    )
    return table(
        report, out, t["q_groups_caption"], key="groups", data=data, note=esc(t["q_groups_note"])
    )


def recipients_paragraph(report: Report) -> Block:
    """The LDC/LLDC/SIDS share and the largest recipient, in two sentences."""
    t = report.t
    shares = need.group_shares(report.product, report.ref, report.region)
    top = need.largest_recipients(report.product, report.ref, report.region, top=1)
    if top.empty:
        return paragraph(esc(t["no_data"]), data=shares)
    anyone = shares[shares["group"] == "LDC, LLDC or SIDS"].iloc[0]
    group_amount, top_amount = chf_alike(int(anyone["cents"]), int(top["cents"].iloc[0]))
    return paragraph(
        t["q_groups"].format(share=percent(anyone["share"]), amount=group_amount),
        t["q_recipients"].format(
            name=esc(top["name"].iloc[0]), amount=top_amount, share=percent(top["share"].iloc[0])
        ),
        data=shares,
    )


def recipients_table(report: Report, top: int = 10) -> Block:
    """The largest recipients with their need signals."""
    t = report.t
    data = need.largest_recipients(report.product, report.ref, report.region, top, load_gci())
    out = pd.DataFrame(
        {
            "Member State": data["name"],
            "Region": data["region"],
            "CHF thousands": data["cents"].map(chf_thousands),
            "Share of country-attributed spend": data["share"].map(percent),
            "LDC / LLDC / SIDS": data["groups"],
            "GCI 2024 tier": [
                gci_text(a, b, c, t["q_gci_na"])
                for a, b, c in zip(
                    data["gci_tier"], data["gci_tier_name"], data["gci_verification"], strict=True
                )
            ],
        }
    )
    return table(report, out, t["q_recipients_caption"], key="recipients", data=data)
