"""Charts of the reports, in one colour-blind-safe style, returned as SVG text.

Each function takes a table from :mod:`cyber_mapping.analysis.spend` and returns the SVG of a
chart with its units on the axis and no title inside the image:
:func:`cyber_mapping.report.blocks.figure` adds the numbered caption and the Source line.
Charts are drawn at print size (at most :data:`PRINT_WIDTH_IN` wide, the A4 text width),
with no text smaller than :data:`MIN_FONT_PT`. Matplotlib runs without a display (Agg).
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
ACTUAL_COLOUR = OKABE_ITO[0]
ESTIMATED_COLOUR = OKABE_ITO[1]
# One colour per category (resolution, theme, region), the same in every report: Paul Tol's
# "muted" qualitative scheme (colour-blind safe) and black; each category also gets its own
# marker, so that a chart never relies on colour alone. Assigned by catalogue order.
CATEGORY_COLOURS = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#000000",
]
CATEGORY_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
# The A4 portrait text width (210 mm less two 18 mm margins) and the smallest text size.
PRINT_WIDTH_IN = 174 / 25.4
MIN_FONT_PT = 7.0
# Sequential blues for heat maps and the tile map (ordered by lightness, so it prints in grey).
SEQUENTIAL = LinearSegmentedColormap.from_list("cm_blues", ["#F7FBFF", "#6BAED6", "#08306B"])

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "svg.fonttype": "none",  # text stays text: sharp, searchable, and faster to print than paths
    "svg.hashsalt": "cyber_mapping",  # stable element ids: same data, same SVG
    # Labels come from the data (funders, themes, resolutions, regions, countries): a '$'
    # must be a dollar sign, never the start of TeX math ("EU (US$) 50% / UK (US$)" made
    # matplotlib raise, and two '$' garbled the label). No chart uses math text.
    "text.parse_math": False,
}


def _svg(fig: plt.Figure) -> str:
    # The tight box is measured once, here, instead of by ``bbox_inches="tight"``, which
    # draws the whole figure an extra time to find it (about 0.3 s less per report).
    # 0.1 in of padding, as matplotlib's tight box has.
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog: the SVG is inlined in HTML


def wrap_label(label: str, width: int = 24, lines: int = 3) -> str:
    """A tick label on up to ``lines`` lines of about ``width`` characters (never cut).

    Words longer than ``width`` stay whole; only text beyond ``lines`` lines would be
    shortened, which the reports' labels (at most about 60 characters) never reach.
    """
    parts = textwrap.wrap(str(label), width, break_long_words=False) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], " ".join(parts[lines - 1 :])]
    return "\n".join(parts)


def category_style(keys: list[str], key: str) -> dict[str, str]:
    """The colour and marker of ``key`` among the ordered ``keys`` (e.g. the catalogue).

    Same key, same style, in every report; keys not in ``keys`` are grey.
    """
    if key not in keys:
        return {"color": "#777777", "marker": "."}
    i = keys.index(key)
    return {
        "color": CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)],
        "marker": CATEGORY_MARKERS[i % len(CATEGORY_MARKERS)],
    }


def money_scale(largest_cents: float) -> tuple[float, str]:
    """Divisor and unit for an axis: CHF million from one million up, else CHF thousands."""
    return (1e8, "CHF million") if largest_cents >= 1e8 else (1e5, "CHF thousands")


def _bars_scale(table: pd.DataFrame) -> tuple[float, str]:
    largest = float((table["actual"] + table["estimated"]).max()) if len(table) else 0.0
    return money_scale(largest)


def _year_columns(table: pd.DataFrame) -> list:
    return [c for c in table.columns if isinstance(c, int | np.integer)]


def _lines_scale(table: pd.DataFrame, top: int) -> tuple[float, str]:
    years = _year_columns(table)
    largest = float(table.head(top)[years].to_numpy().max()) if len(table) and years else 0.0
    return money_scale(largest)


def bars_units(table: pd.DataFrame) -> str:
    """The unit :func:`stacked_bars` uses for ``table`` (for the figure's caption)."""
    return _bars_scale(table)[1]


def lines_units(table: pd.DataFrame, top: int = 6) -> str:
    """The unit :func:`year_lines` uses for ``table`` (for the figure's caption)."""
    return _lines_scale(table, top)[1]


def stacked_bars(table: pd.DataFrame, label: str) -> str:
    """Horizontal bars of ``actual`` and ``estimated`` (cents) per ``label`` row, stacked.

    Largest first, top to bottom; labels wrap; the legend sits above the bars.
    """
    with plt.rc_context(STYLE):
        labels = [wrap_label(str(v), 34) for v in table[label]] if len(table) else []
        lines = sum(t.count("\n") + 1 for t in labels) or 1
        # Each bar: a gap plus its label's lines (8 pt type: about 0.13 in a line).
        fig, ax = plt.subplots(figsize=(6.0, 0.13 * lines + 0.08 * max(len(table), 1) + 0.7))
        if table.empty:
            ax.text(0.5, 0.5, "No data", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            y = np.arange(len(table))[::-1]
            divisor, units = _bars_scale(table)
            actual = table["actual"].to_numpy() / divisor
            estimated = table["estimated"].to_numpy() / divisor
            ax.barh(y, actual, color=ACTUAL_COLOUR, label="Actual")
            ax.barh(y, estimated, left=actual, color=ESTIMATED_COLOUR, label="Estimated")
            ax.set_yticks(y, labels)
            ax.set_xlabel(units)
            ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
        return _svg(fig)


def year_bars(table: pd.DataFrame) -> str:
    """Columns of ``actual`` and ``estimated`` (cents) per ``year``, in time order."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.0, 2.6))
        if table.empty:
            ax.text(0.5, 0.5, "No data", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return _svg(fig)
        data = table.sort_values("year")
        x = np.arange(len(data))
        divisor, units = _bars_scale(data)
        actual = data["actual"].to_numpy() / divisor
        estimated = data["estimated"].to_numpy() / divisor
        ax.bar(x, actual, color=ACTUAL_COLOUR, label="Actual", width=0.7)
        ax.bar(x, estimated, bottom=actual, color=ESTIMATED_COLOUR, label="Estimated", width=0.7)
        ax.set_xticks(x, [str(int(v)) for v in data["year"]])
        ax.set_ylabel(units)
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
        return _svg(fig)


def year_lines(table: pd.DataFrame, keys: list[str], top: int = 6) -> str:
    """Spend per year (actual and estimated together) of the ``top`` rows of a year table.

    Each row keeps its catalogue colour and marker (``keys``: the ordered catalogue ids), so
    a resolution looks the same in every report; the legend sits right of the plot.
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(5.2, 2.8))
        years = _year_columns(table)
        divisor, units = _lines_scale(table, top)
        for name, row in table.head(top).iterrows():
            style = category_style(keys, str(name))
            ax.plot(years, row[years].to_numpy() / divisor, "-", ms=4, label=name, **style)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylabel(units + "\n(actual and estimated)")
        if len(table):
            ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
        return _svg(fig)


def heatmap(spend: pd.DataFrame, counts: pd.DataFrame, highlight: str | None = None) -> str:
    """Rows × regions heat map of spend, with activity counts.

    Colour and first number: spend in CHF thousands; the number in brackets: activities (an
    activity counts once per cell it touches). ``highlight`` (a region) is outlined and its
    name set in bold: the report's own region.
    """
    with plt.rc_context(STYLE):
        rows, cols = spend.shape
        labels = [wrap_label(str(r), 26) for r in spend.index]
        fig, ax = plt.subplots(figsize=(5.8, 0.3 * max(rows, 1) + 0.9))
        values = spend.to_numpy(dtype=float) / 1e5
        n = counts.reindex(index=spend.index, columns=spend.columns, fill_value=0).to_numpy()
        image = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto")
        ax.set_xticks(
            range(cols), [wrap_label(str(c), 9) for c in spend.columns], rotation=0, ha="center"
        )
        ax.set_yticks(range(rows), labels)
        top = values.max() if values.size else 0
        for i in range(rows):
            for j in range(cols):
                v = values[i, j]
                text = f"{v:,.0f}".replace(",", "\u202f") + f"\n({n[i, j]})" if v else "–"
                dark = top and v > top * 0.55
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=MIN_FONT_PT,
                    color="white" if dark else "#222222",
                    linespacing=1.1,
                    in_layout=False,  # inside its cell, so inside the tight box
                )
        if highlight in list(spend.columns):
            j = list(spend.columns).index(highlight)
            ax.add_patch(
                plt.Rectangle(
                    (j - 0.5, -0.5), 1, rows, fill=False, edgecolor="#D55E00", linewidth=2.0
                )
            )
            ax.get_xticklabels()[j].set_fontweight("bold")
        ax.spines[:].set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        bar.set_label("CHF thousands (actual and estimated)")
        return _svg(fig)


