"""Annex 1: the mapping of activities to Resolutions, in Figure 1's form.

Grouped by Resolution on landscape pages, each activity once under the first Resolution it
cites; a long report summarises by Resolution instead and points to the Excel annex.
"""

from __future__ import annotations

import itertools

import pandas as pd

from cyber_mapping.analysis import scope, spend
from cyber_mapping.labels import (
    beneficiary_names,
    clean_title,
    list_text,
    month_text,
    resolution_label,
)
from cyber_mapping.money import chf_thousands
from cyber_mapping.report.blocks import Html, esc, paragraph, scroller, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import capital, month_year


def spend_words(records: list[tuple[str, str, str, int]], basis: str) -> list[str]:
    """One line per funder of one basis: ``Funder: 12.3 (staff 7.3, non-staff 5.0)``.

    ``records`` are one activity's ``(funder, basis, cost type, cents)``, sorted; amounts in
    CHF thousands. A single cost type is named without repeating the amount.
    """
    lines = []
    for funder, items in itertools.groupby(records, key=lambda r: r[0]):
        costs = [(cost, cents) for _, b, cost, cents in items if b == basis]
        if not costs:
            continue
        total = sum(c for _, c in costs)
        if len(costs) == 1:
            split = costs[0][0].lower()
        else:
            split = ", ".join(f"{cost.lower()} {chf_thousands(c)}" for cost, c in costs)
        lines.append(f"{funder}: {chf_thousands(total)} ({split})")
    return lines


# Above this many activities the PDF annex summarises by resolution (the Excel annex has
# every activity): at 8 pt on landscape pages the sample's 250 activities took 42 pages
# (about 6 a page), so 240 activities is about 40 pages.
ANNEX_ACTIVITY_LIMIT = 240


# The annex heading's anchor, as nbconvert would write it for a markdown heading.
ANNEX_1_ID = "Annex-1-–-Mapping-of-activities-to-Resolutions"


def mapping_table(report: Report, limit: int = ANNEX_ACTIVITY_LIMIT) -> Html:
    """Annex: the mapping table in Figure 1's form, grouped by resolution, landscape pages.

    Each activity in scope appears once, under the first resolution it cites (the others are
    named in its row), with the catalogue clauses it cites (if stated), its spend in
    scope by funder, actual and estimated, in CHF thousands, and its outputs and outcomes in
    full. With more than ``limit`` activities it summarises by resolution instead and points
    to the Excel annex.
    """
    t = report.t
    records = spend_records(report)
    by_resolution = by_first_resolution(report, records)
    heading = (
        f"<h2 id='{ANNEX_1_ID}'>{esc(t['annex_heading'])}<a class='anchor-link' "
        f"href='#{ANNEX_1_ID}'>¶</a></h2>"
    )
    if len(records) > limit:
        return Html(
            f"<div class='annex-summary'>{heading}"
            f"{_mapping_summary(report, by_resolution, records)}</div>"
        )
    n = report.number("table", "annex_mapping")
    body = _table_body(report, by_resolution, records)
    return Html(
        f"<div class='annex-block'>{heading}<div class='table-block'>{_table_html(t, n, body)}"
        f"<p class='source'>{esc(report.source())}</p></div></div>"
    )


Records = dict[str, list[tuple[str, str, str, int]]]


def spend_records(report: Report) -> Records:
    """Activity -> its spend in scope as sorted ``(funder, basis, cost type, cents)``."""
    rows = scope.scope_allocations(report.product, report.region)
    # One aggregation for the whole table, then plain Python per row: filtering pandas
    # frames once per activity cost about a second on the overall report.
    money = rows.groupby(["activity_id", "funder", "basis", "cost_type"], observed=True)[
        "amount_cents"
    ].sum()
    records: Records = {}
    for (aid, funder, basis, cost), cents in sorted(money.items()):
        records.setdefault(str(aid), []).append((str(funder), str(basis), str(cost), int(cents)))
    return records


def by_first_resolution(report: Report, records: Records) -> dict[str, list[str]]:
    """Resolution -> the activities of ``records`` citing it first, by Activity ID."""
    links = report.product.activity_resolutions.sort_values(["activity_id", "position"])
    primary = links.groupby("activity_id")["resolution_id"].first()
    by_resolution: dict[str, list[str]] = {}
    for aid in sorted(records):
        by_resolution.setdefault(primary[aid], []).append(aid)
    return by_resolution


