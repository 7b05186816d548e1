"""The sections of the reports: sentences, numbered tables and figures, cover and annexes.

Every number in a sentence comes from the :mod:`cyber_mapping.analysis` stage (``spend``,
``headline``, ``clauses``, ``caveats``...); every sentence template and label lives in
``templates/text_<lang>.yaml``.
"""

from __future__ import annotations

import itertools

import pandas as pd

from cyber_mapping.analysis import caveats, clauses, headline, scope, spend
from cyber_mapping.labels import (
    beneficiary_names,
    clean_revision,
    clean_title,
    list_text,
    month_text,
    resolution_label,
)
from cyber_mapping.money import chf_alike, chf_exact, chf_prose, chf_thousands
from cyber_mapping.reference import Reference
from cyber_mapping.report.blocks import Html, esc, figure, paragraph, scroller, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import (
    capital,
    join_names,
    long_date,
    month_year,
    percent,
    period_text,
    plural,
)

# ----------------------------------------------------------------------------- sentences


def summary_sentences(report: Report) -> list[str]:
    """Three to five short sentences summarising the report, every number from a library.

    Activities; Member States reached (delivered) and named by planned work only; spend;
    the leading theme and Resolution; and, when more than 1% of the spend submitted failed
    validation, how much and which office's submission holds most of it.
    """
    from cyber_mapping.report import questions

    t, product, ref, region = report.t, report.product, report.ref, report.region
    h = headline.headline(product, ref, region)
    if h.activities == 0 or h.first_year is None:
        return [t["summary_1_none"].format(scope=report.scope)]
    actual, estimated, total = chf_alike(h.actual_cents, h.estimated_cents, h.total_cents)
    out = [
        t["summary_1" if h.first_year != h.last_year else "summary_1_single"].format(
            first_year=h.first_year,
            last_year=h.last_year,
            activities=h.activities,
            activities_noun="activity" if h.activities == 1 else "activities",
            verb="was" if h.activities == 1 else "were",
            scope=report.scope,
        ),
        questions.reach_sentence(report),
        t["summary_2"].format(actual=actual, estimated=estimated, total=total),
    ]
    lead = h.leaders
    if {"theme", "resolution_id"} <= set(lead):
        out.append(
            t["summary_3"].format(
                theme=esc(lead["theme"].name),
                theme_share=percent(lead["theme"].share),
                resolution=esc(resolution_label(lead["resolution_id"].name, ref)),
                resolution_share=percent(lead["resolution_id"].share),
            )
        )
    bias = questions.quarantine_sentence(report)
    if bias:
        out.append(bias)
    return out


def references_text(report: Report) -> str:
    """The Resolutions covered, by body, with their latest revision, then the request."""
    ids = set(report.product.activity_resolutions["resolution_id"])
    ids &= set(scope.scope_allocations(report.product, report.region)["resolution_id"].astype(str))
    cat = report.ref.resolutions[report.ref.resolutions["resolution_id"].isin(ids)]
    parts = []
    cat = cat.assign(rev=cat["revision"].map(clean_revision))
    for (body, rev), rows in cat.groupby(["body", "rev"], sort=False):
        numbers = [str(n) for n in sorted(rows["number"].astype(int))]
        word = "Resolution" if len(numbers) == 1 else "Resolutions"
        parts.append(f"{body} {word} {', '.join(numbers)}" + (f" ({rev})" if rev else ""))
    return "; ".join(parts) + f"; {report.request}"


def cover(report: Report) -> Html:
    """The TDAG cover block: meeting, document number, date, title and the boxed summary."""
    t = report.t
    banner = ""
    if report.product.manifest.get("sample"):
        banner = f"<div class='illustrative'>{esc(t['illustrative'])}</div>"
    return Html(
        f"{banner}<div class='cover'><table class='cover-head'><tr>"
        f"<td class='left'><b>{esc(t['group'])}</b><br>{esc(report.meeting)}</td>"
        f"<td class='right'><b>{esc(report.document)}</b><br>"
        f"{esc(long_date(report.document_date))}<br>{esc(t['original'])}</td></tr></table>"
        f"<p class='source-line'>{esc(t['source_line'])}</p>"
        f"<h1 class='title'>{esc(report.title)}</h1>"
        f"<div class='box'><p><b>{esc(t['label_summary'])}</b><br>"
        f"{' '.join(summary_sentences(report))}</p>"
        f"<p><b>{esc(t['label_action'])}</b><br>{esc(report.action)}</p>"
        f"<p><b>{esc(t['label_references'])}</b><br>{esc(references_text(report))}</p>"
        "</div></div>"
    )


