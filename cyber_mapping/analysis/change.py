"""What changed since the previous edition of the data product.

Activities are matched by Activity ID. Spend is compared in cents per region and per
resolution and split into three parts that add up exactly to the change:

    current - previous = added + revised - removed

* **added**: the current spend of activities new in this edition;
* **revised**: current minus previous spend of activities in both editions;
* **removed**: the previous spend of activities no longer in the product.

"Reached" has the meaning of :mod:`cyber_mapping.analysis.need` (named by a delivered
activity). The comparison is stated against the previous product's as-of date: its
manifest's ``as_of`` when it records one, else the date it was built.

Whether two editions may be compared at all is decided here, once, by
:func:`comparability` (``open_report`` asks it for ``report --compare``, the notebook's
``compare_dir`` and ``make reports`` alike): an edition built from the illustrative sample is
never compared with one built from the offices' submissions, and an edition is compared
only with a previous one of the same submissions, known by at least half of its activities
reappearing with the same Activity ID and title. Activity IDs alone would not do: every
template suggests the same numbering (``HQ-2017-001``...), so two unrelated sets of
workbooks share IDs by chance; file names would not do either, as offices rename their
workbook for each submission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cyber_mapping.analysis.need import DELIVERED
from cyber_mapping.product.store import Product
from cyber_mapping.reference import Reference, load_reference

COMPLETED = "Completed"
# The share of the previous edition's activities (same ID, same title) that must be in the
# current one for the two to be editions of the same submissions.
MIN_SHARED = 0.5
SAMPLE_PREFIX = "sample_"


@dataclass(frozen=True)
class Comparability:
    """Whether a previous edition may be compared with the current one, and why not.

    ``reason`` is ``""`` (comparable), ``"sample"`` (one edition comes from the illustrative
    sample, the other from the offices' submissions) or ``"different"`` (fewer than
    :data:`MIN_SHARED` of the previous activities are in this edition with the same ID and
    title: another set of submissions whose IDs may collide by chance).
    """

    comparable: bool
    reason: str
    shared: int  # previous activities found again with the same ID and title
    previous_activities: int


def from_sample(manifest: dict) -> bool:
    """Whether a product was built from the illustrative sample (its manifest's ``sample``).

    Manifests written before the flag existed are judged by their input file names.
    """
    if "sample" in manifest:
        return bool(manifest["sample"])
    files = [str(i.get("file", "")) for i in manifest.get("inputs") or []]
    return any(f.startswith(SAMPLE_PREFIX) for f in files)


def _id_titles(product: Product) -> set[tuple[str, str]]:
    acts = product.activities
    if acts.empty or "activity_id" not in acts.columns:
        return set()
    titles = acts["title"] if "title" in acts.columns else pd.Series("", index=acts.index)
    # Case and spacing are an office's retyping, not another activity.
    folded = titles.fillna("").astype(str).map(lambda t: " ".join(t.casefold().split()))
    return set(zip(acts["activity_id"].astype(str), folded, strict=True))


def comparability(previous: Product, current: Product) -> Comparability:
    """Whether ``previous`` is an earlier edition of ``current`` (see the module's rule)."""
    before, now = _id_titles(previous), _id_titles(current)
    shared = len(before & now)
    counts = (shared, len(before))
    if from_sample(previous.manifest or {}) != from_sample(current.manifest or {}):
        return Comparability(False, "sample", *counts)
    if not before or shared < MIN_SHARED * len(before):
        return Comparability(False, "different", *counts)
    return Comparability(True, "", *counts)


@dataclass(frozen=True)
class Changes:
    """The differences between two editions (see :func:`compare`)."""

    previous_as_of: dt.date | None
    new_activities: pd.DataFrame  # activity_id, title, status
    removed_activities: pd.DataFrame  # activity_id, title, status (as previously reported)
    completed_since: pd.DataFrame  # activity_id, title, before
    status_changes: pd.DataFrame  # activity_id, title, before, after
    spend_by_region: pd.DataFrame  # region, previous, current, added, revised, removed, change
    spend_by_resolution: pd.DataFrame  # resolution_id, same columns
    newly_reached: tuple[str, ...]  # ISO3, sorted
    no_longer_reached: tuple[str, ...]


def product_as_of(product: Product) -> dt.date | None:
    """The as-of date of a product: the manifest's ``as_of``, else the date it was built."""
    manifest = product.manifest or {}
    for key in ("as_of", "built_at"):
        text = manifest.get(key)
        if text:
            try:
                return dt.date.fromisoformat(str(text)[:10])
            except ValueError:
                continue
    return None


def _titles(product: Product) -> pd.DataFrame:
    acts = product.activities
    cols = [c for c in ("activity_id", "title", "status") if c in acts.columns]
    out = acts[cols].drop_duplicates("activity_id").astype(str)
    if "title" not in out.columns:
        out = out.assign(title="")
    return out[["activity_id", "title", "status"]]


def reached_states(product: Product, ref: Reference) -> set[str]:
    """ISO3 of Member States named by a delivered (Completed or Ongoing) activity."""
    places = product.activity_places
    status = dict(zip(product.activities["activity_id"], product.activities["status"]))
    delivered = places["activity_id"].map(status).isin(DELIVERED)
    named = places.loc[delivered, "country_iso3"].dropna().astype(str)
    return set(named) & set(ref.member_states["iso3"])


def _spend_parts(previous: Product, current: Product, dimension: str) -> pd.DataFrame:
    prev_ids = set(previous.activities["activity_id"])
    cur_ids = set(current.activities["activity_id"])

    def sums(rows: pd.DataFrame) -> pd.Series:
        if rows.empty:
            return pd.Series(dtype="int64")
        key = rows[dimension].astype(object).where(rows[dimension].notna(), "")
        return rows.groupby(key.astype(str))["amount_cents"].sum().astype("int64")

    pa, ca = previous.allocations, current.allocations
    parts = {
        "previous": sums(pa),
        "current": sums(ca),
        "added": sums(ca[~ca["activity_id"].isin(prev_ids)]),
        "revised_now": sums(ca[ca["activity_id"].isin(prev_ids)]),
        "revised_before": sums(pa[pa["activity_id"].isin(cur_ids)]),
        "removed": sums(pa[~pa["activity_id"].isin(cur_ids)]),
    }
    table = pd.DataFrame(parts).fillna(0).astype("int64")
    table["revised"] = table.pop("revised_now") - table.pop("revised_before")
    table["change"] = table["current"] - table["previous"]
    table = table[["previous", "current", "added", "revised", "removed", "change"]]
    table.index.name = dimension
    return table.sort_index().reset_index()


def compare(previous: Product, current: Product, ref: Reference | None = None) -> Changes:
    """New and removed activities, completions, status changes, spend and reach changes.

    Parameters
    ----------
    previous, current
        Two data products (:func:`cyber_mapping.product.store.load`).
    ref
        Reference data for the list of Member States (default: the package's).

    Notes
    -----
    ``completed_since`` lists activities in both editions that are Completed now and were
    not before; an activity that is new and already completed is among ``new_activities``
    only. ``status_changes`` lists every activity in both editions whose status differs
    (completions included).
    """
    ref = ref if ref is not None else load_reference()
    before, now = _titles(previous), _titles(current)
    prev_ids, cur_ids = set(before["activity_id"]), set(now["activity_id"])
    new = now[~now["activity_id"].isin(prev_ids)].sort_values("activity_id")
    removed = before[~before["activity_id"].isin(cur_ids)].sort_values("activity_id")
    both = now.merge(
        before[["activity_id", "status"]].rename(columns={"status": "before"}),
        on="activity_id",
        how="inner",
    ).rename(columns={"status": "after"})
    changed = both[both["before"] != both["after"]].sort_values("activity_id")
    completed = changed[changed["after"] == COMPLETED][["activity_id", "title", "before"]]
    reached_before = reached_states(previous, ref)
    reached_now = reached_states(current, ref)
    return Changes(
        previous_as_of=product_as_of(previous),
        new_activities=new.reset_index(drop=True),
        removed_activities=removed.reset_index(drop=True),
        completed_since=completed.reset_index(drop=True),
        status_changes=changed[["activity_id", "title", "before", "after"]].reset_index(drop=True),
        spend_by_region=_spend_parts(previous, current, "region"),
        spend_by_resolution=_spend_parts(previous, current, "resolution_id"),
        newly_reached=tuple(sorted(reached_now - reached_before)),
        no_longer_reached=tuple(sorted(reached_before - reached_now)),
    )
