"""Question 6, what changed since the previous edition of the data product.

New activities, status changes, spend added, revised and removed by region and by
Resolution, and the Member States reached since (:mod:`cyber_mapping.analysis.change`).
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import change
from cyber_mapping.labels import resolution_label
from cyber_mapping.money import chf_alike, chf_thousands
from cyber_mapping.report.blocks import Block, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import capital, join_names, long_date, plural, verb


def changes_section(report: Report) -> Block:
    """What changed since the previous edition, or one sentence saying why nothing is compared.

    The section is left out only when no comparison was asked for although the product
    keeps an earlier edition (``report`` without ``--compare``).
    """
    t = report.t
    if report.previous is None:
        if not report.changes_note:
            return Block("")
        heading = f"<h2 id='changes'>{esc(t['q_changes_heading'])}</h2>"
        return Block(
            f"<section class='changes'>{heading}{paragraph(t[report.changes_note])}</section>"
        )
    ch = change.compare(report.previous, report.product, report.ref)
    as_of = long_date(ch.previous_as_of) if ch.previous_as_of else "an unknown date"
    n_new = len(ch.new_activities)
    sentences = [
        t["q_changes"].format(
            as_of=as_of,
            new=plural(n_new, "activity", "activities"),
            new_verb=verb(n_new, "was", "were"),
            completed=plural(len(ch.completed_since), "activity", "activities"),
            completed_verb=verb(len(ch.completed_since), "was", "were"),
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
                + verb(len(ch.newly_reached)),
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
            names = frame[key].map(lambda r: report.region_label(r))
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
