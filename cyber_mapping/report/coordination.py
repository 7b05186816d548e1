"""Question 4, coordination: headquarters and the offices, lead implementors, joint work.

Spend of BDT headquarters against the Regional and Area Offices (an activity's spend split
equally among its implementors), spend by lead implementor, joint activities, and possible
double reporting for the offices to resolve.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import offices, shares
from cyber_mapping.money import chf_prose, chf_thousands
from cyber_mapping.report.blocks import Block, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import capital, count_of, percent


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
    names = [report.region_label(r) for r in data[by]] if by == "region" else list(data[by])
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
