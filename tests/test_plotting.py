"""Charts are SVG, at print size, with units, no title inside and stable colours."""

from __future__ import annotations

import re

import pandas as pd

from cyber_mapping.analysis import spend
from cyber_mapping.report import plotting

PRINT_WIDTH_PT = plotting.PRINT_WIDTH_IN * 72


def _smallest_print_font(svg: str) -> float:
    """The smallest text size of ``svg`` in points once scaled to the A4 text width."""
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg).group(1))
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes, "no text found"
    return min(sizes) * min(1.0, PRINT_WIDTH_PT / width)


def test_bars_are_svg_with_units_and_no_title(small):
    table = spend.spend_with_basis(small, "theme")
    svg = plotting.stacked_bars(table, "theme")
    # The small product's largest theme has CHF 40 000: the axis is in CHF thousands.
    assert svg.startswith("<svg") and "CHF thousands" in svg
    assert "Actual" in svg and "Estimated" in svg and "Spend by" not in svg
    assert svg == plotting.stacked_bars(table, "theme")  # deterministic


def test_empty_chart_says_no_data():
    empty = pd.DataFrame(columns=["theme", "actual", "estimated"])
    assert "No data" in plotting.stacked_bars(empty, "theme")


def test_no_text_below_7_pt_at_print_size_and_no_cut_labels(small, ref):
    long = "Cyber skills and workforce development"
    bars = pd.DataFrame({"theme": [long, "B"], "actual": [5_000_000, 1], "estimated": [0, 2]})
    cells = spend.coverage_matrix(small, ref, "theme", "spend")
    counts = spend.coverage_matrix(small, ref, "theme", "activities")
    years = spend.spend_with_basis(small, "year")
    lines = spend.year_table(small, "resolution_id")
    keys = list(ref.resolutions["resolution_id"])
    charts = {
        "bars": plotting.stacked_bars(bars, "theme"),
        "years": plotting.year_bars(years),
        "lines": plotting.year_lines(lines, keys),
        "heatmap": plotting.heatmap(cells, counts, "Africa"),
        "world tiles": plotting.tile_map(spend.country_spend(small), ref.tile_grid, None),
        "region tiles": plotting.tile_map(spend.country_spend(small), ref.tile_grid, "Africa"),
    }
    for name, svg in charts.items():
        assert _smallest_print_font(svg) >= plotting.MIN_FONT_PT, name
        assert "…" not in svg, name  # labels wrap, never cut
    assert "workforce" in charts["bars"] and "Cyber skills and" in charts["bars"]


def test_years_run_left_to_right_in_time_order(small):
    years = spend.spend_with_basis(small, "year")  # sorted by spend, not by year
    svg = plotting.year_bars(years)
    # Tick labels are drawn in x order: the years must come out ascending.
    found = [int(y) for y in re.findall(r">(20\d\d)</text>", svg)]
    assert found == sorted(found) and len(found) == len(years)


def test_one_style_per_resolution_in_every_report(ref):
    keys = list(ref.resolutions["resolution_id"])
    styles = [plotting.category_style(keys, k) for k in keys]
    assert len({(s["color"], s["marker"]) for s in styles}) == len(keys)  # all distinct
    assert len({s["color"] for s in styles[: len(plotting.CATEGORY_COLOURS)]}) == len(
        plotting.CATEGORY_COLOURS
    )
    # The same resolution keeps its colour whichever resolutions a report shows.
    one = pd.DataFrame({2020: [5, 1], 2021: [6, 1]}, index=["PP-130", "WTDC-45"])
    other = pd.DataFrame({2020: [1, 5], 2021: [1, 6]}, index=["WTDC-69", "PP-130"])
    colour = plotting.category_style(keys, "PP-130")["color"]
    for table in (one, other):
        svg = plotting.year_lines(table, keys)
        assert f"stroke: {colour}" in svg


def test_heatmap_highlights_the_reports_region(small, ref):
    cells = spend.coverage_matrix(small, ref, "theme", "spend")
    counts = spend.coverage_matrix(small, ref, "theme", "activities")
    assert "#d55e00" in plotting.heatmap(cells, counts, "Africa").lower()
    assert "#d55e00" not in plotting.heatmap(cells, counts, None).lower()
    tiles = plotting.tile_map(spend.country_spend(small), ref.tile_grid, "Africa")
    assert "KEN" in tiles and "FRA" not in tiles  # only the region's tiles


def test_wrap_label():
    assert plotting.wrap_label("Cyber skills and workforce development", 24) == (
        "Cyber skills and\nworkforce development"
    )
    assert plotting.wrap_label("a b c d", 1, lines=2) == "a\nb c d"


def test_money_scale():
    assert plotting.money_scale(99_999_999) == (1e5, "CHF thousands")
    assert plotting.money_scale(100_000_000) == (1e8, "CHF million")
