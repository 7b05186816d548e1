"""Question 2, mandate coverage by clause, and the clauses no activity cites (question 5).

Only explicit citations count (an activity's Clauses column): an activity that states no
clause is "clause not stated", never evidence that a clause has no activity.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import clauses
from cyber_mapping.money import chf_thousands
from cyber_mapping.report.blocks import Block, Html, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import capital, count_of, plural, verb


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
            verb=verb(uncited),
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


def clauses_table(report: Report) -> Html:
    """Clauses that instruct BDT that no activity in scope cites (explicit citations only)."""
    data = clauses.uncovered_clauses(report.product, report.ref, report.region)
    out = pd.DataFrame(
        {
            "Resolution": data["resolution_id"],
            "Clause (package catalogue, summary)": data["summary"],
            "Resolution cited by an activity": data["cited"].map({True: "yes", False: "no"}),
        }
    )
    return table(report, out, report.t["clauses_table_caption"], key="clauses")


def _paren(ref: str) -> str:
    return f" ({ref})" if ref else ""


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
            verb=verb(len(data)),
            table_ref=_paren(report.cross_ref("table", "clauses")),
            not_stated=count_of(stated.not_stated, stated.activities, "activity", "activities"),
        ),
        data=data,
    )
