"""Question 5, where partners could focus: Member States not reached or with low spend.

With their LDC/LLDC/SIDS status and GCI 2024 tier, and the funders and partners already
active per region and theme. Reach has the meaning of :mod:`cyber_mapping.analysis.need`.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import need
from cyber_mapping.money import chf_prose, chf_thousands
from cyber_mapping.reference import load_gci
from cyber_mapping.report.blocks import Block, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import capital, gci_text, plural, verb


def need_table(report: Report) -> Block:
    """Member States with no delivered activity or low spend, with LDC/LLDC/SIDS and GCI tier."""
    t = report.t
    data = need.need_table(report.product, report.ref, report.region, load_gci())
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
                verb=verb(n, "has", "have"),
                groups=which,
            )
        )
    if not low_rows.empty:
        sentences.append(
            t["q_need_low"].format(
                low=capital(plural(len(low_rows), "Member State")),
                verb=verb(len(low_rows), "was", "were"),
                threshold=chf_prose(low),
            )
        )
    return paragraph(*sentences, data=data)


def partners_table(report: Report) -> Block:
    """Funders and partners already active per region and theme."""
    data = need.active_partners(report.product, report.region, "theme")
    data = data[data["region"] != ""]
    out = pd.DataFrame(
        {
            "Region": [report.region_label(r) for r in data["region"]],
            "Theme": data["theme"],
            "CHF thousands": data["cents"].map(chf_thousands),
            "Funders (largest first)": data["funders"],
            "Partners": data["partners"],
        }
    )
    return table(report, out, report.t["q_partners_caption"], key="partners", data=data, wide=True)
