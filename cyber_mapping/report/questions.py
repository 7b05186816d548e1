"""The sections that answer TDAG's six questions, overall and per region.

1. progress and results; 2. mandate coverage by clause; 3. where BDT invests and how that
changed; 4. coordination; 5. where partners could focus; 6. what changed since the previous
edition. Each function returns a :class:`~cyber_mapping.report.blocks.Block` (a numbered
table or figure, or a paragraph stating the finding) whose ``.data`` holds the numbers
behind it.
Every number comes from the :mod:`cyber_mapping.analysis` stage (spend, progress, need,
clauses, offices, trends, caveats, change); every sentence template is in
``templates/text_en.yaml``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cyber_mapping.analysis import (
    caveats,
    change,
    clauses,
    need,
    offices,
    progress,
    scope,
    shares,
    spend,
    trends,
)
from cyber_mapping.labels import resolution_label
from cyber_mapping.money import chf_alike, chf_prose, chf_thousands, group_thousands
from cyber_mapping.paths import PACKAGE_DIR
from cyber_mapping.report.blocks import Block, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import (
    capital,
    count_of,
    join_names,
    long_date,
    office_name,
    ordinal,
    percent,
    plural,
    possessive,
    region_name,
)

# GCI tiers shown as published; any other verification (inferred, unverified) is "not
# available": a tier deduced by elimination is a guess, and a report must not guess.
GCI_SHOWN = ("itu", "secondary", "verified")


def _indicators() -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DIR / "reference" / "indicators.csv", dtype=str)


def _gci() -> pd.DataFrame:
    from cyber_mapping.reference import load_gci

    return load_gci()


def gci_text(tier: object, name: object, verification: object, na: str) -> str:
    """``3 (Establishing)`` for a published tier, ``not available`` otherwise."""
    if pd.isna(tier) or str(verification) not in GCI_SHOWN:
        return na
    return f"{int(tier)} ({name})" if str(name or "") else str(int(tier))


def _paren(ref: str) -> str:
    return f" ({ref})" if ref else ""


def _verb(n: int, one: str = "is", many: str = "are") -> str:
    return one if n == 1 else many


# ============================================================================ 1 progress


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
            t["q_status_part"].format(n=n, verb=_verb(n), status=s.lower())
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
    data = progress.indicator_progress(
        report.product, report.ref, _indicators(), "region", report.region
    )
    top = progress.leading_indicator(data)
    if top is None or top.target == 0:
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
    ``achieved / target``; ``.data`` holds the long table with the activities reporting.
    """
    t = report.t
    product, ref = report.product, report.ref
    data = progress.indicator_progress(product, ref, _indicators(), by, report.region)
    label = "Resolution" if by == "resolution_id" else "Region"
    keys = sorted(data[by].unique()) if not data.empty else []
    rows = []
    for (indicator, unit), mine in data.groupby(["indicator", "unit"], sort=True):
        cells = mine.set_index(by)
        row = {"Indicator": indicator, "Unit": unit}
        for key in keys:
            if key in cells.index:
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


# ============================================================================ 2 clauses


def clause_paragraph(report: Report) -> Block:
    """How many activities cite a clause, and how many clauses instructing BDT none cites."""
    t = report.t
    data = clauses.clause_coverage(report.product, report.ref, report.region)
    if data.empty:
        return paragraph(t["q_clauses_none_instruct"], data=data)
    stated = clauses.clause_statements(report.product, report.region)
    uncited = int((data["activities"] == 0).sum())
    return paragraph(
        t["q_clauses"].format(
            stating=capital(count_of(stated.stating, stated.activities, "activity", "activities")),
            uncited=count_of(uncited, len(data), "clause"),
            verb=_verb(uncited),
        ),
        data=data,
    )