def _table_body(
    report: Report, by_resolution: dict[str, list[str]], records: Records
) -> list[str]:
    """The rows of the annex table: a heading row per Resolution, then its activities."""
    product, ref = report.product, report.ref
    acts = product.activities.set_index("activity_id").to_dict("index")
    names = ref.country_name()
    links = product.activity_resolutions.sort_values(["activity_id", "position"])
    cited = links.groupby("activity_id")["resolution_id"].agg(list)
    # Only the clauses an activity cites (its Clauses column); nothing inferred from wording.
    matched = (
        product.activity_clauses.groupby("activity_id")["clause_ref"]
        .agg(lambda refs: "; ".join(sorted(refs)))
        .to_dict()
        if not product.activity_clauses.empty
        else {}
    )
    titles = dict(
        zip(
            ref.resolutions["resolution_id"],
            ref.resolutions["title"].map(clean_title),
            strict=True,
        )
    )
    body = []
    for rid in sorted(by_resolution):
        body.append(
            f"<tr class='group'><th scope='colgroup' colspan='7'>"
            f"{esc(resolution_label(rid, ref))} – {esc(titles.get(rid, ''))}</th></tr>"
        )
        for aid in by_resolution[rid]:
            act = acts[aid]
            others = [r for r in cited.get(aid, []) if r != rid]
            clause = str(matched.get(aid, "")) or report.t["annex_no_clause"]
            body.append(_activity_row(report.t, aid, act, clause, others, names, records[aid]))
    return body


def _activity_row(
    t: dict[str, str],
    aid: str,
    act: dict,
    clause: str,
    others: list[str],
    names: dict[str, str],
    records: list[tuple[str, str, str, int]],
) -> str:
    """One activity's row: what and when, clauses, places, implementors, spend, results."""
    places = beneficiary_names(act["beneficiaries"], names)
    if len(places) > 8:
        places = [*places[:7], f"and {len(places) - 7} more"]
    dates = " – ".join(
        x for x in dict.fromkeys((month_year(act["start_date"]), month_year(act["end_date"]))) if x
    )
    first = f"{esc(act['title'])}<br>{esc(aid)} · {esc(act['status'])} · {esc(act['theme'])}" + (
        f"<br>{esc(dates)}" if dates else ""
    )
    clause_cell = esc(clause) + (
        f"<br>{esc(t['annex_also'])} {esc(', '.join(others))}" if others else ""
    )
    results = []
    for label, text in (
        (t["annex_outputs"], act["outputs_text"]),
        (t["annex_outcomes"], act["outcomes_text"]),
    ):
        if str(text or "").strip():
            results.append(f"<span class='label'>{esc(label)}</span> {esc(month_text(text))}")
    actual = spend_words(records, spend.ACTUAL)
    estimated = spend_words(records, spend.ESTIMATED)
    return (
        f"<tr><td>{first}</td><td>{clause_cell}</td>"
        f"<td>{esc('; '.join(places))}</td>"
        f"<td>{esc(list_text(act['implementors']))}</td>"
        f"<td>{'<br>'.join(esc(x) for x in actual) or '–'}</td>"
        f"<td>{'<br>'.join(esc(x) for x in estimated) or '–'}</td>"
        f"<td>{'<br>'.join(results)}</td></tr>"
    )


def _table_html(t: dict[str, str], n: int, body: list[str]) -> str:
    """The numbered table of ``body`` rows (in its scroll box), or its caption and 'no data'."""
    head = t["table_caption"].format(n=n, caption=esc(t["annex_caption"]))
    if not body:
        return f"<p class='caption'>{head}</p><p class='no-data'>{esc(t['no_data'])}</p>"
    headers = "".join(
        f"<th scope='col'>{esc(h)}</th>"
        for h in (
            t["annex_col_activity"],
            t["annex_col_clause"],
            "Beneficiary countries",
            "Implementors",
            "Actual, CHF thousands",
            "Estimated, CHF thousands",
            "Main outputs and envisaged outcomes",
        )
    )
    return scroller(
        f"<table class='data mapping'><caption>{head}</caption><thead><tr>{headers}</tr>"
        "</thead><tbody>" + "".join(body) + "</tbody></table>",
        t["table_caption"].format(n=n, caption=t["annex_caption"]),
    )


def _mapping_summary(
    report: Report, by_resolution: dict[str, list[str]], records: Records
) -> Html:
    """The annex for a long report: one row per resolution, and where the full list is."""
    t = report.t
    out = []
    for rid in sorted(by_resolution):
        ids = by_resolution[rid]
        actual = sum(c for a in ids for _, b, _, c in records[a] if b == spend.ACTUAL)
        estimated = sum(c for a in ids for _, b, _, c in records[a] if b == spend.ESTIMATED)
        out.append(
            {
                "Resolution": resolution_label(rid, report.ref),
                "Activities": str(len(ids)),
                "Actual": chf_thousands(actual),
                "Estimated": chf_thousands(estimated),
            }
        )
    note = paragraph(
        esc(
            t["annex_summary_note"].format(
                activities=len(records), annex_cap=capital(t["annex_excel_name"])
            )
        )
    )
    block = table(
        report,
        pd.DataFrame(out),
        "Activities by the first Resolution they cite, spend in CHF thousands",
    )
    return Html(note + block)
