"""Reusable blocks of a report: tables, figures, captions and paragraphs as HTML.

Blocks are returned as :class:`Html` objects, which Jupyter displays; all text from the
workbooks is escaped.
"""

from __future__ import annotations

import base64
import html
import re

import pandas as pd

from cyber_mapping.money import chf_thousands
from cyber_mapping.report.context import Report


class Html(str):
    """An HTML fragment that Jupyter displays as HTML (and that is still a ``str``)."""

    def _repr_html_(self) -> str:
        return str(self)


class Block(Html):
    """A report block: displays as the report's HTML and carries its numbers as ``.data``.

    ``data`` is the DataFrame behind the block (empty for a paragraph), ``number`` the
    table or figure number (``None`` if unnumbered) and ``key`` its numbering key, so that
    an analyst can inspect or export the numbers behind any table or figure.
    """

    data: pd.DataFrame
    number: int | None
    key: str

    def __new__(
        cls,
        text: str,
        data: pd.DataFrame | None = None,
        number: int | None = None,
        key: str = "",
    ) -> Block:
        """Build the block from its HTML text and the numbers behind it."""
        obj = super().__new__(cls, text)
        obj.data = data if data is not None else pd.DataFrame()
        obj.number = number
        obj.key = key
        return obj


def esc(value: object) -> str:
    """Escape workbook text for HTML (``<script>`` shows as text)."""
    return html.escape("" if value is None else str(value))


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
    report: Report,
    frame: pd.DataFrame,
    caption: str,
    *,
    wide: bool = False,
    empty: str = "",
    key: str = "",
    data: pd.DataFrame | None = None,
    note: str = "",
    source: str = "",
) -> Block:
    """A numbered table: caption above (a real ``<caption>``), the table, the Source line.

    ``empty`` is what to say when there is no row (default: "No data in scope."). ``wide``
    tables (many columns) are set in a smaller font; on screen every table scrolls sideways
    inside its own box rather than widening the page. ``key`` names the table for its
    number (default: the caption); ``data`` is the DataFrame of numbers behind it (default:
    ``frame`` as shown); ``note`` (HTML, escaped) is printed under the table; ``source``
    replaces the default Source line (e.g. for reference data rather than submissions).
    """
    n = report.number("table", key or caption)
    head = report.t["table_caption"].format(n=n, caption=esc(caption))
    label = report.t["table_caption"].format(n=n, caption=caption)
    if frame.empty:
        none = esc(empty or report.t["no_data"])
        body = f"<p class='caption'>{head}</p><p class='no-data'>{none}</p>"
    else:
        body = scroller(html_table(frame, head, "data wide" if wide else "data"), label)
    # Short tables keep together (so their caption never sits alone at a page's foot);
    # longer ones run on, their header row repeated.
    keep = " keep" if len(frame) <= KEEP_ROWS else ""
    report.sources[("table", n)] = (caption, source or report.source())
    noted = f"<p class='note'>{note}</p>" if note else ""
    return Block(
        f"<div class='table-block{keep}'>{body}{noted}"
        f"<p class='source'>{esc(source or report.source())}</p></div>",
        data=frame if data is None else data,
        number=n,
        key=key or caption,
    )


def figure(
    report: Report,
    svg: str,
    caption: str,
    *,
    finding: str = "",
    data: pd.DataFrame | None = None,
    key: str = "",
) -> Block:
    """A numbered figure: the SVG, the caption below, then the Source line.

    ``finding`` (plain text) is the image's alternative text: the chart's main finding,
    not a repeat of the caption. ``data`` is the table behind the chart, shown on screen in
    a collapsed ``<details>`` (hidden in print). The SVG is embedded as a data URI image
    rather than inline: the page stays self-contained, and neither nbconvert nor WeasyPrint
    has to style thousands of SVG nodes as part of the HTML document (about 1 s faster).
    ``key`` names the figure for its number (default: the caption).
    """
    n = report.number("figure", key or caption)
    cap = report.t["figure_caption"].format(n=n, caption=esc(caption))
    report.sources[("figure", n)] = (caption, report.source())
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    details = ""
    if data is not None and not data.empty:
        summary = report.t["chart_data"].format(n=n)
        details = (
            f"<details class='chart-data'><summary>{esc(summary)}</summary>"
            f"{scroller(html_table(data), summary)}</details>"
        )
    return Block(
        f"<figure class='figure-block'><img class='chart' alt='{esc(finding or caption)}' "
        f"src='data:image/svg+xml;base64,{encoded}'><figcaption><span class='caption'>{cap}"
        f"</span><span class='source'>{esc(report.source())}</span></figcaption></figure>"
        f"{details}",
        data=data,
        number=n,
        key=key or caption,
    )


def paragraph(*sentences: str, data: pd.DataFrame | None = None) -> Block:
    """Sentences (already built from escaped values) as one paragraph.

    ``data`` is the DataFrame the sentences were computed from, if any.
    """
    return Block("<p>" + " ".join(s for s in sentences if s) + "</p>", data=data)


def chf_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` with the cents of ``columns`` as CHF thousands (table cells)."""
    out = frame.copy()
    for c in columns:
        out[c] = out[c].map(chf_thousands)
    return out
