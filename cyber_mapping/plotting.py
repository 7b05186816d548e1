"""Charts of the reports, in one colour-blind-safe style, returned as SVG text.

Each function takes a table from :mod:`cyber_mapping.analysis` and returns the SVG of a
titled chart with its units on the axis; :func:`cyber_mapping.narrative.figure` adds the
numbered caption and the Source line. Matplotlib runs without a display (Agg).
"""

from __future__ import annotations

import io

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
# Sequential blues for heat maps and the tile map (ordered by lightness, so it prints in grey).
SEQUENTIAL = LinearSegmentedColormap.from_list("cm_blues", ["#F7FBFF", "#6BAED6", "#08306B"])

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
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


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


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


def stacked_bars(table: pd.DataFrame, label: str, title: str) -> str:
    """Horizontal bars of ``actual`` and ``estimated`` (cents) per ``label`` row, stacked."""
    with plt.rc_context(STYLE):
        n = max(len(table), 1)
        fig, ax = plt.subplots(figsize=(6.3, 0.32 * n + 1.1))
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
            ax.set_yticks(y, [_short(str(v)) for v in table[label]])
            ax.set_xlabel(units)
            ax.legend(frameon=False, loc="lower right")
        ax.set_title(title, loc="left")
        return _svg(fig)


def year_lines(table: pd.DataFrame, title: str, top: int = 6) -> str:
    """Spend per year (actual and estimated together) of the ``top`` rows of a year table."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 3.0))
        years = _year_columns(table)
        divisor, units = _lines_scale(table, top)
        for i, (name, row) in enumerate(table.head(top).iterrows()):
            style = "-" if i < len(OKABE_ITO) else "--"
            ax.plot(years, row[years].to_numpy() / divisor, style, marker="o", ms=3, label=name)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylabel(units + " (actual and estimated)")
        ax.set_title(title, loc="left")
        if len(table):
            ax.legend(frameon=False, fontsize=7, ncols=2, loc="upper left")
        return _svg(fig)


def heatmap(spend: pd.DataFrame, counts: pd.DataFrame, title: str) -> str:
    """Rows × regions heat map of spend, with activity counts.

    Colour and first number: spend in CHF thousands; the number in brackets: activities (an
    activity counts once per cell it touches).
    """
    with plt.rc_context(STYLE):
        rows, cols = spend.shape
        fig, ax = plt.subplots(figsize=(6.6, 0.36 * max(rows, 1) + 1.5))
        values = spend.to_numpy(dtype=float) / 1e5
        n = counts.reindex(index=spend.index, columns=spend.columns, fill_value=0).to_numpy()
        image = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto")
        ax.set_xticks(range(cols), [str(c) for c in spend.columns], rotation=30, ha="right")
        ax.set_yticks(range(rows), [_short(str(r), 34) for r in spend.index])
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
                    fontsize=6,
                    color="white" if dark else "#222222",
                    linespacing=1.1,
                    in_layout=False,  # inside its cell, so inside the tight box
                )
        ax.spines[:].set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        bar.set_label("CHF thousands (actual and estimated)")
        ax.set_title(title, loc="left")
        return _svg(fig)


def tile_map(spend: pd.DataFrame, tiles: pd.DataFrame, title: str, region: str | None) -> str:
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
        # Small regions get a smaller map, not giant tiles; labels scale with the tiles.
        width = min(6.6, 0.5 * n_cols + 1.2)
        fig, ax = plt.subplots(figsize=(width, max(1.6, width * n_rows / max(n_cols, 1)) + 0.8))
        label_size = min(9.0, max(4.5, 0.2 * 72 * width / max(n_cols, 1)))
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
                    fontsize=5.5,
                    fontweight="bold",
                    va="bottom",
                )
        ax.set_xlim(-0.2, n_cols + 0.2)
        ax.set_ylim(-n_rows + 0.8, 1.6)
        ax.set_aspect("equal")
        ax.set_axis_off()
        mappable = plt.cm.ScalarMappable(cmap=SEQUENTIAL, norm=plt.Normalize(0, top))
        bar = fig.colorbar(mappable, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02)
        bar.set_label("CHF thousands attributed to the country (white: none)")
        ax.set_title(title, loc="left")
        return _svg(fig)