# ----------------------------------------------------------------------------- tables


def _chf_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = out[c].map(chf_thousands)
    return out


def spend_table(report: Report, dimension: str, label: str, top: int | None = None):
    """Spend by one dimension: actual, estimated, total (CHF thousands) and share."""
    data = spend.spend_with_basis(report.product, dimension, report.region, top=top)
    if dimension == "resolution_id":
        data[dimension] = data[dimension].map(lambda r: resolution_label(r, report.ref))
    out = _chf_columns(data, ["actual", "estimated", "total"])
    out["share"] = out["share"].map(percent)
    out.columns = [label, "Actual", "Estimated", "Total (actual + estimated)", "Share of total"]
    return table(
        report,
        out,
        f"Spend by {label.lower()}, CHF thousands",
        data=data,
        note=esc(report.t["shares_forced"]),
    )


def year_spend_table(report: Report, dimension: str, label: str) -> Html:
    """Spend by ``dimension`` and accounting year (CHF thousands), with actual and estimated."""
    data = spend.year_table(report.product, dimension, report.region)
    out = data.reset_index()
    cols = [c for c in out.columns if c != dimension]
    out = _chf_columns(out, cols)
    out.columns = [label, *[str(c) for c in cols[:-3]], "Actual", "Estimated", "Total"]
    caption = f"Spend by {label.lower()} and year (actual and estimated), CHF thousands"
    return table(report, out, caption, wide=True)


def clauses_table(report: Report) -> Html:
    """Clauses that instruct BDT that no activity in scope cites (explicit citations only)."""
    data = clauses.uncovered_clauses(report.product, report.ref, report.region)
    out = pd.DataFrame(
        {
            "Resolution": data["resolution_id"],
            "Clause (package catalogue, summary)": data["summary"],
            "Resolution cited by an activity": data["cited"].map({True: "yes", False: "no"}),
        }
    )
    return table(report, out, report.t["clauses_table_caption"], key="clauses")


def spend_words(records: list[tuple[str, str, str, int]], basis: str) -> list[str]:
    """One line per funder of one basis: ``Funder: 12.3 (staff 7.3, non-staff 5.0)``.

    ``records`` are one activity's ``(funder, basis, cost type, cents)``, sorted; amounts in
    CHF thousands. A single cost type is named without repeating the amount.
    """
    lines = []
    for funder, items in itertools.groupby(records, key=lambda r: r[0]):
        costs = [(cost, cents) for _, b, cost, cents in items if b == basis]
        if not costs:
            continue
        total = sum(c for _, c in costs)
        if len(costs) == 1:
            split = costs[0][0].lower()
        else:
            split = ", ".join(f"{cost.lower()} {chf_thousands(c)}" for cost, c in costs)
        lines.append(f"{funder}: {chf_thousands(total)} ({split})")
    return lines


# Above this many activities the PDF annex summarises by resolution (the Excel annex has
# every activity): at 8 pt on landscape pages the sample's 250 activities took 42 pages
# (about 6 a page), so 240 activities is about 40 pages.
ANNEX_ACTIVITY_LIMIT = 240
# The annex heading's anchor, as nbconvert would write it for a markdown heading.
ANNEX_1_ID = "Annex-1-–-Mapping-of-activities-to-Resolutions"


