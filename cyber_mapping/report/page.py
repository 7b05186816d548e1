"""The web page of an executed report notebook: self-contained HTML, navigation, print CSS."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from cyber_mapping.paths import PACKAGE_DIR

CSS_PATH = PACKAGE_DIR / "templates" / "report.css"


def css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string that cannot leave the string or the ``<style>``.

    Every character but letters, digits, spaces and plain punctuation becomes a six-digit
    CSS escape (``<`` is ``\00003c``), so operator text such as
    ``Doc"; } </style><script>`` stays text in the running header: no CSS, no HTML.
    """
    plain = " .,:;-–—_()/'+&#!?%*="
    return (
        '"'
        # The space ends the escape and is consumed with it (CSS Syntax 4.3.7).
        + "".join(ch if ch.isalnum() or ch in plain else f"\\{ord(ch):06x} " for ch in text)
        + '"'
    )


def page_css(title: str, document: str) -> str:
    """The per-report running header (document number and title, from page 2) for WeasyPrint.

    No data version or hash: provenance is given once, in Annex 2.
    """
    head = f"{document} – {title}" if document else title
    return (
        "@page { @top-left { content: " + css_string(head[:110]) + "; } }\n"
        "@page :first { @top-left { content: none; } }\n"
    )


@functools.cache
def html_exporter() -> object:
    """The HTML exporter, configured once per process.

    Building it (templates, Jinja environment) costs more than exporting a report with it,
    and it keeps no state between documents.
    """
    # nbconvert only where pages are exported (the workers); the driver needs none.
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


# A section heading: its id and its text, up to its anchor link or the end of the heading
# (a heading written by a block has no anchor link; the text must never run past </h2>).
_H2 = re.compile(r"<h2 id=[\"']([^\"']+)[\"']>(.*?)(?:<a class=[\"']anchor-link[\"']|</h2>)", re.S)


def navigation(body: str, name: str, links: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """The screen navigation of a report: index and other reports, then a table of contents.

    ``body`` is the exported notebook (its ``h2`` headings become the contents list);
    ``links`` are ``(label, html file)`` of every report of the run (this one, ``name``,
    is shown as the current page). Print hides both (the PDF has its page numbers).
    """
    items = ["<a href='index.html'>All reports</a>"]
    for label, target in links:
        if Path(target).stem == name:
            items.append(
                f"<a href='{html.escape(target)}' aria-current='page'><b>"
                f"{html.escape(label)}</b></a>"
            )
        else:
            items.append(f"<a href='{html.escape(target)}'>{html.escape(label)}</a>")
    bar = f"<nav class='doc-nav' aria-label='Reports'>{''.join(items)}</nav>"
    entries = "".join(
        f"<li><a href='#{anchor}'>{text.strip()}</a></li>" for anchor, text in _H2.findall(body)
    )
    toc = (
        f"<nav class='toc' aria-labelledby='toc-title'><h2 id='toc-title'>Contents</h2>"
        f"<ul>{entries}</ul></nav>"
        if entries
        else ""
    )
    return bar, toc


def notebook_html(
    nb: object,
    title: str,
    document: str,
    name: str = "",
    links: tuple[tuple[str, str], ...] = (),
) -> str:
    """A self-contained HTML page of an executed notebook, code hidden, print styles inlined.

    Readable on a phone (viewport meta; wide tables scroll inside their own box), with a
    navigation bar to the index and the other reports and a table of contents placed after
    the cover block.
    """
    # Warnings printed by the kernel are for the analyst, not the delegates.
    for cell in nb.cells:  # type: ignore[attr-defined]
        if cell.get("outputs"):
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    body, _ = html_exporter().from_notebook_node(nb)
    bar, toc = navigation(body, name, links)
    # The contents list goes before the first numbered section (after the cover block).
    first = _H2.search(body)
    if first:
        cut = body.rfind('<div class="cell', 0, first.start())
        cut = cut if cut >= 0 else first.start()
        body = body[:cut] + toc + body[cut:]
    css = CSS_PATH.read_text(encoding="utf-8") + page_css(title, document)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{css}</style></head>"
        f"<body><main class='report'>{bar}{body}</main><hr class='end-rule'></body></html>\n"
    )
