"""Rendering under hostile operator text, damaged outputs and repeated runs."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from cyber_mapping.report import jobs, page, rendering, state, worker
from tests.test_rendering import PARAMS, _cell, _notebook

HOSTILE = 'Doc"; } </style><script>alert(5)</script> @import url(http://x/) \\'


def _header_strings(css: str) -> list[str]:
    """The string values of the running header's ``content`` declarations, as CSS reads them."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        stack = list(rule.content or [])
        while stack:
            token = stack.pop(0)
            if token.type == "string":
                found.append(token.value)
            stack.extend(getattr(token, "content", None) or [])
    return found


def test_operator_text_stays_a_css_string():
    css = page.page_css("Title", HOSTILE)
    assert "</style" not in css.lower() and "<script" not in css.lower()
    assert f"{HOSTILE} – Title"[:110] in _header_strings(css)
    # Provenance once, in Annex 2: no data version in the running header.
    assert not any("version" in text.lower() for text in _header_strings(css))


def test_operator_text_cannot_leave_the_style_element(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Body text")])
    text = page.notebook_html(nb, "Title", HOSTILE)
    assert text.lower().count("</style>") == 1 and text.lower().count("<style>") == 1
    assert "<script" not in text.lower()


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Counter.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_printing_fetches_no_url_but_the_reports_own_files(tmp_path, server):
    from weasyprint import HTML

    outside = tmp_path / "outside.css"
    outside.write_text("body { color: blue }")
    report = tmp_path / "reports"
    report.mkdir()
    (report / "own.css").write_text("p { color: green }")
    page = (
        f"<html><head><link rel='stylesheet' href='{server}/linked.css'>"
        f"<link rel='stylesheet' href='{outside.as_uri()}'>"
        "<link rel='stylesheet' href='own.css'>"
        f"<style>@import url({server}/imported.css); "
        f"p {{ background: url({server}/bg.png) }}</style></head>"
        f"<body><p>text</p><img src='{server}/img.png'></body></html>"
    )
    fetcher = worker.local_url_fetcher(report)
    HTML(string=page, base_url=str(report), url_fetcher=fetcher).write_pdf(tmp_path / "x.pdf")
    assert _Counter.hits == []  # the network was never asked
    # Without the fetcher the same page does reach the server (the test can see a fetch).
    HTML(string=page, base_url=str(report)).write_pdf(tmp_path / "y.pdf")
    assert _Counter.hits
    refused = []
    for url in (f"{server}/a", outside.as_uri(), "ftp://x/y", (report / "own.css").as_uri()):
        try:
            fetcher.fetch(url) if hasattr(fetcher, "fetch") else fetcher(url)
        except ValueError:
            refused.append(url)
    assert refused == [f"{server}/a", outside.as_uri(), "ftp://x/y"]


@pytest.fixture
def light(tmp_path):
    """A one-cell template: renders in a few seconds, with papermill's injected cell."""
    return _notebook(
        tmp_path,
        [
            _cell(PARAMS + '\ndocument = ""', ["parameters"]),
            _cell("print('report for', repr(region))"),
        ],
    )


@pytest.mark.slow
def test_damaged_outputs_are_rendered_again(tmp_path, small_product_dir, light):
    out = tmp_path / "out"

    def render():
        return rendering.render(
            ["CIS", "Europe"],
            processed_dir=small_product_dir,
            out_dir=out,
            template=light,
            parameters={"document": HOSTILE},
            progress=False,
        )

    first = render()
    assert not first.failed, first.text()
    page = (out / "report_cis.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and page.lower().count("</style>") == 1
    good_pdf = (out / "report_cis.pdf").read_bytes()
    # What the issue did: truncate a PDF, empty an HTML; and damage the annex.
    with (out / "report_cis.pdf").open("r+b") as handle:
        handle.truncate(len(good_pdf) // 2)
    (out / "report_europe.html").write_text("")
    (out / jobs.ANNEX_NAME).write_bytes(b"")
    second = render()
    assert [o.skipped for o in second.outcomes] == [False, False], second.text()
    assert (out / "report_cis.pdf").read_bytes() == good_pdf
    assert (out / "report_europe.html").stat().st_size > 1000
    assert (out / jobs.ANNEX_NAME).stat().st_size > 1000
    # Same size, other bytes: the hash catches it.
    html = (out / "report_cis.html").read_bytes()
    (out / "report_cis.html").write_bytes(html.replace(b"report for", b"REPORT FOR"))
    third = render()
    assert [o.skipped for o in third.outcomes] == [False, True]
    # Nothing is left under a temporary name.
    assert not [p.name for p in out.iterdir() if ".tmp" in p.name]
    recorded = json.loads((out / state.STATE_FILE).read_text())
    assert recorded["report_cis"]["outputs"]["report_cis.pdf"]["size"] == len(good_pdf)
    assert set(recorded["_annex_outputs"]) == {jobs.ANNEX_NAME}
    # A damaged render state trusts nothing.
    (out / state.STATE_FILE).write_text('{"report_cis": ')
    assert not any(o.skipped for o in render().outcomes)


# Metadata that records when and how long a run took: the documented differences.
_TIMING = ("start_time", "end_time", "duration", "execution")


def _without_timing(value):
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if k not in _TIMING}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


@pytest.mark.slow
def test_two_forced_runs_give_identical_files(tmp_path, small_product_dir, light):
    out = tmp_path / "out"
    files = {}
    for run in ("a", "b"):
        summary = rendering.render(
            ["CIS"],
            processed_dir=small_product_dir,
            out_dir=out,
            template=light,
            force=True,
            progress=False,
        )
        assert not summary.failed, summary.text()
        files[run] = {
            name: (out / name).read_bytes()
            for name in ("report_cis.html", "report_cis.pdf", "report_cis.ipynb")
        }
    assert files["a"]["report_cis.html"] == files["b"]["report_cis.html"]
    assert files["a"]["report_cis.pdf"] == files["b"]["report_cis.pdf"]
    notebooks = [json.loads(files[r]["report_cis.ipynb"]) for r in "ab"]
    assert _without_timing(notebooks[0]) == _without_timing(notebooks[1])
    ids = [c["id"] for c in notebooks[0]["cells"]]
    assert len(set(ids)) == len(ids)
    assert any(i.startswith("cell-1-") for i in ids)  # papermill's injected cell


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_operator_text_reads_back_as_itself(text):
    # Whatever an operator types, CSS reads back exactly that text, and the <style>
    # element cannot be closed from inside it.
    css = page.page_css("T", text)
    assert "<" not in css
    head = f"{text} – T" if text else "T"
    expected = head[:110].replace("\0", "\ufffd")  # CSS reads NUL as U+FFFD
    assert _header_strings(css)[0] == expected