def tile_map(spend: pd.DataFrame, tiles: pd.DataFrame, region: str | None) -> str:
    """One tile per Member State (positions from the package's tile grid), shaded by spend.

    ``spend`` has ``country_iso3`` and ``amount_cents``; tiles with no spend stay white
    with a grey outline, so that gaps are visible.
    """
    grid = tiles if region is None else tiles[tiles["region"] == region]
    grid = grid.astype({"row": int, "col": int})
    # A region's block is drawn from its own top-left corner.
    grid = grid.assign(row=grid["row"] - grid["row"].min(), col=grid["col"] - grid["col"].min())
    if region is None:
        # Leave a row between stacked blocks for the region names.
        starts = grid.groupby("region")["row"].transform("min")
        grid = grid.assign(row=grid["row"] + (starts > 0).astype(int))
    amounts = dict(zip(spend["country_iso3"], spend["amount_cents"] / 1e5, strict=True))
    with plt.rc_context(STYLE):
        n_rows = int(grid["row"].max()) + 1 if len(grid) else 1
        n_cols = int(grid["col"].max()) + 1 if len(grid) else 1
        # Tiles of at most 0.3 in, the map at most 6.6 in wide and 4.3 in tall (so that it
        # shares its page); labels scale with the tiles but never go below MIN_FONT_PT:
        # three capitals at 7 pt (about 15 pt wide) fit the world map's 0.26 in (19 pt) tile.
        # The axes are placed by hand so that the map, not the colour bar, gets the room.
        tile = min(0.3, 4.3 / (n_rows + 0.8), 6.6 / (n_cols + 0.4))
        map_w, map_h, bar_h = tile * (n_cols + 0.4), tile * (n_rows + 0.8), 0.75
        fig = plt.figure(figsize=(max(map_w, 3.0), map_h + bar_h))
        height = map_h + bar_h
        ax = fig.add_axes((0, bar_h / height, map_w / max(map_w, 3.0), map_h / height))
        cax = fig.add_axes((0.2, 0.42 / height, 0.6, 0.1 / height))
        label_size = min(9.0, max(MIN_FONT_PT, 0.2 * 72 * tile))
        top = max(amounts.values(), default=0) or 1
        tiles_, colours = [], []
        for rec in grid.itertuples(index=False):
            value = amounts.get(rec.iso3, 0)
            tiles_.append(plt.Rectangle((rec.col, -rec.row), 0.92, 0.92))
            colours.append(SEQUENTIAL(0.15 + 0.85 * value / top) if value else (1, 1, 1, 1))
            ax.text(
                rec.col + 0.46,
                -rec.row + 0.46,
                rec.iso3,
                ha="center",
                va="center",
                fontsize=label_size,
                color="white" if value > top * 0.55 else "#222222",
                in_layout=False,  # inside the axes: no need to measure it for the tight box
            )
        # One collection, not ~190 patches: much faster to draw, same picture.
        ax.add_collection(
            PatchCollection(
                tiles_, facecolors=colours, edgecolors="#999999", linewidths=0.4, clip_on=False
            )
        )
        if region is None:  # name each regional block above its first row
            for name, block in grid.groupby("region"):
                ax.text(
                    block["col"].min(),
                    -block["row"].min() + 1.05,
                    name,
                    fontsize=MIN_FONT_PT + 0.5,
                    fontweight="bold",
                    va="bottom",
                )
        ax.set_xlim(-0.2, n_cols + 0.2)
        ax.set_ylim(-n_rows + 0.8, 1.6)
        ax.set_aspect("equal")
        ax.set_axis_off()
        mappable = plt.cm.ScalarMappable(cmap=SEQUENTIAL, norm=plt.Normalize(0, top))
        bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
        bar.set_label("CHF thousands attributed to the country (white: none)")
        return _svg(fig)
