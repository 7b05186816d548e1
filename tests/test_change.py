"""What changed since the previous edition, on two hand-built products (tests/handmade.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyber_mapping.analysis.change import compare, product_as_of
from tests.handmade import activity, alloc, current, make_product, previous


@pytest.fixture(scope="module")
def changes(ref):
    return compare(previous(), current(), ref)


def test_activities_new_removed_completed(changes):
    # previous: A1 A2 A7; current: A1..A6.
    assert changes.new_activities["activity_id"].tolist() == ["A3", "A4", "A5", "A6"]
    assert changes.removed_activities["activity_id"].tolist() == ["A7"]
    # A1 Ongoing -> Completed; A2 Planned -> Ongoing. A4 is new and completed: not "since".
    assert changes.completed_since.to_dict("records") == [
        {"activity_id": "A1", "title": "Activity A1", "before": "Ongoing"}
    ]
    assert changes.status_changes[["activity_id", "before", "after"]].values.tolist() == [
        ["A1", "Ongoing", "Completed"],
        ["A2", "Planned", "Ongoing"],
    ]


def test_spend_by_region_by_hand(changes):
    t = changes.spend_by_region.set_index("region")
    # Africa before: A1 1 000 + 1 000, A2 4 000, A7 1 000 = 7 000.
    # Africa now: A1 3 000 + 3 000, A2 4 000, A3 1 000 = 11 000.
    # added A3 1 000; revised A1 6 000 - 2 000 = 4 000 (A2 unchanged); removed A7 1 000.
    # 11 000 - 7 000 = 4 000 = 1 000 + 4 000 - 1 000.
    assert t.loc["Africa"].tolist() == [7000, 11000, 1000, 4000, 1000, 4000]
    # Asia and the Pacific: A4 6 000 new; Europe: A5 5 000 new.
    assert t.loc["Asia and the Pacific"].tolist() == [0, 6000, 6000, 0, 0, 6000]
    assert t.loc["Europe"].tolist() == [0, 5000, 5000, 0, 0, 5000]


def test_spend_by_resolution_by_hand(changes):
    t = changes.spend_by_resolution.set_index("resolution_id")
    # PP-130 before: A1 2 000; now A1 6 000 + A3 1 000 = 7 000: added 1 000, revised 4 000.
    assert t.loc["PP-130"].tolist() == [2000, 7000, 1000, 4000, 0, 5000]
    # WTDC-45 before: A2 4 000 + A7 1 000 = 5 000; now A2 4 000: removed 1 000.
    assert t.loc["WTDC-45"].tolist() == [5000, 4000, 0, 0, 1000, -1000]


def test_reach_and_as_of(changes):
    # Reached before: KEN, UGA (A1 Ongoing), ZAF (A7 Completed); A2 was only Planned.
    # Reached now: KEN, UGA (A1, A2, A6), FJI (A4). TZA is planned only, not reached.
    assert changes.newly_reached == ("FJI",)
    assert changes.no_longer_reached == ("ZAF",)
    # The previous manifest was built on 31 Dec 2024 and records no as_of.
    assert changes.previous_as_of == dt.date(2024, 12, 31)


def test_as_of_prefers_the_manifest_as_of():
    p = previous()
    p.manifest["as_of"] = "2024-11-30"
    assert product_as_of(p) == dt.date(2024, 11, 30)
    p.manifest.clear()
    assert product_as_of(p) is None


def test_identical_editions_change_nothing(ref):
    same = compare(current(), current(), ref)
    assert same.new_activities.empty and same.removed_activities.empty
    assert same.status_changes.empty and not same.newly_reached
    assert (same.spend_by_region[["added", "revised", "removed", "change"]] == 0).all().all()


ids = st.sampled_from(["X1", "X2", "X3", "X4"])
rows = st.lists(st.tuples(ids, st.sampled_from(["KEN", "FJI"]), st.integers(0, 10**6)), max_size=8)


def _product(records):
    acts = sorted({a for a, _, _ in records}) or ["X0"]
    return make_product(
        [activity(a, "Completed", "2021-01-01") for a in acts],
        [(a, c, "Africa" if c == "KEN" else "Asia and the Pacific") for a, c, _ in records]
        or [("X0", "KEN", "Africa")],
        [alloc(a, c, 2021, v) for a, c, v in records] or [alloc("X0", "KEN", 2021, 0)],
    )


@settings(max_examples=50, deadline=None)
@given(rows, rows)
def test_parts_add_up_to_the_change(ref, before, after):
    out = compare(_product(before), _product(after), ref)
    for table in (out.spend_by_region, out.spend_by_resolution):
        assert (table["current"] - table["previous"] == table["change"]).all()
        assert (table["added"] + table["revised"] - table["removed"] == table["change"]).all()


def test_compare_two_loaded_products(small_product_dir, ref):
    from cyber_mapping.product.store import load

    out = compare(load(small_product_dir), load(small_product_dir), ref)
    assert out.new_activities.empty and out.status_changes.empty
    # Built today by the fixture: the as-of date is the build date.
    built = load(small_product_dir).manifest["built_at"][:10]
    assert out.previous_as_of == dt.date.fromisoformat(built)
    assert int(out.spend_by_region["change"].abs().sum()) == 0


# ----------------------------------------------------------------- which editions compare
# The rule (cyber_mapping.analysis.change.comparability): both editions from the sample or
# both from the offices' submissions, and at least half of the previous edition's
# activities are in this one under the same Activity ID and the same title.


def _edition(ids_titles, sample=False, inputs=("office.xlsx",)):
    acts = [activity(aid, "Completed", "2021-01-01", title=title) for aid, title in ids_titles]
    allocs = [alloc(aid, "KEN", 2021, 100) for aid, _ in ids_titles]
    manifest = {
        "built_at": "2024-12-31T00:00:00+00:00",
        "sample": sample,
        "inputs": [{"file": f} for f in inputs],
    }
    return make_product(
        acts, [(a, "KEN", "Africa") for a, _ in ids_titles], allocs, manifest=manifest
    )


def test_a_later_edition_of_the_same_submissions_is_compared():
    from cyber_mapping.analysis.change import comparability

    before = _edition([("HQ-1", "CIRT assessment Malawi"), ("HQ-2", "CyberDrill Africa")])
    # HQ-1 kept (title respaced and recased), HQ-2 kept, HQ-3 new: 2 of 2 previous kept.
    after = _edition(
        [("HQ-1", "CIRT  assessment malawi"), ("HQ-2", "CyberDrill Africa"), ("HQ-3", "New")]
    )
    verdict = comparability(before, after)
    assert verdict.comparable and verdict.reason == ""
    assert (verdict.shared, verdict.previous_activities) == (2, 2)


def test_the_sample_is_never_compared_with_real_submissions():
    from cyber_mapping.analysis.change import comparability

    same = [("HQ-2017-001", "CIRT assessment")]
    verdict = comparability(_edition(same, sample=True), _edition(same, sample=False))
    assert not verdict.comparable and verdict.reason == "sample"


def test_an_old_manifest_without_the_sample_flag_is_judged_by_its_file_names():
    from cyber_mapping.analysis.change import comparability

    same = [("HQ-2017-001", "CIRT assessment")]
    old = _edition(same, inputs=("sample_BDT_HQ.xlsx",))
    del old.manifest["sample"]
    assert comparability(old, _edition(same)).reason == "sample"


def test_ids_that_collide_by_chance_are_not_a_previous_edition():
    from cyber_mapping.analysis.change import comparability

    # Three previous activities; HQ-1 and HQ-2 reuse the IDs with other titles, only HQ-3
    # is the same activity: 1 of 3 kept, under the half the rule asks for.
    before = _edition([("HQ-1", "Drill"), ("HQ-2", "Strategy"), ("HQ-3", "COP guidelines")])
    after = _edition(
        [("HQ-1", "GCI survey"), ("HQ-2", "Women in Cyber"), ("HQ-3", "COP guidelines")]
    )
    verdict = comparability(before, after)
    assert not verdict.comparable and verdict.reason == "different"
    assert (verdict.shared, verdict.previous_activities) == (1, 3)
