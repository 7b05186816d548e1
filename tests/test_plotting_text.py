"""Text from the data is shown as written in every chart: never parsed as TeX math."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from cyber_mapping.report import plotting

HOSTILE = [
    "EU (US$) 50% / UK (US$)",  # raised ValueError from math text before
    "$x^2$ fund",  # two '$': shown garbled (as math) before
    r"C:\new\table_1",
    "a_b^c 100%",
    r"$\frac{1}{0}$",
]


def _shown(svg: str, text: str) -> bool:
    # svg.fonttype "none": text stays text, XML-escaped; a wrapped label is one text
    # element per line.
    return all(html.escape(line, quote=False) in svg for line in text.split("\n"))


@pytest.mark.parametrize("label", HOSTILE)
def test_stacked_bars_labels_title_and_legend(label):
    table = pd.DataFrame({"funder": [label, "Other"], "actual": [300, 100], "estimated": [0, 5]})
    svg = plotting.stacked_bars(table, "funder")
    assert _shown(svg, plotting.wrap_label(label, 34))


@pytest.mark.parametrize("label", HOSTILE)
def test_year_lines_legend(label):
    table = pd.DataFrame({2021: [100, 200], 2022: [300, 50]}, index=[label, "$ other $"])
    svg = plotting.year_lines(table, [label])
    assert _shown(svg, label) and _shown(svg, "$ other $")


@pytest.mark.parametrize("label", HOSTILE)
def test_heatmap_rows_and_columns(label):
    spend = pd.DataFrame([[100_000, 0], [0, 5]], index=[label, "b"], columns=[f"R {label}", "c"])
    counts = pd.DataFrame([[1, 0], [0, 1]], index=spend.index, columns=spend.columns)
    svg = plotting.heatmap(spend, counts, f"R {label}")
    assert _shown(svg, plotting.wrap_label(label, 26))
    assert _shown(svg, plotting.wrap_label(f"R {label}", 9))


@pytest.mark.parametrize("label", HOSTILE)
def test_tile_map_region_names_and_codes(label):
    tiles = pd.DataFrame(
        {"iso3": ["$A$", "B_^"], "region": [label, label], "row": [0, 0], "col": [0, 1]}
    )
    spend = pd.DataFrame({"country_iso3": ["$A$"], "amount_cents": [100_000]})
    svg = plotting.tile_map(spend, tiles, None)
    assert _shown(svg, label) and _shown(svg, "$A$") and _shown(svg, "B_^")