def mapping_table(report: Report, limit: int = ANNEX_ACTIVITY_LIMIT) -> Html:
    """Annex: the mapping table in Figure 1's form, grouped by resolution, landscape pages.

    Each activity in scope appears once, under the first resolution it cites (the others are
    named in its row), with the catalogue clauses it cites (if stated), its spend in
    scope by funder, actual and estimated, in CHF thousands, and its outputs and outcomes in
    full. With more than ``limit`` activities it summarises by resolution instead and points
    to the Excel annex.
    """
    product, ref, t = report.product, report.ref, report.t
    rows = scope.scope_allocations(product, report.region)
    acts = product.activities.set_index("activity_id").to_dict("index")
    names = ref.country_name()
    links = product.activity_resolutions.sort_values(["activity_id", "position"])
    primary = links.groupby("activity_id")["resolution_id"].first()
    cited = links.groupby("activity_id")["resolution_id"].agg(list)
    # Only the clauses an activity cites (its Clauses column); nothing inferred from wording.
    matched = (
        product.activity_clauses.groupby("activity_id")["clause_ref"]
        .agg(lambda refs: "; ".join(sorted(refs)))
        .to_dict()
        if not product.activity_clauses.empty
        else {}
    )
    titles = dict(
        zip(
            ref.resolutions["resolution_id"],
            ref.resolutions["title"].map(clean_title),
            strict=True,
        )
    )
    # One aggregation for the whole table, then plain Python per row: filtering pandas
    # frames once per activity cost about a second on the overall report.
    money = rows.groupby(["activity_id", "funder", "basis", "cost_type"], observed=True)[
        "amount_cents"
    ].sum()
    records: dict[str, list[tuple[str, str, str, int]]] = {}
    for (aid, funder, basis, cost), cents in sorted(money.items()):
        records.setdefault(str(aid), []).append((str(funder), str(basis), str(cost), int(cents)))
    by_resolution: dict[str, list[str]] = {}
    for aid in sorted(records):
        by_resolution.setdefault(primary[aid], []).append(aid)
    heading = (
        f"<h2 id='{ANNEX_1_ID}'>{esc(t['annex_heading'])}<a class='anchor-link' "
        f"href='#{ANNEX_1_ID}'>¶</a></h2>"
    )
    if len(records) > limit:
        return Html(
            f"<div class='annex-summary'>{heading}"
            f"{_mapping_summary(report, by_resolution, records)}</div>"
        )
    n = report.number("table", "annex_mapping")
    head = t["table_caption"].format(n=n, caption=esc(t["annex_caption"]))
    body = []
    for rid in sorted(by_resolution):
        body.append(
            f"<tr class='group'><th scope='colgroup' colspan='7'>"
            f"{esc(resolution_label(rid, ref))} – {esc(titles.get(rid, ''))}</th></tr>"
        )
        for aid in by_resolution[rid]:
            act = acts[aid]
            places = beneficiary_names(act["beneficiaries"], names)
            if len(places) > 8:
                places = [*places[:7], f"and {len(places) - 7} more"]
            others = [r for r in cited.get(aid, []) if r != rid]
            dates = " – ".join(
                x
                for x in dict.fromkeys(
                    (month_year(act["start_date"]), month_year(act["end_date"]))
                )
                if x
            )
            first = (
                f"{esc(act['title'])}<br>{esc(aid)} · {esc(act['status'])} · {esc(act['theme'])}"
                + (f"<br>{esc(dates)}" if dates else "")
            )
            clause = str(matched.get(aid, "")) or t["annex_no_clause"]
            clause_cell = esc(clause) + (
                f"<br>{esc(t['annex_also'])} {esc(', '.join(others))}" if others else ""
            )
            results = []
            for label, text in (
                (t["annex_outputs"], act["outputs_text"]),
                (t["annex_outcomes"], act["outcomes_text"]),
            ):
                if str(text or "").strip():
                    results.append(
                        f"<span class='label'>{esc(label)}</span> {esc(month_text(text))}"
                    )
            actual = spend_words(records[aid], spend.ACTUAL)
            estimated = spend_words(records[aid], spend.ESTIMATED)
            body.append(
                f"<tr><td>{first}</td><td>{clause_cell}</td>"
                f"<td>{esc('; '.join(places))}</td>"
                f"<td>{esc(list_text(act['implementors']))}</td>"
                f"<td>{'<br>'.join(esc(x) for x in actual) or '–'}</td>"
                f"<td>{'<br>'.join(esc(x) for x in estimated) or '–'}</td>"
                f"<td>{'<br>'.join(results)}</td></tr>"
            )
    if not body:
        table_html = f"<p class='caption'>{head}</p><p class='no-data'>{esc(t['no_data'])}</p>"
    else:
        headers = "".join(
            f"<th scope='col'>{esc(h)}</th>"
            for h in (
                t["annex_col_activity"],
                t["annex_col_clause"],
                "Beneficiary countries",
                "Implementors",
                "Actual, CHF thousands",
                "Estimated, CHF thousands",
                "Main outputs and envisaged outcomes",
            )
        )
        table_html = scroller(
            f"<table class='data mapping'><caption>{head}</caption><thead><tr>{headers}</tr>"
            "</thead><tbody>" + "".join(body) + "</tbody></table>",
            t["table_caption"].format(n=n, caption=t["annex_caption"]),
        )
    return Html(
        f"<div class='annex-block'>{heading}<div class='table-block'>{table_html}"
        f"<p class='source'>{esc(report.source())}</p></div></div>"
    )


