"""The report's charts, each with its caption, its main finding (the alt text) and its data.

Spend per year, by theme, funder and implementor, per year of the leading Resolutions, the
coverage heat maps and the tile map; the SVG comes from :mod:`cyber_mapping.report.plotting`.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import spend
from cyber_mapping.labels import resolution_label
from cyber_mapping.money import chf_prose, chf_thousands
from cyber_mapping.reference import Reference
from cyber_mapping.report import plotting
from cyber_mapping.report.blocks import Html, chf_columns, esc, figure, paragraph
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import percent


def bars_finding(data: pd.DataFrame, dimension: str, t: dict[str, str]) -> str:
    """The main finding of a bar chart of :func:`spend.spend_with_basis` (its alt text).

    The largest named row (never ``Other``) with its total and share of the total.
    """
    named = data[data[dimension].astype(str) != "Other"]
    if named.empty:
        return t["no_data"]
    top = named.iloc[0]
    return t["finding_bars"].format(
        name=top[dimension], total=chf_prose(int(top["total"])), share=percent(top["share"])
    )


def year_finding(data: pd.DataFrame, t: dict[str, str]) -> str:
    """The year with the most spend (actual and estimated), earliest on a tie."""
    if data.empty or int(data["total"].max()) == 0:
        return t["no_data"]
    top = data.sort_values(["total", "year"], ascending=[False, True]).iloc[0]
    return t["finding_year"].format(year=int(top["year"]), total=chf_prose(int(top["total"])))


def lines_finding(data: pd.DataFrame, ref: Reference, t: dict[str, str]) -> str:
    """The resolution with the most spend over the period, and its highest year."""
    if data.empty or int(data["total"].max()) == 0:
        return t["no_data"]
    rid = data.index[0]  # year_table is sorted by total, largest first
    years = [c for c in data.columns if isinstance(c, int)]
    row = data.loc[rid, years]
    peak = max(years, key=lambda y: (int(row[y]), -y))
    return t["finding_lines"].format(
        resolution=resolution_label(str(rid), ref),
        total=chf_prose(int(data.loc[rid, "total"])),
        year=peak,
    )


def heatmap_finding(spend: pd.DataFrame, counts: pd.DataFrame, t: dict[str, str]) -> str:
    """The largest cell of a coverage heat map: row, region, spend and activities."""
    if spend.empty or int(spend.to_numpy().max()) == 0:
        return t["no_data"]
    stacked = spend.stack()
    row, region = stacked.idxmax()  # first largest in row, then column order
    return t["finding_heatmap"].format(
        row=row,
        region=region,
        total=chf_prose(int(stacked.max())),
        activities=int(counts.reindex(index=spend.index, columns=spend.columns).loc[row, region]),
    )


def tile_finding(
    spend: pd.DataFrame, tiles: pd.DataFrame, names: dict[str, str], t: dict[str, str]
) -> str:
    """The Member State with the most attributed spend, and how many tiles have none."""
    shown = set(tiles["iso3"])
    spend = spend[spend["country_iso3"].isin(shown) & (spend["amount_cents"] > 0)]
    if spend.empty:
        return t["no_data"]
    top = spend.iloc[0]  # country_spend is sorted, largest first
    return t["finding_tiles"].format(
        country=names.get(top["country_iso3"], top["country_iso3"]),
        total=chf_prose(int(top["amount_cents"])),
        none=len(shown - set(spend["country_iso3"])),
        tiles=len(shown),
    )


def _bars_data(data: pd.DataFrame, dimension: str, label: str) -> pd.DataFrame:
    out = chf_columns(data, ["actual", "estimated", "total"])
    out["share"] = out["share"].map(percent) if "share" in out else ""
    out = out[[dimension, "actual", "estimated", "total", "share"]]
    out.columns = [
        label,
        "Actual",
        "Estimated",
        "Total (actual + estimated)",
        "Share of total (rounded to add up to 100%)",
    ]
    return out.astype({label: str})


def year_figure(report: Report) -> Html:
    """Columns of actual and estimated spend per year, in time order."""
    data = spend.spend_with_basis(report.product, "year", report.region)
    data = data.sort_values("year")
    svg = plotting.year_bars(data)
    units = plotting.bars_units(data)
    return figure(
        report,
        svg,
        f"Spend per accounting year, actual and estimated, {units}",
        finding=year_finding(data, report.t),
        data=_bars_data(data, "year", "Year"),
    )


def spend_figure(report: Report, dimension: str, label: str, top: int = 12) -> Html:
    """Bars of actual and estimated spend by one dimension (largest first)."""
    data = spend.spend_with_basis(report.product, dimension, report.region, top=top)
    svg = plotting.stacked_bars(data, dimension)
    units = plotting.bars_units(data)
    return figure(
        report,
        svg,
        f"Spend by {label.lower()}, actual and estimated, {units}",
        finding=bars_finding(data, dimension, report.t),
        data=_bars_data(data, dimension, label),
    )


def resolution_year_figure(report: Report) -> Html:
    """Lines of spend per year for the leading resolutions, in their catalogue colours."""
    data = spend.year_table(report.product, "resolution_id", report.region)
    svg = plotting.year_lines(data, list(report.ref.resolutions["resolution_id"]))
    units = plotting.lines_units(data)
    shown = data.head(6).reset_index()
    years = [c for c in shown.columns if isinstance(c, int)]
    table_data = chf_columns(shown[["resolution_id", *years, "total"]], [*years, "total"])
    table_data.columns = ["Resolution", *[str(y) for y in years], "Total"]
    return figure(
        report,
        svg,
        f"Spend per year of the leading resolutions (actual and estimated), {units}",
        finding=lines_finding(data, report.ref, report.t),
        data=table_data,
    )


def heatmap_figure(report: Report, rows: str) -> Html:
    """Resolution or theme × region: spend (colour, CHF thousands) and activity counts."""
    cents = spend.coverage_matrix(report.product, report.ref, rows, "spend")
    counts = spend.coverage_matrix(report.product, report.ref, rows, "activities")
    if cents.empty:  # no spend anywhere: a heat map of nothing would say nothing
        return paragraph(esc(report.t["no_data"]))
    label = "Resolution" if rows == "resolution_id" else "Theme"
    svg = plotting.heatmap(cents, counts, report.region)
    own = report.t["heatmap_own"].format(region=report.region) if report.region else ""
    data = (
        cents.map(chf_thousands).astype(str)
        + " ("
        + counts.reindex(index=cents.index, columns=cents.columns, fill_value=0).astype(str)
        + ")"
    )
    data = data.reset_index().rename(columns={rows: label})
    return figure(
        report,
        svg,
        f"{label} by ITU region (all regions, for comparison{own}): spend in CHF thousands "
        "(colour and first number) and number of activities (in brackets)",
        finding=heatmap_finding(cents, counts, report.t),
        data=data,
    )


def tile_figure(report: Report) -> Html:
    """Tile map of spend attributed to each beneficiary Member State."""
    by_country = spend.country_spend(report.product, report.region)
    grid = report.ref.tile_grid
    if report.region:
        grid = grid[grid["region"] == report.region]
    svg = plotting.tile_map(by_country, report.ref.tile_grid, report.region)
    names = report.ref.country_name()
    shown = by_country[by_country["country_iso3"].isin(set(grid["iso3"]))]
    data = pd.DataFrame(
        {
            "Member State": [names.get(c, c) for c in shown["country_iso3"]],
            "CHF thousands": [chf_thousands(c) for c in shown["amount_cents"]],
        }
    )
    return figure(
        report,
        svg,
        f"Spend attributed to each Member State, {report.region or 'all regions'} (one tile "
        "each, in regional blocks, not a geographic map), CHF thousands",
        finding=tile_finding(by_country, grid, names, report.t),
        data=data,
    )