def clause_table(report: Report) -> Block:
    """For each clause instructing BDT: citing activities and their spend; then 'not stated'."""
    t = report.t
    data = clauses.clause_coverage(report.product, report.ref, report.region)
    stated = clauses.clause_statements(report.product, report.region)
    rows = [
        {
            "Resolution": r.resolution_id,
            "Clause (package catalogue, summary)": r.summary,
            "Activities citing it": str(r.activities),
            "Spend, CHF thousands": chf_thousands(r.cents),
        }
        for r in data.itertuples()
    ]
    if rows:
        rows.append(
            {
                "Resolution": "",
                "Clause (package catalogue, summary)": t["q_clause_not_stated"],
                "Activities citing it": str(stated.not_stated),
                "Spend, CHF thousands": chf_thousands(
                    clauses.not_stated_spend(report.product, report.region)
                ),
            }
        )
    return table(
        report,
        pd.DataFrame(rows),
        t["q_clause_caption"],
        key="clause_coverage",
        data=data,
        note=esc(t["q_clause_note"]),
    )


# ============================================================================ 3 investment


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


def _own(report: Report, region: str) -> str:
    return region + (report.t["q_this_report"] if region == report.region else "")


def per_state_table(report: Report) -> Block:
    """Spend per beneficiary Member State by region; this report's region marked."""
    t = report.t
    data = need.spend_per_state(report.product, report.ref)
    out = pd.DataFrame(
        {
            "Region": [_own(report, r) for r in data["region"]],
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
    data = need.largest_recipients(report.product, report.ref, report.region, top, _gci())
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


# ============================================================================ 4 coordination


def office_paragraph(report: Report) -> Block:
    """Headquarters against the Regional and Area Offices, with the split method stated."""
    split = offices.office_split(report.product, report.ref, report.region)
    if split.hq_cents + split.field_cents + split.other_cents == 0:
        return paragraph(esc(report.t["no_data"]))
    return paragraph(
        report.t["q_office"].format(
            hq_share=percent(split.hq_share), field_share=percent(split.field_share)
        )
    )


def office_table(report: Report, by: str = "region") -> Block:
    """HQ against Regional/Area Office spend by region or theme (equal implementor split)."""
    t = report.t
    data = offices.office_shares(report.product, report.ref, by, report.region)
    label = "Region" if by == "region" else "Theme"
    names = [_own(report, r) for r in data[by]] if by == "region" else list(data[by])
    out = pd.DataFrame(
        {
            label: names,
            "BDT headquarters": data["hq_cents"].map(chf_thousands),
            "Regional and Area Offices": data["field_cents"].map(chf_thousands),
            "Headquarters' share": data["hq_share"].map(percent),
        }
    )
    if int(data["other_cents"].sum()):
        out.insert(3, "Other implementors", data["other_cents"].map(chf_thousands))
    return table(
        report,
        out,
        t["q_office_caption"].format(by=label.lower()),
        key=f"office_{by}",
        data=data,
        note=esc(t["q_office_note"]),
    )


def lead_table(report: Report) -> Block:
    """Activities and spend by lead implementor."""
    data = offices.lead_spend(report.product, report.region)
    out = pd.DataFrame(
        {
            "Lead implementor": data["lead"],
            "Activities": data["activities"].astype(str),
            "CHF thousands": data["cents"].map(chf_thousands),
        }
    )
    return table(report, out, report.t["q_lead_caption"], key="lead", data=data)


def joint_paragraph(report: Report) -> Block:
    """Joint activities and their spend; possible double reporting, pointing to its table."""
    t = report.t
    work = offices.joint_work(report.product, report.region)
    sentences = []
    if work.joint == 0:
        sentences.append(t["q_joint_none"])
    else:
        share = shares.share_pct(work.joint_cents, work.total_cents)
        sentences.append(
            t["q_joint"].format(
                joint=capital(count_of(work.joint, work.activities, "activity", "activities")),
                amount=chf_prose(work.joint_cents),
                share=percent(share),
            )
        )
    return paragraph(*sentences)


def duplicates_table(report: Report) -> Block:
    """Possible double reporting in scope, each activity with its office, for them to resolve."""
    t = report.t
    data = offices.duplicates_in_scope(report.product, report.region)
    office_of = offices.workbook_offices(report.product, report.ref)
    out = pd.DataFrame(
        {
            "Activity": data.get("activity_id_a", pd.Series(dtype=str)),
            "Reported by": [office_of.get(w, "") for w in data.get("workbook_a", [])],
            "Looks like": data.get("activity_id_b", pd.Series(dtype=str)),
            "Reported by ": [office_of.get(w, "") for w in data.get("workbook_b", [])],
            "Why they look alike": data.get("reason", pd.Series(dtype=str)),
        }
    )
    return table(
        report,
        out,
        t["q_duplicates_caption"],
        key="duplicates",
        data=data,
        empty=t["q_duplicates_none"],
        wide=True,
    )


# ============================================================================ 5 partners


def need_table(report: Report) -> Block:
    """Member States with no delivered activity or low spend, with LDC/LLDC/SIDS and GCI tier."""
    t = report.t
    data = need.need_table(report.product, report.ref, report.region, _gci())
    low = need.low_spend_threshold(report.product, report.ref, report.region)
    shown = data[(data["reach"] != need.REACHED) | (data["cents"] < low)]
    out = pd.DataFrame(
        {
            "Member State": shown["name"],
            "Region": shown["region"],
            "Reach": shown["reach"],
            "CHF thousands": shown["cents"].map(chf_thousands),
            "LDC / LLDC / SIDS": shown["groups"],
            "GCI 2024 tier": [
                gci_text(a, b, c, t["q_gci_na"])
                for a, b, c in zip(
                    shown["gci_tier"],
                    shown["gci_tier_name"],
                    shown["gci_verification"],
                    strict=True,
                )
            ],
        }
    )
    return table(
        report,
        out,
        t["q_need_caption"],
        key="need",
        data=shown.reset_index(drop=True),
        wide=True,
        note=esc(t["q_need_note"].format(threshold=chf_prose(low))),
        empty=t["q_need_all"],
    )


def need_paragraph(report: Report) -> Block:
    """States with no delivered activity (how many LDC/LLDC/SIDS), and with low spend."""
    t = report.t
    data = need.need_table(report.product, report.ref, report.region)
    low = need.low_spend_threshold(report.product, report.ref, report.region)
    unreached = data[data["reach"] != need.REACHED]
    low_rows = data[(data["reach"] == need.REACHED) & (data["cents"] < low)]
    if unreached.empty and low_rows.empty:
        return paragraph(t["q_need_all"], data=data)
    sentences = []
    if unreached.empty:
        sentences.append(t["q_need_all"])
    else:
        n, groups = len(unreached), int((unreached["groups"] != "").sum())
        if groups == 0:
            which = ""
        elif groups == n:
            which = t["q_need_groups_all"] if n > 1 else t["q_need_groups_one"]
        else:
            which = t["q_need_groups_some"].format(n=groups)
        sentences.append(
            t["q_need_unreached"].format(
                unreached=capital(plural(n, "Member State")),
                verb=_verb(n, "has", "have"),
                groups=which,
            )
        )
    if not low_rows.empty:
        sentences.append(
            t["q_need_low"].format(
                low=capital(plural(len(low_rows), "Member State")),
                verb=_verb(len(low_rows), "was", "were"),
                threshold=chf_prose(low),
            )
        )
    return paragraph(*sentences, data=data)


def uncited_paragraph(report: Report) -> Block:
    """Clauses instructing BDT that no activity cites, with the 'not stated' caveat."""
    t = report.t
    data = clauses.uncovered_clauses(report.product, report.ref, report.region)
    if data.empty:
        return paragraph(t["q_uncited_none"], data=data)
    stated = clauses.clause_statements(report.product, report.region)
    return paragraph(
        t["q_uncited"].format(
            clauses=capital(plural(len(data), "clause")),
            verb=_verb(len(data)),
            table_ref=_paren(report.cross_ref("table", "clauses")),
            not_stated=count_of(stated.not_stated, stated.activities, "activity", "activities"),
        ),
        data=data,
    )


def partners_table(report: Report) -> Block:
    """Funders and partners already active per region and theme."""
    data = need.active_partners(report.product, report.region, "theme")
    data = data[data["region"] != ""]
    out = pd.DataFrame(
        {
            "Region": [_own(report, r) for r in data["region"]],
            "Theme": data["theme"],
            "CHF thousands": data["cents"].map(chf_thousands),
            "Funders (largest first)": data["funders"],
            "Partners": data["partners"],
        }
    )
    return table(report, out, report.t["q_partners_caption"], key="partners", data=data, wide=True)


# ============================================================================ 6 changes


def changes_section(report: Report) -> Block:
    """What changed since the previous edition; nothing at all when there is none."""
    if report.previous is None:
        return Block("")
    t = report.t
    ch = change.compare(report.previous, report.product, report.ref)
    as_of = long_date(ch.previous_as_of) if ch.previous_as_of else "an unknown date"
    n_new = len(ch.new_activities)
    sentences = [
        t["q_changes"].format(
            as_of=as_of,
            new=plural(n_new, "activity", "activities"),
            new_verb=_verb(n_new, "was", "were"),
            completed=plural(len(ch.completed_since), "activity", "activities"),
            completed_verb=_verb(len(ch.completed_since), "was", "were"),
            changed=plural(len(ch.status_changes), "activity", "activities"),
        )
    ]
    region = ch.spend_by_region
    change_total, added, revised = chf_alike(
        int(region["change"].sum()), int(region["added"].sum()), int(region["revised"].sum())
    )
    moved = [int(region[c].abs().sum()) for c in ("added", "revised", "removed")]
    if not any(moved):
        sentences.append(t["q_changes_spend_none"])
    elif moved[1] == 0 and moved[2] == 0:
        sentences.append(t["q_changes_spend_new_only"].format(change=change_total))
    else:
        sentences.append(
            t["q_changes_spend"].format(change=change_total, added=added, revised=revised)
        )
    if ch.newly_reached:
        names = report.ref.country_name()
        sentences.append(
            t["q_changes_reached"].format(
                count=capital(plural(len(ch.newly_reached), "Member State"))
                + " "
                + _verb(len(ch.newly_reached)),
                names=join_names([esc(names.get(c, c)) for c in ch.newly_reached]),
            )
        )
    if report.region:
        sentences.append(t["q_changes_all_regions"])
    heading = f"<h2 id='changes'>{esc(t['q_changes_heading'])}</h2>"

    def spend_frame(frame: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
        if key == "resolution_id":
            names = frame[key].map(lambda r: resolution_label(r, report.ref))
        else:
            names = frame[key].map(lambda r: _own(report, r))
        return pd.DataFrame(
            {
                label: names,
                "Previous": frame["previous"].map(chf_thousands),
                "This edition": frame["current"].map(chf_thousands),
                "New activities": frame["added"].map(chf_thousands),
                "Revised": frame["revised"].map(chf_thousands),
                "Change": frame["change"].map(chf_thousands),
            }
        )

    by_region = table(
        report,
        spend_frame(region, "region", "Region"),
        t["q_changes_region_caption"],
        key="changes_region",
        data=region,
    )
    by_res = table(
        report,
        spend_frame(ch.spend_by_resolution, "resolution_id", "Resolution"),
        t["q_changes_resolution_caption"],
        key="changes_resolution",
        data=ch.spend_by_resolution,
    )
    body = heading + paragraph(*sentences) + by_region + by_res
    return Block(f"<section class='changes'>{body}</section>", data=region)


# ============================================================================ summary


def reach_sentence(report: Report) -> str:
    """Reached (delivered) and planned-only Member States, in one sentence."""
    data = need.state_reach(report.product, report.ref, report.region)
    reached = int((data["reach"] == need.REACHED).sum())
    planned = int((data["reach"] == need.PLANNED_ONLY).sum())
    key = "q_reach_summary" if planned else "q_reach_summary_none"
    return report.t[key].format(
        reached=count_of(reached, len(data), "Member State") + " in scope",
        planned_only=plural(planned, "Member State"),
        verb="is" if planned == 1 else "are",
    )


def quarantine_sentence(report: Report) -> str:
    """Spend set aside for failed validation and the office holding most of it (> 1%)."""
    bias = caveats.quarantine_bias(report.product)
    if not bias.material or bias.by_workbook.empty:
        return ""
    office_of = offices.workbook_offices(report.product, report.ref)
    top = bias.by_workbook.iloc[0]
    office = possessive(office_name(office_of.get(str(top["workbook"]), "")) or "one office")
    # Rows set aside cannot all be placed in a region (their activity may be unreadable),
    # so a regional report gives the figure for all submissions and says so.
    key = "summary_q" if report.region is None else "summary_q_all_regions"
    return report.t[key].format(
        amount=chf_prose(bias.quarantined_cents),
        share=percent(bias.share),
        office=office,
        office_share=percent(float(top["share"])),
    )
