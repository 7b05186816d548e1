"""The cover of a report: the TDAG heading, the title and the boxed summary.

The summary is three to five short sentences, every number from the analysis (activities,
Member States reached, spend, the leading theme and Resolution, and spend set aside for
failed validation when that is material); then the action required and the references.
"""

from __future__ import annotations

from cyber_mapping.analysis import caveats, headline, need, offices, scope
from cyber_mapping.labels import clean_revision, resolution_label
from cyber_mapping.money import chf_alike, chf_prose
from cyber_mapping.report.blocks import Html, esc
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import (
    count_of,
    long_date,
    office_name,
    percent,
    plural,
    possessive,
)


def summary_sentences(report: Report) -> list[str]:
    """Three to five short sentences summarising the report, every number from a library.

    Activities; Member States reached (delivered) and named by planned work only; spend;
    the leading theme and Resolution; and, when more than 1% of the spend submitted failed
    validation, how much and which office's submission holds most of it.
    """
    t, product, ref, region = report.t, report.product, report.ref, report.region
    h = headline.headline(product, ref, region)
    if h.activities == 0 or h.first_year is None:
        return [t["summary_1_none"].format(scope=report.scope)]
    actual, estimated, total = chf_alike(h.actual_cents, h.estimated_cents, h.total_cents)
    out = [
        t["summary_1" if h.first_year != h.last_year else "summary_1_single"].format(
            first_year=h.first_year,
            last_year=h.last_year,
            activities=h.activities,
            activities_noun="activity" if h.activities == 1 else "activities",
            verb="was" if h.activities == 1 else "were",
            scope=report.scope,
        ),
        reach_sentence(report),
        t["summary_2"].format(actual=actual, estimated=estimated, total=total),
    ]
    lead = h.leaders
    if {"theme", "resolution_id"} <= set(lead):
        out.append(
            t["summary_3"].format(
                theme=esc(lead["theme"].name),
                theme_share=percent(lead["theme"].share),
                resolution=esc(resolution_label(lead["resolution_id"].name, ref)),
                resolution_share=percent(lead["resolution_id"].share),
            )
        )
    bias = quarantine_sentence(report)
    if bias:
        out.append(bias)
    return out


def references_text(report: Report) -> str:
    """The Resolutions covered, by body, with their latest revision, then the request."""
    ids = set(report.product.activity_resolutions["resolution_id"])
    ids &= set(scope.scope_allocations(report.product, report.region)["resolution_id"].astype(str))
    cat = report.ref.resolutions[report.ref.resolutions["resolution_id"].isin(ids)]
    parts = []
    cat = cat.assign(rev=cat["revision"].map(clean_revision))
    for (body, rev), rows in cat.groupby(["body", "rev"], sort=False):
        numbers = [str(n) for n in sorted(rows["number"].astype(int))]
        word = "Resolution" if len(numbers) == 1 else "Resolutions"
        parts.append(f"{body} {word} {', '.join(numbers)}" + (f" ({rev})" if rev else ""))
    return "; ".join(parts) + f"; {report.request}"


def cover(report: Report) -> Html:
    """The TDAG cover block: meeting, document number, date, title and the boxed summary."""
    t = report.t
    banner = ""
    if report.product.manifest.get("sample"):
        banner = f"<div class='illustrative'>{esc(t['illustrative'])}</div>"
    return Html(
        f"{banner}<div class='cover'><table class='cover-head'><tr>"
        f"<td class='left'><b>{esc(t['group'])}</b><br>{esc(report.meeting)}</td>"
        f"<td class='right'><b>{esc(report.document)}</b><br>"
        f"{esc(long_date(report.document_date))}<br>{esc(t['original'])}</td></tr></table>"
        f"<p class='source-line'>{esc(t['source_line'])}</p>"
        f"<h1 class='title'>{esc(report.title)}</h1>"
        f"<div class='box'><p><b>{esc(t['label_summary'])}</b><br>"
        f"{' '.join(summary_sentences(report))}</p>"
        f"<p><b>{esc(t['label_action'])}</b><br>{esc(report.action)}</p>"
        f"<p><b>{esc(t['label_references'])}</b><br>{esc(references_text(report))}</p>"
        "</div></div>"
    )


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
