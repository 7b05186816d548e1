"""The data product: build, reconciliation, determinism, atomicity, spreadsheet safety, load."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from cyber_mapping import load
from cyber_mapping.exceptions import ProductNotFoundError, StrictBuildError
from cyber_mapping.product.build import build
from cyber_mapping.product.store import TABLES, neutralise
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, generated_sample, write_workbook


@pytest.fixture(scope="module")
def sample_product(tmp_path_factory):
    out = tmp_path_factory.mktemp("product") / "processed"
    manifest = build(generated_sample(), out)
    return out, manifest


def test_sample_build_reconciles(sample_product):
    out, manifest = sample_product
    c = manifest["chf_cents"]
    assert c["read"] == c["processed"] + c["quarantined"]
    assert manifest["chf"]["allocated"] == manifest["chf"]["processed"]
    for name in TABLES:
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    alloc = pd.read_parquet(out / "allocations.parquet")
    for col in (
        "activity_id",
        "resolution_id",
        "country_iso3",
        "region",
        "year",
        "funder",
        "cost_type",
        "basis",
        "status",
        "theme",
        "amount_chf",
    ):
        assert col in alloc.columns
    assert int(alloc["amount_cents"].sum()) == c["processed"]
    # Quarantine: deliberate errors of the sample are there, with reasons.
    q = pd.read_parquet(out / "quarantine.parquet")
    assert len(q) > 20 and q["reasons"].str.len().min() > 10
    assert manifest["sample"] is True
    assert {i["file"] for i in manifest["inputs"]} >= {"sample_BDT_HQ.xlsx"}


def test_build_is_deterministic(sample_product, tmp_path):
    out, _ = sample_product
    again = tmp_path / "again"
    build(generated_sample(), again)
    for name in TABLES:
        for ext in ("csv", "parquet"):
            assert (out / f"{name}.{ext}").read_bytes() == (
                again / f"{name}.{ext}"
            ).read_bytes(), (name, ext)


def test_csv_neutralises_formulas_and_parquet_keeps_text(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # openpyxl would store a leading "=" as a formula, so the workbook uses +, - and @.
    act = {**GOOD_ACTIVITY, "Activity": "+cmd|' /C calc'!A0", "Description": "@SUM(1)"}
    write_workbook(raw / "w.xlsx", activities=[act], expenditure=[GOOD_SPEND])
    build(raw, tmp_path / "out")
    csv = (tmp_path / "out" / "activities.csv").read_text()
    assert "'+cmd|" in csv and "'@SUM(1)" in csv
    pq = pd.read_parquet(tmp_path / "out" / "activities.parquet")
    assert pq.loc[0, "title"] == "+cmd|' /C calc'!A0"
    assert neutralise("-1+1") == "'-1+1" and neutralise("ok") == "ok" and neutralise(5) == 5


def test_strict_writes_nothing_and_failed_build_keeps_last_product(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    out = tmp_path / "out"
    build(raw, out)
    before = (out / "manifest.json").read_text()
    write_workbook(
        raw / "bad.xlsx", activities=[{**GOOD_ACTIVITY, "Activity ID": "Z", "Status": "??"}]
    )
    with pytest.raises(StrictBuildError):
        build(raw, out, strict=True)
    assert (out / "manifest.json").read_text() == before
    # A crash half-way leaves the previous product in place.
    import cyber_mapping.product.store as product

    original = product.write_table

    def boom(frame, folder, name):
        if name == "outputs":
            raise OSError("disk full")
        original(frame, folder, name)

    product.write_table = boom
    try:
        with pytest.raises(OSError):
            build(raw, out)
    finally:
        product.write_table = original
    assert (out / "manifest.json").read_text() == before
    assert not list(tmp_path.glob(".building-*"))


def test_load_and_missing_product(sample_product, tmp_path):
    out, manifest = sample_product
    product = load(out)
    assert product.manifest["chf_cents"] == manifest["chf_cents"]
    assert len(product.activities) == manifest["row_counts"]["activities"]
    with pytest.raises(ProductNotFoundError, match="make build"):
        load(tmp_path / "nothing")


def test_spend_by_reconciles_with_manifest(sample_product):
    from cyber_mapping.analysis.spend import spend_by

    out, manifest = sample_product
    product = load(out)
    total = manifest["chf_cents"]["processed"]
    for dims in (["resolution_id"], ["region", "year"], ["funder", "basis", "cost_type"]):
        assert int(spend_by(product, dims)["amount_cents"].sum()) == total
    by_region = spend_by(product, ["region"])
    assert int(by_region["amount_cents"].sum()) == total
    assert int(spend_by(product, [], region="Africa")["amount_cents"].iloc[0]) == int(
        by_region.loc[by_region["region"] == "Africa", "amount_cents"].iloc[0]
    )


def test_manifest_has_checksums_and_parameters(sample_product):
    out, _ = sample_product
    m = json.loads((out / "manifest.json").read_text())
    assert m["parameters"]["mapping_period"] == [2017, 2025]
    assert all(len(i["sha256"]) == 64 for i in m["inputs"])
    assert m["package_version"]


def test_processed_plus_quarantined_equals_read_over_corpus(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(generated_sample(), raw, ignore=shutil.ignore_patterns("*.md"))
    write_workbook(
        raw / "extra.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "E-1"}],
        expenditure=[
            {**GOOD_SPEND, "Activity ID": "E-1", "Amount": "bad"},
            {**GOOD_SPEND, "Activity ID": "E-1", "Amount": -3},
            {**GOOD_SPEND, "Activity ID": "E-1", "Amount": "12'345.67"},
        ],
    )
    m = build(raw, tmp_path / "out")
    c = m["chf_cents"]
    assert c["read"] == c["processed"] + c["quarantined"]
    assert m["rows_amount_unreadable"] >= 1


def test_version_2_tables_are_written_loaded_and_follow_their_schemas(sample_product):
    from cyber_mapping.intake.schemas import (
        ActivityClauseTable,
        ActivityResolutionTable,
        JointLinkTable,
        PossibleDuplicateTable,
        ResultTable,
    )

    out, manifest = sample_product
    product = load(out)
    for name, schema in (
        ("results", ResultTable),
        ("activity_clauses", ActivityClauseTable),
        ("joint_links", JointLinkTable),
        ("possible_duplicates", PossibleDuplicateTable),
    ):
        frame = getattr(product, name)
        assert len(frame) == manifest["row_counts"][name] > 0, name
        schema.validate(frame, lazy=True)
        csv = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(csv.columns) == list(frame.columns) and len(csv) == len(frame)
    assert list(product.results.columns[:12]) == [
        "activity_id", "level", "indicator_id", "indicator", "baseline", "target",
        "achieved", "unit", "country_iso3", "group", "as_of", "source",
    ]  # fmt: skip
    assert list(product.activity_clauses.columns) == [
        "activity_id", "resolution_id", "clause_ref", "revision_in_force",
    ]  # fmt: skip
    # Issue 18: the revision the office wrote is kept next to the one in force.
    ActivityResolutionTable.validate(product.activity_resolutions, lazy=True)
    assert {"revision_text", "revision_written", "revision_in_force"} <= set(
        product.activity_resolutions.columns
    )
    # outputs stays: the results of level Output with an achieved value.
    outputs = product.results[
        (product.results["level"] == "Output") & product.results["achieved"].notna()
    ]
    assert len(product.outputs) == len(outputs)
    # Every link points to an activity of the product, both ways.
    ids = set(product.activities["activity_id"])
    links = product.joint_links
    assert set(links["activity_id"]) <= ids and set(links["joint_with"]) <= ids
    pairs = set(zip(links["activity_id"], links["joint_with"], strict=True))
    assert pairs == {(b, a) for a, b in pairs}


def test_the_sample_is_coherent(sample_product):
    """Issue 12 item 6: the sample's results, texts, clauses and coordination agree."""
    import re

    out, manifest = sample_product
    product = load(out)
    acts = product.activities.set_index("activity_id")
    res = product.results.join(acts["status"], on="activity_id")
    # Planned: target only. Completed: an achieved value on every result.
    assert res.loc[res["status"] == "Planned", "achieved"].isna().all()
    assert res.loc[res["status"] == "Planned", "target"].notna().all()
    assert res.loc[res["status"] == "Completed", "achieved"].notna().all()
    # "Main outputs" states the sums of the Results rows (e.g. "participants trained 118").
    # (Activities with a deliberately invalid, quarantined Results row are left out.)
    q = product.quarantine
    broken = set(q.loc[q["sheet"] == "Results", "activity_id"])
    checked = 0
    for aid, rows in res.groupby("activity_id"):
        text = acts.at[aid, "outputs_text"]
        if not text.startswith("As of") or aid in broken:
            continue
        for indicator, grp in rows.groupby("indicator"):
            if grp["achieved"].notna().any():
                m = re.search(rf"{re.escape(indicator.lower())} (\d+)", text)
                assert m and int(m.group(1)) == int(grp["achieved"].sum()), (aid, text)
                checked += 1
    assert checked > 100
    # Outcomes differ by kind of work; about half of the activities cite clauses.
    # (one outcome per kind of work: no outcome text is shared by two themes)
    assert acts.groupby("outcomes_text")["theme"].nunique().max() == 1
    assert acts["outcomes_text"].nunique() >= 12
    share = acts["clauses"].ne("").mean()
    assert 0.4 <= share <= 0.6
    # Three joint HQ + Regional Office activities linked; two double reports flagged.
    assert len(product.joint_links) == 6
    assert len(product.possible_duplicates) == 2
    assert set(product.possible_duplicates["workbook_a"]) == {"sample_BDT_HQ.xlsx"}
    warned = product.issues["message"].str.startswith("possible double reporting")
    assert warned.sum() == 4
