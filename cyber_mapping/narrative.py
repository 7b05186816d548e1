"""The words and tables of the reports: number formats, sentences, captions, HTML blocks.

Every number in a sentence comes from :mod:`cyber_mapping.analysis`; every sentence template
and label lives in ``templates/text_<lang>.yaml``. Blocks are returned as :class:`Html`
objects, which Jupyter displays; all text from the workbooks is escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cyber_mapping import __version__, analysis
from cyber_mapping.paths import TEMPLATES_DIR
from cyber_mapping.product import Product, load
from cyber_mapping.reference import Reference, load_reference, read_yaml

NNBSP = "\u202f"  # narrow no-break space: the default thousands separator
EN_DASH = "–"


@functools.cache
def texts(language: str = "en") -> dict[str, str]:
    """Sentence templates and labels of one language (cached: immutable reference text)."""
    path = TEMPLATES_DIR / f"text_{language}.yaml"
    return read_yaml(path)  # type: ignore[return-value]


# ----------------------------------------------------------------------------- formats


def group_thousands(number: int, sep: str = NNBSP) -> str:
    """``1234567`` -> ``1 234 567`` (narrow no-break spaces; ``sep="'"`` for BDT's style)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(int(number)):,}".replace(",", sep)


def chf_prose(cents: int, sep: str = NNBSP) -> str:
    """Money in a sentence: ``CHF 1.5 million`` from one million up, else ``CHF 245 000``.

    Millions keep one decimal (rounded half up); smaller amounts are whole francs.
    """
    cents = int(cents)
    if abs(cents) >= 100_000_000:
        tenths = (abs(cents) + 5_000_000) // 10_000_000  # tenths of a million, half up
        sign = "-" if cents < 0 else ""
        return f"CHF {sign}{tenths // 10}.{tenths % 10} million"
    francs = (abs(cents) + 50) // 100
    return f"CHF {group_thousands(francs if cents >= 0 else -francs, sep)}"


def chf_thousands(cents: int, sep: str = NNBSP) -> str:
    """A table cell in CHF thousands with one decimal: 1 234 567.89 CHF -> ``1 234.6``."""
    tenths = (abs(int(cents)) + 5_000) // 10_000  # tenths of a thousand francs, half up
    sign = "-" if cents < 0 and tenths else ""
    return f"{sign}{group_thousands(tenths // 10, sep)}.{tenths % 10}"


def chf_exact(cents: int, sep: str = NNBSP) -> str:
    """Exact to the cent, for reconciliations: ``CHF 23 570 845.85``."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"CHF {sign}{group_thousands(abs(cents) // 100, sep)}.{abs(cents) % 100:02d}"


def percent(value: float) -> str:
    """``35.7`` -> ``35.7%`` (one decimal)."""
    return f"{value:.1f}%"


def long_date(day: dt.date) -> str:
    """``12 June 2017``: day without a leading zero, month in full."""
    return f"{day.day} {day:%B %Y}"


def period_text(first: int, last: int) -> str:
    """``2018–2025`` (en dash)."""
    return f"{first}{EN_DASH}{last}" if first != last else str(first)


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def data_version(manifest: dict) -> str:
    """Short fingerprint of the input workbooks (first 10 hex digits of their hashes' hash)."""
    digest = hashlib.sha256()
    for item in sorted(manifest.get("inputs", []), key=lambda i: i["file"]):
        digest.update(f"{item['file']}:{item['sha256']}\n".encode())
    return digest.hexdigest()[:10]


_REVISION = re.compile(r"(?:Rev\.\s*)?([A-Z][A-Za-zé ]+),\s*((?:19|20)\d\d)")


def clean_revision(text: object) -> str:
    """The first ``Rev. Place, YYYY`` in a catalogue revision note (notes dropped), or ''."""
    found = _REVISION.search(str(text or ""))
    if not found:
        return ""
    place, year = found.group(1).strip(), found.group(2)
    prefix = "Rev. " if "Rev." in str(text)[: found.end()] else ""
    return f"{prefix}{place}, {year}"


def resolution_label(rid: str, ref: Reference) -> str:
    """``PP-130`` -> ``PP Resolution 130 (Rev. Bucharest, 2022)`` from the catalogue."""
    row = ref.resolutions[ref.resolutions["resolution_id"] == rid]
    if row.empty:
        return rid
    rec = row.iloc[0]
    rev = clean_revision(rec["revision"])
    return f"{rec['body']} Resolution {rec['number']}" + (f" ({rev})" if rev else "")


# ----------------------------------------------------------------------------- blocks


class Html(str):
    """An HTML fragment that Jupyter displays as HTML (and that is still a ``str``)."""

    def _repr_html_(self) -> str:
        return str(self)


def esc(value: object) -> str:
    """Escape workbook text for HTML (``<script>`` shows as text)."""
    return html.escape("" if value is None else str(value))


@dataclass
class Report:
    """What one report needs: the product, reference data, scope and cover parameters.

    ``tables`` and ``figures`` count captions as the notebook adds them, top to bottom.
    """

    product: Product
    ref: Reference
    region: str | None
    as_of: dt.date
    meeting: str
    document: str
    document_date: dt.date
    action: str
    request: str
    language: str = "en"
    tables: int = 0
    figures: int = 0
    numbers: dict[str, int] = field(default_factory=dict)

    @property
    def t(self) -> dict[str, str]:
        """The language's templates."""
        return texts(self.language)

    @property
    def version(self) -> str:
        """The data version printed in every source line."""
        return data_version(self.product.manifest)

    @property
    def scope(self) -> str:
        """``all ITU regions`` or ``the Africa region``."""
        if self.region is None:
            return self.t["scope_overall"]
        return self.t["scope_region"].format(region=self.region)

    @property
    def title(self) -> str:
        """The report title in capitals, with the region for a regional report."""
        title = self.t["title"]
        if self.region:
            title += self.t["title_region"].format(region_upper=self.region.upper())
        return title

    def source(self) -> str:
        """The "Source:" line under every table and figure."""
        return self.t["source"].format(
            version=self.version, as_of=long_date(self.as_of), package=__version__
        )


def open_report(
    processed_dir: str | Path = "",
    region: str = "",
    as_of: str = "",
    meeting: str = "",
    document: str = "",
    document_date: str = "",
    action: str = "",
    request: str = "",
    language: str = "en",
    period: str = "",
) -> Report:
    """Load the product and build the report context from the notebook's parameters.

    Empty strings mean the defaults: ``data/processed/``, the overall report, the date the
    product was built, a neutral meeting line, a visible document-number placeholder, today.

    Raises
    ------
    ReportConfigError
        For an unknown region (naming the valid ones) or a malformed date.
    """
    from cyber_mapping.exceptions import ReportConfigError

    ref = load_reference()
    if region and region not in ref.region_names:
        raise ReportConfigError(
            f"unknown region '{region}'; choose one of: {', '.join(ref.region_names)}"
        )
    product = load(Path(processed_dir) if processed_dir else None)

    def date(text: str, default: dt.date) -> dt.date:
        if not text:
            return default
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ReportConfigError(f"'{text}' is not a date such as 2025-01-31") from exc

    built = dt.date.fromisoformat(str(product.manifest["built_at"])[:10])
    mapped = tuple(product.manifest["parameters"]["mapping_period"])
    if period and period.replace(EN_DASH, "-") != f"{mapped[0]}-{mapped[1]}":
        raise ReportConfigError(
            f"the report's period {period} differs from the data product's mapping period "
            f"{mapped[0]}-{mapped[1]}; rebuild with `cyber-mapping build --period {period}`."
        )
    t = texts(language)
    return Report(
        product=product,
        ref=ref,
        region=region or None,
        as_of=date(as_of, built),
        meeting=meeting or "Meeting to be confirmed",
        document=document or "Document TDAG-XX/NN-E (number to be assigned)",
        document_date=date(document_date, dt.date.today()),
        action=action or t["action_default"],
        request=request or t["request_default"],
        language=language,
    )


_NUMBER = re.compile(r"^[-–]?[\d\u202f ',.]*\d[%]?$|^[-–]$")


def html_table(frame: pd.DataFrame, caption: str = "", cls: str = "data") -> str:
    """An escaped HTML table; columns holding only numbers are right-aligned.

    ``caption`` (HTML, already escaped) becomes the table's ``<caption>``; header cells carry
    ``scope="col"`` so that screen readers announce them with each cell.
    """
    cells = frame.astype(object).where(frame.notna(), "").astype(str)
    numeric = [
        len(cells) > 0 and bool(cells[c].map(lambda v: v == "" or bool(_NUMBER.match(v))).all())
        for c in cells.columns
    ]
    head = "".join(
        f"<th scope=col{' class=num' if num else ''}>{esc(c)}</th>"
        for c, num in zip(cells.columns, numeric, strict=True)
    )
    rows = []
    for values in cells.itertuples(index=False):
        tds = "".join(
            f"<td{' class=num' if num else ''}>{esc(v)}</td>"
            for v, num in zip(values, numeric, strict=True)
        )
        rows.append(f"<tr>{tds}</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f"<table class='{cls}'>{cap}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def scroller(inner: str, label: str) -> str:
    """``inner`` in a horizontally scrolling region (keyboard-focusable, named for readers)."""
    return (
        f"<div class='scroll' role='region' tabindex='0' aria-label='{esc(label)}'>{inner}</div>"
    )


# Tables of up to this many rows are kept on one page (about a sixth of a page at 8 pt).
KEEP_ROWS = 12


def table(
    report: Report, frame: pd.DataFrame, caption: str, *, wide: bool = False, empty: str = ""
) -> Html:
    """A numbered table: caption above (a real ``<caption>``), the table, the Source line.

    ``empty`` is what to say when there is no row (default: "No data in scope."). ``wide``
    tables (many columns) are set in a smaller font; on screen every table scrolls sideways
    inside its own box rather than widening the page.
    """
    report.tables += 1
    head = report.t["table_caption"].format(n=report.tables, caption=esc(caption))
    label = report.t["table_caption"].format(n=report.tables, caption=caption)
    if frame.empty:
        none = esc(empty or report.t["no_data"])
        body = f"<p class='caption'>{head}</p><p class='no-data'>{none}</p>"
    else:
        body = scroller(html_table(frame, head, "data wide" if wide else "data"), label)
    # Short tables keep together (so their caption never sits alone at a page's foot);
    # longer ones run on, their header row repeated.
    keep = " keep" if len(frame) <= KEEP_ROWS else ""
    return Html(
        f"<div class='table-block{keep}'>{body}<p class='source'>{esc(report.source())}</p></div>"
    )


def figure(
    report: Report,
    svg: str,
    caption: str,
    *,
    finding: str = "",
    data: pd.DataFrame | None = None,
) -> Html:
    """A numbered figure: the SVG, the caption below, then the Source line.

    ``finding`` (plain text) is the image's alternative text: the chart's main finding,
    not a repeat of the caption. ``data`` is the table behind the chart, shown on screen in
    a collapsed ``<details>`` (hidden in print). The SVG is embedded as a data URI image
    rather than inline: the page stays self-contained, and neither nbconvert nor WeasyPrint
    has to style thousands of SVG nodes as part of the HTML document (about 1 s faster).
    """
    report.figures += 1
    cap = report.t["figure_caption"].format(n=report.figures, caption=esc(caption))
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    details = ""
    if data is not None and not data.empty:
        summary = report.t["chart_data"].format(n=report.figures)
        details = (
            f"<details class='chart-data'><summary>{esc(summary)}</summary>"
            f"{scroller(html_table(data), summary)}</details>"
        )
    return Html(
        f"<figure class='figure-block'><img class='chart' alt='{esc(finding or caption)}' "
        f"src='data:image/svg+xml;base64,{encoded}'><figcaption><span class='caption'>{cap}"
        f"</span><span class='source'>{esc(report.source())}</span></figcaption></figure>"
        f"{details}"
    )


def paragraph(*sentences: str) -> Html:
    """Sentences (already built from escaped values) as one paragraph."""
    return Html("<p>" + " ".join(s for s in sentences if s) + "</p>")


# ----------------------------------------------------------------------------- sentences


def summary_sentences(report: Report) -> list[str]:
    """Three to five sentences summarising the report, every number from ``analysis``."""
    t, product, ref, region = report.t, report.product, report.ref, report.region
    h = analysis.headline(product, ref, region)
    if h.activities == 0 or h.first_year is None:
        return [t["summary_1_none"].format(scope=report.scope)]
    out = [
        t["summary_1"].format(
            first_year=h.first_year,
            last_year=h.last_year,
            activities=h.activities,
            activities_noun="activity" if h.activities == 1 else "activities",
            scope=report.scope,
            reached=h.states_reached,
            in_scope=h.states_in_scope,
        ),
        t["summary_2"].format(
            actual=chf_prose(h.actual_cents),
            estimated=chf_prose(h.estimated_cents),
            total=chf_prose(h.total_cents),
        ),
    ]
    lead = h.leaders
    if {"theme", "resolution_id", "implementor", "funder"} <= set(lead):
        out.append(
            t["summary_3"].format(
                theme=esc(lead["theme"].name),
                theme_share=percent(lead["theme"].share),
                resolution=esc(resolution_label(lead["resolution_id"].name, ref)),
                resolution_share=percent(lead["resolution_id"].share),
                implementor=esc(lead["implementor"].name),
                implementor_share=percent(lead["implementor"].share),
                funder=esc(lead["funder"].name),
                funder_share=percent(lead["funder"].share),
            )
        )
    out.append(coordination_sentence(report))
    gaps = analysis.unreached_states(product, ref, region)
    if gaps.empty:
        out.append(t["summary_5_none"])
    else:
        out.append(
            t["summary_5_gaps"].format(
                unreached=len(gaps), unreached_groups=int((gaps["groups"] != "").sum())
            )
        )
    return out


def references_text(report: Report) -> str:
    """The Resolutions covered, by body, with their latest revision, then the request."""
    ids = set(report.product.activity_resolutions["resolution_id"])
    ids &= set(
        analysis.scope_allocations(report.product, report.region)["resolution_id"].astype(str)
    )
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
    data = analysis.spend_with_basis(report.product, dimension, report.region, top=top)
    if dimension == "resolution_id":
        data[dimension] = data[dimension].map(lambda r: resolution_label(r, report.ref))
    out = _chf_columns(data, ["actual", "estimated", "total"])
    out["share"] = out["share"].map(percent)
    out.columns = [label, "Actual", "Estimated", "Total (actual + estimated)", "Share of total"]
    return table(report, out, f"Spend by {label.lower()}, CHF thousands")


def year_spend_table(report: Report, dimension: str, label: str) -> Html:
    """Spend by ``dimension`` and accounting year (CHF thousands), with actual and estimated."""
    data = analysis.year_table(report.product, dimension, report.region)
    out = data.reset_index()
    cols = [c for c in out.columns if c != dimension]
    out = _chf_columns(out, cols)
    out.columns = [label, *[str(c) for c in cols[:-3]], "Actual", "Estimated", "Total"]
    caption = f"Spend by {label.lower()} and year (actual and estimated), CHF thousands"
    return table(report, out, caption, wide=True)


def coordination_paragraph(report: Report) -> Html:
    """Joint HQ + Regional/Area Office work, as a measure of coordination."""
    return paragraph(coordination_sentence(report))


def coordination_sentence(report: Report) -> str:
    """``n of the m activities (x% of their spend in scope) are implemented jointly…``."""
    co = analysis.coordination(report.product, report.ref, report.region)
    share = co.joint_cents * 100 / co.total_cents if co.total_cents else 0.0
    return report.t["summary_4"].format(
        joint=co.joint_activities, activities=co.activities, joint_share=percent(share)
    )


def unreached_table(report: Report) -> Html:
    """Member States in scope with no activity naming them, LDC/LLDC/SIDS marked."""
    gaps = analysis.unreached_states(report.product, report.ref, report.region)
    gaps = gaps.sort_values(["groups", "name"], ascending=[False, True], key=None)
    out = gaps[["name", "region", "groups"]].rename(
        columns={"name": "Member State", "region": "Region", "groups": "LDC / LLDC / SIDS"}
    )
    return table(
        report,
        out,
        "Member States with no recorded activity (units: countries)",
        empty=report.t["summary_5_none"],
    )


def clauses_table(report: Report) -> Html:
    """Clauses that instruct BDT that no activity in scope cites (explicit citations only)."""
    data = analysis.uncovered_clauses(report.product, report.ref, report.region)
    report.numbers["clauses_table"] = report.tables + 1
    out = pd.DataFrame(
        {
            "Resolution": data["resolution_id"],
            "Clause (package catalogue, summary)": data["summary"],
            "Resolution cited by an activity": data["cited"].map({True: "yes", False: "no"}),
        }
    )
    return table(report, out, report.t["clauses_table_caption"])


def planned_only_paragraph(report: Report) -> Html:
    """Themes with spend only planned."""
    data = analysis.planned_only_themes(report.product, report.region)
    if data.empty:
        return paragraph(report.t["planned_only_none"])
    items = [f"{esc(r.theme)} ({chf_prose(r.estimated)})" for r in data.itertuples()]
    return paragraph(report.t["planned_only"].format(themes=join_names(items)))


def outputs_table(report: Report, dimension: str, label: str) -> Html:
    """Reported output indicators summed by country or by group."""
    data = analysis.outputs_by(report.product, dimension, report.region, report.ref)
    data = analysis.top_with_other(data, "indicator", dimension, "value", top=15)
    if dimension == "country_iso3":
        names = report.ref.country_name()
        data[dimension] = data[dimension].map(lambda c: names.get(c, c))
    data["value"] = data["value"].map(lambda v: group_thousands(round(v)))
    out = data.rename(columns={"indicator": "Indicator", dimension: label, "value": "Value"})
    return table(report, out, f"Reported outputs by {label.lower()} (units as reported)")


def partners_paragraph(report: Report) -> Html:
    """Where partners could focus: least-funded themes, unreached LDC/LLDC/SIDS, gaps."""
    t = report.t
    themes = analysis.spend_with_basis(report.product, "theme", report.region)
    all_themes = list(report.ref.themes["theme"])
    funded = dict(zip(themes["theme"], themes["total"], strict=True))
    low = sorted(all_themes, key=lambda th: (funded.get(th, 0), th))[:3]
    lows = [f"{esc(th)} ({chf_prose(funded.get(th, 0))})" for th in low]
    gaps = analysis.unreached_states(report.product, report.ref, report.region)
    vulnerable = gaps[gaps["groups"] != ""]
    sentences = [t["partners_1"].format(themes=join_names(lows))]
    if vulnerable.empty:
        sentences.append(t["partners_2_none"])
    else:
        names = [esc(n) for n in vulnerable["name"]]
        sentences.append(t["partners_2"].format(n=len(names), names=join_names(names)))
    clauses = analysis.uncovered_clauses(report.product, report.ref, report.region)
    if not clauses.empty:
        stated = analysis.clause_statements(report.product, report.region)
        sentences.append(
            t["partners_3"].format(
                n=len(clauses),
                table=report.numbers.get("clauses_table", ""),
                not_stated=stated.not_stated,
                activities=stated.activities,
            )
        )
    return paragraph(*sentences)


def funder_theme_table(report: Report) -> Html:
    """Which funders already support which themes (CHF thousands)."""
    data = analysis.funder_theme_matrix(report.product, report.region)
    if data.empty:
        return table(report, pd.DataFrame(), "Spend by funder and theme, CHF thousands")
    long = data.reset_index().melt(id_vars="funder", var_name="theme", value_name="cents")
    long = long[long["cents"] > 0].sort_values(["funder", "cents"], ascending=[True, False])
    out = long.groupby("funder", sort=True).apply(
        lambda g: "; ".join(f"{r.theme} ({chf_thousands(r.cents)})" for r in g.itertuples()),
        include_groups=False,
    )
    frame = out.reset_index()
    frame.columns = ["Funder", "Themes supported (CHF thousands)"]
    return table(report, frame, "Themes each funder supports, CHF thousands", wide=True)


def beneficiary_names(text: object, names: dict[str, str]) -> list[str]:
    """``KEN; UGA`` -> ``['Kenya', 'Uganda']``; ``Region: Africa`` and ``Global`` as written."""
    codes = [c.strip() for c in str(text or "").split(";") if c.strip()]
    return [names.get(c, c) for c in codes]


def mapping_frame(product: Product, ref: Reference, region: str | None = None) -> pd.DataFrame:
    """The Figure 1 mapping table: one row per resolution × activity, grouped by resolution.

    Expenditure is the share of the activity's spend allocated to that resolution (and, in a
    regional report, to that region), by funder, actual/estimated and staff/non-staff, in
    CHF; so the rows add up to the totals of the other tables.
    """
    rows = analysis.scope_allocations(product, region)
    acts = product.activities.set_index("activity_id").to_dict("index")
    names = ref.country_name()
    money = rows.groupby(
        ["resolution_id", "activity_id", "funder", "basis", "cost_type"], observed=True
    )["amount_cents"].sum()
    # Plain Python over one sorted aggregation (per-group pandas calls took about 1 s).
    out = []
    labels: dict[str, str] = {}  # one catalogue look-up per resolution, not per row
    for (rid, aid), items in itertools.groupby(sorted(money.items()), key=lambda m: m[0][:2]):
        if rid not in labels:
            labels[rid] = resolution_label(rid, ref)
        items = list(items)
        spend = []
        for funder, lines in itertools.groupby(items, key=lambda m: m[0][2]):
            parts = [
                f"{basis.lower()} {cost.lower()} {chf_prose(cents)}"
                for (_, _, _, basis, cost), cents in lines
            ]
            spend.append(f"{funder}: " + ", ".join(parts))
        act = acts[aid]
        places = beneficiary_names(act["beneficiaries"], names)
        out.append(
            {
                "Resolution": labels[rid],
                "Clause quoted": act["clause_quoted"] or "",
                "Theme": act["theme"],
                "Activity": f"{act['title']} ({aid}, {act['status']})",
                "Beneficiary countries": "; ".join(places),
                "Implementor(s)": _list_text(act["implementors"]),
                "Expenditure by funder (CHF)": "\n".join(spend),
                "Main outputs": act["outputs_text"] or "",
                "Envisaged outcomes": act["outcomes_text"] or "",
            }
        )
    return pd.DataFrame(out)


# The Excel annex's columns and what each holds (the About sheet lists them).
ANNEX_COLUMNS: dict[str, str] = {
    "Activity ID": "The activity's ID in its office's submission workbook.",
    "Activity": "The activity's title, as submitted.",
    "Status": "Completed, Ongoing or Planned.",
    "Theme": "The activity's theme (the package's theme list).",
    "Resolution ID": "The ITU Resolution this row is about (one row per activity and "
    "Resolution it cites), e.g. PP-130.",
    "Resolution": "The Resolution's name and latest revision, from the package's catalogue.",
    "Clause (catalogue reference)": "The catalogue clauses of this Resolution that the "
    "activity cites (its Clauses column); empty when the submission states none.",
    "Clause quoted": "The clause as quoted in the submission.",
    "Region(s)": "ITU regions this row's spend is attributed to (Global: worldwide).",
    "Beneficiary countries": "Member States named by the activity, or its region, as submitted.",
    "Implementor(s)": "Every implementor of the activity.",
    "Lead implementor": "The office leading the activity (the submission's Lead implementor; "
    "by default the implementor named first).",
    "Funder(s)": "Funders of this row's spend.",
    "Start": "Start date (a date cell).",
    "End": "End date (a date cell).",
    "Actual staff (CHF)": "Spend incurred on staff, allocated to this Resolution, in CHF.",
    "Actual non-staff (CHF)": "Spend incurred other than staff, in CHF.",
    "Estimated staff (CHF)": "Estimated staff spend (ongoing and planned work), in CHF.",
    "Estimated non-staff (CHF)": "Estimated spend other than staff, in CHF.",
    "Actual (CHF)": "Actual staff + actual non-staff, in CHF.",
    "Estimated (CHF)": "Estimated staff + estimated non-staff, in CHF.",
    "Total (CHF)": "Actual + estimated, in CHF (the two added together, as the header says).",
    "Main outputs": "Outputs as submitted (not audited).",
    "Envisaged outcomes": "Outcomes as submitted.",
}
ANNEX_YEAR_COLUMNS: dict[str, str] = {
    "Activity ID": "As on the Mapping sheet.",
    "Resolution ID": "As on the Mapping sheet.",
    "Region": "The ITU region the amount is attributed to (Global: worldwide).",
    "Country": "The beneficiary Member State (empty for regional or worldwide spend).",
    "Year": "The accounting year (a span of years is spread by the days in each year).",
    "Funder": "Who paid or will pay.",
    "Basis": "Actual (incurred) or Estimated (ongoing and planned work).",
    "Cost type": "Staff or Non-staff.",
    "Theme": "The activity's theme.",
    "CHF": "The amount in CHF, allocated to the cent; the rows add up to the Mapping "
    "sheet's totals.",
}


def annex_frames(product: Product, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Excel annex: the mapping (activity × resolution) and the allocations by year.

    Money columns are numbers in CHF (cents / 100, exact to the cent), so that analysts can
    sort, sum and pivot; the by-year sheet holds every allocation summed by activity,
    resolution, region, country, year, funder, basis and cost type.
    """
    alloc = product.allocations
    acts = product.activities.set_index("activity_id")
    names = ref.country_name()
    labels = {r: resolution_label(r, ref) for r in ref.resolutions["resolution_id"]}
    # Only the clauses an activity cites (its Clauses column); nothing inferred from wording.
    clause_of = (
        product.activity_clauses.groupby(["activity_id", "resolution_id"])["clause_ref"]
        .agg(lambda refs: "; ".join(sorted(refs)))
        .to_dict()
        if not product.activity_clauses.empty
        else {}
    )
    keys = ["activity_id", "resolution_id"]
    money = alloc.pivot_table(
        index=keys,
        columns=["basis", "cost_type"],
        values="amount_cents",
        aggfunc="sum",
        fill_value=0,
        observed=True,
    )

    def part(basis: str, cost: str) -> pd.Series:
        if (basis, cost) in money.columns:
            return money[(basis, cost)].astype("int64")
        return pd.Series(0, index=money.index, dtype="int64")

    frame = pd.DataFrame(index=money.index)
    frame["as_"] = part(analysis.ACTUAL, "Staff")
    frame["an_"] = part(analysis.ACTUAL, "Non-staff")
    frame["es_"] = part(analysis.ESTIMATED, "Staff")
    frame["en_"] = part(analysis.ESTIMATED, "Non-staff")
    regions = alloc.groupby(keys, observed=True)["region"].agg(
        lambda v: "; ".join(sorted({str(x) for x in v if str(x)}))
    )
    funders = alloc.groupby(keys, observed=True)["funder"].agg(
        lambda v: "; ".join(sorted({str(x) for x in v}))
    )
    out = []
    for (aid, rid), row in frame.sort_index().iterrows():
        act = acts.loc[aid]
        implementors = [p.strip() for p in str(act["implementors"] or "").split(";") if p.strip()]
        cents = [int(row[c]) for c in ("as_", "an_", "es_", "en_")]
        out.append(
            {
                "Activity ID": aid,
                "Activity": act["title"],
                "Status": act["status"],
                "Theme": act["theme"],
                "Resolution ID": rid,
                "Resolution": labels.get(rid, rid),
                "Clause (catalogue reference)": clause_of.get((aid, rid), ""),
                "Clause quoted": act["clause_quoted"] or "",
                "Region(s)": regions.get((aid, rid), ""),
                "Beneficiary countries": "; ".join(beneficiary_names(act["beneficiaries"], names)),
                "Implementor(s)": "; ".join(implementors),
                "Lead implementor": act.get("lead_implementor")
                or (implementors[0] if implementors else ""),
                "Funder(s)": funders.get((aid, rid), ""),
                "Start": act["start_date"] if pd.notna(act["start_date"]) else None,
                "End": act["end_date"] if pd.notna(act["end_date"]) else None,
                "Actual staff (CHF)": cents[0] / 100,
                "Actual non-staff (CHF)": cents[1] / 100,
                "Estimated staff (CHF)": cents[2] / 100,
                "Estimated non-staff (CHF)": cents[3] / 100,
                "Actual (CHF)": (cents[0] + cents[1]) / 100,
                "Estimated (CHF)": (cents[2] + cents[3]) / 100,
                "Total (CHF)": sum(cents) / 100,
                "Main outputs": month_text(act["outputs_text"]),
                "Envisaged outcomes": month_text(act["outcomes_text"]),
            }
        )
    mapping = pd.DataFrame(out, columns=list(ANNEX_COLUMNS))
    by = [
        "activity_id",
        "resolution_id",
        "region",
        "country_iso3",
        "year",
        "funder",
        "basis",
        "cost_type",
        "theme",
    ]
    years = (
        alloc.assign(country_iso3=alloc["country_iso3"].astype(object).fillna(""))
        .groupby(by, observed=True, dropna=False)["amount_cents"]
        .sum()
        .reset_index()
    )
    years = years[years["amount_cents"] != 0]
    by_year = pd.DataFrame(
        {
            "Activity ID": years["activity_id"].astype(str),
            "Resolution ID": years["resolution_id"].astype(str),
            "Region": years["region"].astype(str),
            "Country": [names.get(c, c) for c in years["country_iso3"].astype(str)],
            "Year": years["year"].astype(int),
            "Funder": years["funder"].astype(str),
            "Basis": years["basis"].astype(str),
            "Cost type": years["cost_type"].astype(str),
            "Theme": years["theme"].astype(str),
            "CHF": years["amount_cents"].astype("int64") / 100,
        }
    ).reset_index(drop=True)
    return mapping, by_year


def _list_text(value: object) -> str:
    """A stored ``a;b`` or ``a; b`` list as ``a; b`` (one space after each semicolon)."""
    return "; ".join(p.strip() for p in str(value or "").split(";") if p.strip())


_AS_OF_MONTH = re.compile(r"\b(As of|as of)\s+(0?[1-9]|1[0-2])[ /.-]((?:19|20)\d\d)\b")


def month_text(text: object) -> str:
    """Workbook text with ``As of 12 2019`` written ``As of December 2019``.

    Only the contract's "As of MM YYYY" form is rewritten; other numbers stay as written.
    """
    return _AS_OF_MONTH.sub(
        lambda m: f"{m.group(1)} {dt.date(2000, int(m.group(2)), 1):%B} {m.group(3)}",
        str(text or ""),
    )


def month_year(day: object) -> str:
    """``December 2019`` from a date (``''`` when missing)."""
    if day is None or pd.isna(day):
        return ""
    return f"{pd.Timestamp(day):%B %Y}"


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
    rows = analysis.scope_allocations(product, report.region)
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
    titles = dict(zip(ref.resolutions["resolution_id"], ref.resolutions["title"], strict=True))
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
    report.tables += 1
    head = t["table_caption"].format(n=report.tables, caption=esc(t["annex_caption"]))
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
            actual = spend_words(records[aid], analysis.ACTUAL)
            estimated = spend_words(records[aid], analysis.ESTIMATED)
            body.append(
                f"<tr><td>{first}</td><td>{clause_cell}</td>"
                f"<td>{esc('; '.join(places))}</td>"
                f"<td>{esc(_list_text(act['implementors']))}</td>"
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
                "Implementor(s)",
                "Actual, CHF thousands",
                "Estimated, CHF thousands",
                "Main outputs and envisaged outcomes",
            )
        )
        table_html = scroller(
            f"<table class='data mapping'><caption>{head}</caption><thead><tr>{headers}</tr>"
            "</thead><tbody>" + "".join(body) + "</tbody></table>",
            t["table_caption"].format(n=report.tables, caption=t["annex_caption"]),
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
        actual = sum(c for a in ids for _, b, _, c in records[a] if b == analysis.ACTUAL)
        estimated = sum(c for a in ids for _, b, _, c in records[a] if b == analysis.ESTIMATED)
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
                activities=len(records), annex="annex_mapping_table.xlsx"
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
    q = analysis.quarantine_by_workbook(product)
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
    blocks.append(
        paragraph(
            t["reconciliation"].format(
                read=chf_exact(cents["read"]),
                processed=chf_exact(cents["processed"]),
                quarantined=chf_exact(cents["quarantined"]),
                unreadable=product.manifest.get("rows_amount_unreadable", 0),
            ),
            unconverted_sentence(report),
            f"{percent(analysis.estimated_share(product, report.region))} of the recorded "
            "spend in scope is estimated rather than actual.",
        )
    )
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
        table(report, wide, "Exchange rates used, CHF per unit (ILLUSTRATIVE approximations)")
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
    return blocks


# ----------------------------------------------------------------------------- figures


def year_overview_table(report: Report) -> Html:
    """Spend per accounting year, actual and estimated (CHF thousands), with activities."""
    data = analysis.spend_with_basis(report.product, "year", report.region)
    data = data.sort_values("year").drop(columns="share")
    out = _chf_columns(data, ["actual", "estimated", "total"])
    out["year"] = out["year"].astype(str)
    out.columns = ["Year", "Actual", "Estimated", "Total (actual + estimated)"]
    return table(report, out, "Spend by accounting year, CHF thousands")


def bars_finding(data: pd.DataFrame, dimension: str, t: dict[str, str]) -> str:
    """The main finding of a bar chart of :func:`analysis.spend_with_basis` (its alt text).

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
    out.columns = [label, "Actual", "Estimated", "Total (actual + estimated)", "Share of total"]
    return out.astype({label: str})


def year_figure(report: Report) -> Html:
    """Columns of actual and estimated spend per year, in time order."""
    from cyber_mapping import plotting

    data = analysis.spend_with_basis(report.product, "year", report.region)
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
    from cyber_mapping import plotting

    data = analysis.spend_with_basis(report.product, dimension, report.region, top=top)
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
    from cyber_mapping import plotting

    data = analysis.year_table(report.product, "resolution_id", report.region)
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
    from cyber_mapping import plotting

    spend = analysis.coverage_matrix(report.product, report.ref, rows, "spend")
    counts = analysis.coverage_matrix(report.product, report.ref, rows, "activities")
    if spend.empty:  # no spend anywhere: a heat map of nothing would say nothing
        return paragraph(esc(report.t["no_data"]))
    label = "Resolution" if rows == "resolution_id" else "Theme"
    svg = plotting.heatmap(spend, counts, report.region)
    own = report.t["heatmap_own"].format(region=report.region) if report.region else ""
    data = (
        spend.map(chf_thousands).astype(str)
        + " ("
        + counts.reindex(index=spend.index, columns=spend.columns, fill_value=0).astype(str)
        + ")"
    )
    data = data.reset_index().rename(columns={rows: label})
    return figure(
        report,
        svg,
        f"{label} by ITU region (all regions, for comparison{own}): spend in CHF thousands "
        "(colour and first number) and number of activities (in brackets)",
        finding=heatmap_finding(spend, counts, report.t),
        data=data,
    )


def tile_figure(report: Report) -> Html:
    """Tile map of spend attributed to each beneficiary Member State."""
    from cyber_mapping import plotting

    spend = analysis.country_spend(report.product, report.region)
    grid = report.ref.tile_grid
    if report.region:
        grid = grid[grid["region"] == report.region]
    svg = plotting.tile_map(spend, report.ref.tile_grid, report.region)
    names = report.ref.country_name()
    shown = spend[spend["country_iso3"].isin(set(grid["iso3"]))]
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
        finding=tile_finding(spend, grid, names, report.t),
        data=data,
    )


def reference_caveats(report: Report) -> Html:
    """Versions and caveats of the reference data used."""
    return paragraph(esc(report.t["reference_caveats"].format(version=report.ref.version())))