def _mapping_summary(
    report: Report,
    by_resolution: dict[str, list[str]],
    records: dict[str, list[tuple[str, str, str, int]]],
) -> Html:
    """The annex for a long report: one row per resolution, and where the full list is."""
    t = report.t
    out = []
    for rid in sorted(by_resolution):
        ids = by_resolution[rid]
        actual = sum(c for a in ids for _, b, _, c in records[a] if b == spend.ACTUAL)
        estimated = sum(c for a in ids for _, b, _, c in records[a] if b == spend.ESTIMATED)
        out.append(
            {
                "Resolution": resolution_label(rid, report.ref),
                "Activities": str(len(ids)),
                "Actual": chf_thousands(actual),
                "Estimated": chf_thousands(estimated),
            }
        )
    note = paragraph(
        esc(
            t["annex_summary_note"].format(
                activities=len(records), annex_cap=capital(t["annex_excel_name"])
            )
        )
    )
    block = table(
        report,
        pd.DataFrame(out),
        "Activities by the first Resolution they cite, spend in CHF thousands",
    )
    return Html(note + block)


# ----------------------------------------------------------------------------- annex 2


def unconverted_sentence(report: Report) -> str:
    """The amounts of the manifest that could not be converted to CHF, in their currency."""
    unconverted = report.product.manifest.get("unconverted_cents") or {}
    if not unconverted:
        return report.t["unconverted_none"]
    amounts = [
        f"{esc(cur)} {chf_exact(cents).removeprefix('CHF ')}"
        for cur, cents in sorted(unconverted.items())
    ]
    return report.t["unconverted"].format(amounts=join_names(amounts))


def quality_tables(report: Report) -> list[Html]:
    """Data quality and method: quarantine by workbook, reconciliation, rules, rates, inputs."""
    t, product, ref = report.t, report.product, report.ref
    blocks: list[Html] = []
    q = caveats.quarantine_by_workbook(product)
    q = q.assign(chf_cents=q["chf_cents"].map(chf_thousands))
    q.columns = [
        "Workbook",
        "Rows read",
        "Rows quarantined",
        "of which with their activity",
        "CHF thousands",
        "Main direct reason (rows)",
    ]
    blocks.append(table(report, q, "Rows read and quarantined by workbook"))
    cents = product.manifest["chf_cents"]
    unreadable = int(product.manifest.get("rows_amount_unreadable", 0))
    blocks.append(
        paragraph(
            t["reconciliation"].format(
                read=chf_exact(cents["read"]),
                processed=chf_exact(cents["processed"]),
                quarantined=chf_exact(cents["quarantined"]),
                unreadable=(
                    t["unreadable_some"].format(rows=plural(unreadable, "row"))
                    if unreadable
                    else t["unreadable_none"]
                ),
            ),
            unconverted_sentence(report),
            f"{percent(spend.estimated_share(product, report.region))} of the recorded "
            "spend in scope is estimated rather than actual.",
        )
    )
    blocks.append(stale_table(report))
    blocks.append(paragraph(esc(t["allocation_rules"]), esc(t["clauses_rule"])))
    rates = ref.exchange_rates[ref.exchange_rates["currency"] != "CHF"]
    first, last = product.manifest["parameters"]["mapping_period"]
    rates = rates[rates["year"].astype(int).between(first, last)]
    wide = rates.pivot_table(
        index="currency", columns="year", values="chf_per_unit", aggfunc="first"
    )
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index().rename(columns={"currency": "Currency"})
    blocks.append(
        table(
            report,
            wide,
            "Exchange rates used, CHF per unit (ILLUSTRATIVE approximations)",
            source=t["source_rates"],
        )
    )
    params = pd.DataFrame(
        [
            ("Region", report.region or "all (overall report)"),
            ("Mapping period", period_text(first, last)),
            ("As of", long_date(report.as_of)),
            ("Data version", report.version),
            ("Reference data version", str(product.manifest["reference"]["version"])),
            ("Package version", str(product.manifest["package_version"])),
            ("Product built", str(product.manifest["built_at"])),
        ],
        columns=["Parameter", "Value"],
    )
    blocks.append(table(report, params, "Parameters of this run"))
    inputs = pd.DataFrame(
        [(i["file"], i["status"], i["sha256"]) for i in product.manifest["inputs"]],
        columns=["Input workbook", "Status", "SHA-256"],
    )
    blocks.append(table(report, inputs, "Data manifest: input checksums", wide=True))
    blocks.append(sources_table(report))
    return blocks


