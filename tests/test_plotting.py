"""Charts are SVG, titled, labelled with units, and stable for the same data."""

from __future__ import annotations

import pandas as pd

from cyber_mapping import analysis, plotting


def test_bars_are_svg_with_title_and_units(small):
    table = analysis.spend_with_basis(small, "theme")
    svg = plotting.stacked_bars(table, "theme", "Spend by theme")
    # The small product's largest theme has CHF 40 000: the axis is in CHF thousands.
    assert svg.startswith("<svg") and "Spend by theme" in svg and "CHF thousands" in svg
    assert "Actual" in svg and "Estimated" in svg
    assert svg == plotting.stacked_bars(table, "theme", "Spend by theme")  # deterministic


def test_empty_chart_says_no_data():
    empty = pd.DataFrame(columns=["theme", "actual", "estimated"])
    assert "No data" in plotting.stacked_bars(empty, "theme", "T")


def test_heatmap_and_tile_map(small, ref):
    spend = analysis.coverage_matrix(small, ref, "theme", "spend")
    counts = analysis.coverage_matrix(small, ref, "theme", "activities")
    svg = plotting.heatmap(spend, counts, "Theme × ITU region")
    assert "Theme × ITU region" in svg and "CHF thousands" in svg
    tiles = plotting.tile_map(analysis.country_spend(small), ref.tile_grid, "Map", "Africa")
    assert "KEN" in tiles and "FRA" not in tiles  # only the region's tiles


def test_money_scale():
    assert plotting.money_scale(99_999_999) == (1e5, "CHF thousands")
    assert plotting.money_scale(100_000_000) == (1e8, "CHF million")
