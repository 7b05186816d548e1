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


def html_table(frame: pd.DataFrame) -> str:
    """An escaped HTML table; columns holding only numbers are right-aligned."""
    cells = frame.astype(object).where(frame.notna(), "").astype(str)
    numeric = [
        len(cells) > 0 and bool(cells[c].map(lambda v: v == "" or bool(_NUMBER.match(v))).all())
        for c in cells.columns
    ]
    head = "".join(
        f"<th{' class=num' if num else ''}>{esc(c)}</th>"
        for c, num in zip(cells.columns, numeric, strict=True)
    )
    rows = []
    for values in cells.itertuples(index=False):
        tds = "".join(
            f"<td{' class=num' if num else ''}>{esc(v)}</td>"
            for v, num in zip(values, numeric, strict=True)
        )
        rows.append(f"<tr>{tds}</tr>")
    return (
        f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def table(
    report: Report, frame: pd.DataFrame, caption: str, *, wide: bool = False, empty: str = ""
) -> Html:
    """A numbered table: caption above, the (escaped) table, the Source line below.

    ``empty`` is what to say when there is no row (default: "No data in scope.").
    """
    report.tables += 1
    head = report.t["table_caption"].format(n=report.tables, caption=esc(caption))
    if frame.empty:
        body = f"<p class='no-data'>{esc(empty or report.t['no_data'])}</p>"
    else:
        body = html_table(frame)
    cls = "table-block wide" if wide else "table-block"
    return Html(
        f"<div class='{cls}'><p class='caption'>{head}</p>{body}"
        f"<p class='source'>{esc(report.source())}</p></div>"
    )


def figure(report: Report, svg: str, caption: str) -> Html:
    """A numbered figure: the SVG, the caption below, then the Source line.

    The SVG is embedded as a data URI image rather than inline: the page stays
    self-contained, and neither nbconvert nor WeasyPrint has to style thousands of SVG
    nodes as part of the HTML document (measured about 1 s faster per report).
    """
    report.figures += 1
    cap = report.t["figure_caption"].format(n=report.figures, caption=esc(caption))
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Html(
        f"<div class='figure-block'><img class='chart' alt='{esc(caption)}' "
        f"src='data:image/svg+xml;base64,{data}'><p class='caption'>{cap}</p>"
        f"<p class='source'>{esc(report.source())}</p></div>"
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
    """Clauses that instruct BDT with no matching activity in scope."""
    data = analysis.uncovered_clauses(report.product, report.ref, report.region)
    report.numbers["clauses_table"] = report.tables + 1
    out = pd.DataFrame(
        {
            "Resolution": data["resolution_id"],
            "Clause (package catalogue, summary)": data["summary"],
            "Resolution cited by an activity": data["cited"].map({True: "yes", False: "no"}),
        }
    )
    return table(report, out, "Clauses instructing BDT with no matching activity (units: clauses)")


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
        sentences.append(
            t["partners_3"].format(n=len(clauses), table=report.numbers.get("clauses_table", ""))
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


def _list_text(value: object) -> str:
    """A stored ``a;b`` or ``a; b`` list as ``a; b`` (one space after each semicolon)."""
    return "; ".join(p.strip() for p in str(value or "").split(";") if p.strip())


def _clip(text: object, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _spend_lines(records: list[tuple[str, str, str, int]]) -> list[str]:
    """``Funder: actual 12.3 [N 7.3 / S 5.0]; estimated 4.0 [N 4.0]`` (CHF thousands).

    ``records`` are one activity's ``(funder, basis, cost type, cents)``, sorted.
    """
    lines = []
    for funder, items in itertools.groupby(records, key=lambda r: r[0]):
        items = list(items)
        parts = []
        for basis in (analysis.ACTUAL, analysis.ESTIMATED):
            costs = [(cost, cents) for _, b, cost, cents in items if b == basis]
            if not costs:
                continue
            split = " / ".join(
                f"{'S' if cost == 'Staff' else 'N'} {chf_thousands(c)}" for cost, c in costs
            )
            total = sum(c for _, c in costs)
            parts.append(f"{basis.lower()} {chf_thousands(total)} [{split}]")
        lines.append(f"{funder}: " + "; ".join(parts))
    return lines


def mapping_table(report: Report) -> Html:
    """Annex: the mapping table in Figure 1's form, grouped by resolution, landscape pages.

    Each activity in scope appears once, under the first resolution it cites (the others are
    named in its row), with its spend in scope by funder, actual/estimated and staff (S) /
    non-staff (N), in CHF thousands. Long texts are shortened; the Excel annex has them in
    full, one row per resolution and activity.
    """
    product, ref = report.product, report.ref
    rows = analysis.scope_allocations(product, report.region)
    acts = product.activities.set_index("activity_id").to_dict("index")
    names = ref.country_name()
    links = product.activity_resolutions.sort_values(["activity_id", "position"])
    primary = links.groupby("activity_id")["resolution_id"].first()
    cited = links.groupby("activity_id")["resolution_id"].agg(list)
    report.tables += 1
    head = report.t["table_caption"].format(
        n=report.tables,
        caption="Mapping of activities to Resolutions (Figure 1 form): each activity under the "
        "first resolution it cites; expenditure in CHF thousands, S = staff, N = non-staff",
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
    body = []
    for rid in sorted(by_resolution):
        body.append(
            f"<tr class='group'><td colspan='5'><b>{esc(resolution_label(rid, ref))}</b> – "
            f"{esc(titles.get(rid, ''))}</td></tr>"
        )
        for aid in by_resolution[rid]:
            act = acts[aid]
            places = beneficiary_names(act["beneficiaries"], names)
            if len(places) > 6:
                places = [*places[:5], f"and {len(places) - 5} more"]
            others = [r for r in cited.get(aid, []) if r != rid]
            clause = _clip(act["clause_quoted"], 80)
            first = f"{_clip(act['title'], 70)} ({aid}, {act['status']}; {act['theme']})"
            extra = "; ".join(
                x for x in (f"also {', '.join(others)}" if others else "", clause) if x
            )
            results = " ".join(
                x for x in (_clip(act["outputs_text"], 90), _clip(act["outcomes_text"], 90)) if x
            )
            body.append(
                f"<tr><td>{esc(first)}{'<br>' + esc(extra) if extra else ''}</td>"
                f"<td>{esc('; '.join(places))}</td>"
                f"<td>{esc(_list_text(act['implementors']))}</td>"
                f"<td>{'<br>'.join(esc(x) for x in _spend_lines(records[aid]))}</td>"
                f"<td>{esc(results)}</td></tr>"
            )
    if not body:
        table_html = f"<p class='no-data'>{esc(report.t['no_data'])}</p>"
    else:
        table_html = (
            "<table class='data mapping'><thead><tr><th>Activity (ID, status; theme); other "
            "resolutions; clause quoted</th><th>Beneficiary countries</th><th>Implementor(s)"
            "</th><th>Expenditure by funder (CHF thousands)</th><th>Main outputs and "
            "envisaged outcomes</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
        )
    return Html(
        f"<div class='table-block wide'><p class='caption'>{esc(head)}</p>{table_html}"
        f"<p class='source'>{esc(report.source())}</p></div>"
    )


# ----------------------------------------------------------------------------- annex 2


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


def year_figure(report: Report) -> Html:
    """Bars of actual and estimated spend per year."""
    from cyber_mapping import plotting

    data = analysis.spend_with_basis(report.product, "year", report.region)
    data = data.sort_values("year", ascending=False)
    svg = plotting.stacked_bars(data, "year", "Spend per accounting year")
    units = plotting.bars_units(data)
    return figure(report, svg, f"Spend per accounting year, actual and estimated, {units}")


def spend_figure(report: Report, dimension: str, label: str, top: int = 12) -> Html:
    """Bars of actual and estimated spend by one dimension (largest first)."""
    from cyber_mapping import plotting

    data = analysis.spend_with_basis(report.product, dimension, report.region, top=top)
    svg = plotting.stacked_bars(data, dimension, f"Spend by {label.lower()}")
    units = plotting.bars_units(data)
    return figure(report, svg, f"Spend by {label.lower()}, actual and estimated, {units}")


def resolution_year_figure(report: Report) -> Html:
    """Lines of spend per year for the leading resolutions."""
    from cyber_mapping import plotting

    first, last = report.product.manifest["parameters"]["mapping_period"]
    data = analysis.year_table(report.product, "resolution_id", report.region, (first, last))
    svg = plotting.year_lines(data, "Spend per year, leading resolutions")
    units = plotting.lines_units(data)
    return figure(report, svg, f"Spend per year by resolution (actual and estimated), {units}")


def heatmap_figure(report: Report, rows: str) -> Html:
    """Resolution or theme × region: spend (colour, CHF thousands) and activity counts."""
    from cyber_mapping import plotting

    spend = analysis.coverage_matrix(report.product, report.ref, rows, "spend")
    counts = analysis.coverage_matrix(report.product, report.ref, rows, "activities")
    label = "Resolution" if rows == "resolution_id" else "Theme"
    svg = plotting.heatmap(spend, counts, f"{label} × ITU region")
    return figure(
        report,
        svg,
        f"{label} by ITU region (all regions, for comparison): spend in CHF thousands (colour "
        "and first number) and number of activities (in brackets)",
    )


def tile_figure(report: Report) -> Html:
    """Tile map of spend attributed to each beneficiary Member State."""
    from cyber_mapping import plotting

    spend = analysis.country_spend(report.product, report.region)
    where = report.region or "all regions"
    svg = plotting.tile_map(
        spend, report.ref.tile_grid, f"Spend by beneficiary Member State, {where}", report.region
    )
    return figure(
        report,
        svg,
        "Spend attributed to each Member State (one tile each, in regional blocks, not a "
        "geographic map), CHF thousands",
    )


def reference_caveats(report: Report) -> Html:
    """Versions and caveats of the reference data used."""
    return paragraph(esc(report.t["reference_caveats"].format(version=report.ref.version())))