def stale_table(report: Report) -> Html:
    """Activities whose status the as-of date contradicts, for their office to confirm."""
    from cyber_mapping.analysis import caveats

    stale = caveats.stale_statuses(report.product, report.as_of, report.region)
    data = stale.table
    out = pd.DataFrame(
        {
            "Activity ID": data["activity_id"].astype(str),
            "Status": data["status"].astype(str),
            "Start": [month_year(d) for d in data["start_date"]],
            "End": [month_year(d) for d in data["end_date"]],
            "Why the status may be out of date": data["rule"].astype(str),
        }
    )
    caption = report.t["stale_caption"].format(as_of=long_date(report.as_of))
    return table(
        report, out, caption, key="stale", data=data, empty=report.t["stale_none"], wide=True
    )


def sources_table(report: Report) -> Html:
    """Provenance, once: every table and figure numbered so far with its source."""
    t = report.t
    rows = [
        {
            "Block": t[f"{kind}_ref"].format(n=n),
            "Title": caption,
            "Source": source.removeprefix("Source: "),
        }
        for (kind, n), (caption, source) in sorted(report.sources.items())
    ]
    rows.extend(
        {"Block": t["sources_reference"], "Title": name, "Source": source}
        for name, source in (
            (t["sources_gci_name"], t["sources_gci"]),
            (t["sources_groups_name"], t["sources_groups"]),
            (t["sources_rates_name"], t["sources_rates"]),
        )
    )
    frame = pd.DataFrame(rows, columns=["Block", "Title", "Source"])
    note = esc(t["sources_note"].format(version=report.version, as_of=long_date(report.as_of)))
    return table(report, frame, t["sources_caption"], key="sources", wide=True, note=note)


# ----------------------------------------------------------------------------- figures


def year_overview_table(report: Report) -> Html:
    """Spend per accounting year, actual and estimated (CHF thousands), with activities."""
    data = spend.spend_with_basis(report.product, "year", report.region)
    data = data.sort_values("year").drop(columns="share")
    out = _chf_columns(data, ["actual", "estimated", "total"])
    out["year"] = out["year"].astype(str)
    out.columns = ["Year", "Actual", "Estimated", "Total (actual + estimated)"]
    return table(report, out, "Spend by accounting year, CHF thousands")


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
    out = _chf_columns(data, ["actual", "estimated", "total"])
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
    from cyber_mapping.report import plotting

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
    from cyber_mapping.report import plotting

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
    from cyber_mapping.report import plotting

    data = spend.year_table(report.product, "resolution_id", report.region)
    svg = plotting.year_lines(data, list(report.ref.resolutions["resolution_id"]))
    units = plotting.lines_units(data)
    shown = data.head(6).reset_index()
    years = [c for c in shown.columns if isinstance(c, int)]
    table_data = _chf_columns(shown[["resolution_id", *years, "total"]], [*years, "total"])
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
    from cyber_mapping.report import plotting

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
    from cyber_mapping.report import plotting

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


def reference_caveats(report: Report) -> Html:
    """Versions and caveats of the reference data used."""
    return paragraph(esc(report.t["reference_caveats"].format(version=report.ref.version())))
