"""What a report must warn about: statuses the as-of date contradicts, and quarantine bias.

Both are honesty rules of the reports: a status that cannot be true on the as-of date is
counted and stated as "status may be out of date", and when more than 1% of the spend read
was quarantined the summary says how much and which workbooks it came from, so that
comparisons between regions are not silently biased.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.scope import scope_activity_ids
from cyber_mapping.analysis.shares import share_pct
from cyber_mapping.product.store import Product

# Rule -> (status, date column, comparison with the as-of date). "Before" and "after" are
# strict: an activity ending on the as-of date may still be ongoing that day.
PLANNED_ENDED = "planned, but ended before the as-of date"
ONGOING_ENDED = "ongoing, but ended before the as-of date"
COMPLETED_NOT_STARTED = "completed, but starts after the as-of date"
RULES = (
    (PLANNED_ENDED, "Planned", "end_date", "before"),
    (ONGOING_ENDED, "Ongoing", "end_date", "before"),
    (COMPLETED_NOT_STARTED, "Completed", "start_date", "after"),
)


@dataclass(frozen=True)
class StaleStatuses:
    """Activities whose status contradicts the as-of date."""

    as_of: dt.date
    activities: int  # activities in scope
    table: pd.DataFrame  # activity_id, status, start_date, end_date, rule

    @property
    def count(self) -> int:
        """Number of activities whose status may be out of date."""
        return len(self.table)

    @property
    def ids(self) -> tuple[str, ...]:
        """Their Activity IDs, sorted."""
        return tuple(self.table["activity_id"])

    def by_rule(self) -> dict[str, int]:
        """Count per rule, in the order of :data:`RULES` (rules with none are left out)."""
        counts = self.table["rule"].value_counts()
        return {rule: int(counts[rule]) for rule, *_ in RULES if rule in counts}


def stale_statuses(product: Product, as_of: dt.date, region: str | None = None) -> StaleStatuses:
    """Activities in scope whose status the as-of date contradicts.

    * Planned whose end date is before ``as_of`` (it should have happened by then);
    * Ongoing whose end date is before ``as_of`` (it should be completed);
    * Completed whose start date is after ``as_of`` (it cannot have happened yet).

    A missing date never contradicts anything. Each activity has one status, so it matches
    at most one rule.
    """
    ids = scope_activity_ids(product, region)
    acts = product.activities[product.activities["activity_id"].isin(ids)]
    day = pd.Timestamp(as_of)
    parts = []
    for rule, status, column, side in RULES:
        dates = pd.to_datetime(acts[column])
        hit = dates < day if side == "before" else dates > day
        mine = acts[(acts["status"] == status) & hit.fillna(False)]
        parts.append(mine.assign(rule=rule))
    columns = ["activity_id", "status", "start_date", "end_date", "rule"]
    table = pd.concat([p[columns] for p in parts], ignore_index=True)
    table = table.sort_values("activity_id", kind="stable").reset_index(drop=True)
    return StaleStatuses(as_of=as_of, activities=len(ids), table=table)


@dataclass(frozen=True)
class QuarantineBias:
    """Quarantined spend against spend read, and where it came from."""

    read_cents: int
    quarantined_cents: int
    threshold_pct: float
    by_workbook: pd.DataFrame  # workbook, cents, share (of the quarantined total, unforced)

    @property
    def share(self) -> float:
        """Quarantined spend as a percent of spend read (one decimal, half up)."""
        return share_pct(self.quarantined_cents, self.read_cents)

    @property
    def material(self) -> bool:
        """More than ``threshold_pct`` of spend read was quarantined (exact comparison)."""
        # quarantined / read > threshold / 100, in integers (threshold in hundredths).
        hundredths = round(self.threshold_pct * 100)
        return self.quarantined_cents * 10_000 > self.read_cents * hundredths


def quarantine_bias(product: Product, threshold_pct: float = 1.0) -> QuarantineBias:
    """Quarantined spend, its share of spend read, and each workbook's share of it.

    Amounts are gross: a quarantined row counts at its absolute amount, so that set-aside
    rows of +1,000,000 and -1,000,000 are CHF 2,000,000 set aside, never nothing. Totals come
    from the manifest (gross read and quarantined, in cents; a product built before gross
    totals gives its net ones); per workbook from the ``quarantine`` table, whose absolute
    amounts sum to the manifest's gross quarantined total. Rows whose amount could not be
    read count as 0. Workbook shares are of the quarantined total, one decimal, unforced
    (they may not add up to exactly 100).
    """
    cents = product.manifest.get("chf_cents", {})
    q = product.quarantine
    amounts = pd.to_numeric(q["amount_cents"]).fillna(0).astype("int64").abs()
    total = int(cents.get("quarantined_gross", cents.get("quarantined", int(amounts.sum()))))
    per = amounts.groupby(q["workbook"].astype(str)).sum()
    table = pd.DataFrame(
        {
            "workbook": per.index.astype(str),
            "cents": per.to_numpy().astype("int64"),
        }
    )
    table["share"] = [share_pct(int(c), total) for c in table["cents"]]
    table = table.sort_values(["cents", "workbook"], ascending=[False, True], kind="stable")
    return QuarantineBias(
        read_cents=int(cents.get("read_gross", cents.get("read", 0))),
        quarantined_cents=total,
        threshold_pct=threshold_pct,
        by_workbook=table.reset_index(drop=True),
    )


def quarantine_by_workbook(product: Product) -> pd.DataFrame:
    """Per input file: rows read, quarantined, CHF quarantined (cents) and why.

    ``with_activity`` counts rows quarantined because their activity was rejected;
    ``main_reason`` is the most frequent direct reason (the column at fault) with its count.
    """
    q = product.quarantine.copy()
    reasons = q["reasons"].astype(str)
    follows = reasons.str.startswith("its activity")
    # "Header: message" -> the column at fault.
    q["reason"] = reasons.str.split(":").str[0]
    rows = []
    for item in product.manifest.get("inputs", []):
        name = item["file"]
        mine = q[q["workbook"] == name]
        direct = mine.loc[~follows.loc[mine.index], "reason"].value_counts()
        rows.append(
            {
                "workbook": name,
                "rows_read": sum(int(v) for v in (item.get("rows") or {}).values()),
                "quarantined": len(mine),
                "with_activity": int(follows.loc[mine.index].sum()),
                # gross: a workbook's set-aside rows of opposite signs do not cancel out
                "chf_cents": int(pd.to_numeric(mine["amount_cents"]).fillna(0).abs().sum()),
                "main_reason": f"{direct.index[0]} ({int(direct.iloc[0])})" if len(direct) else "",
            }
        )
    columns = ["workbook", "rows_read", "quarantined", "with_activity", "chf_cents", "main_reason"]
    return pd.DataFrame(rows, columns=columns)
