"""The reports as delegates see them: pages that fill, and the HTML in a real browser.

Renders the overall and the Africa report of the bundled sample (what `make reports`
gives), then measures the PDF pages as WeasyPrint laid them out and opens the HTML in
headless Chromium (Debian's, driven by Playwright) with axe-core. Without Chromium the
browser tests are skipped with a message, except under CI, where `.ci/run` installs it
and its absence is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from cyber_mapping.product.build import build
from cyber_mapping.report import jobs, rendering
from tests.conftest import generated_sample

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = ("index.html", "report_overall.html", "report_africa.html")
# A page is "more than 40% empty" when its content ends above 60% of its text area.
MIN_FILL = 0.60
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory):
    work = tmp_path_factory.mktemp("sample")
    build(generated_sample(), work / "processed")
    summary = rendering.render(
        ["overall", "Africa"],
        processed_dir=work / "processed",
        out_dir=work / "reports",
        progress=False,
    )
    assert not summary.failed, summary.text()
    return work / "reports"


def _walk(box, ancestors=()):
    """Every layout box under ``box`` with the tags of its ancestors (margin boxes skipped)."""
    if type(box).__name__ == "MarginBox":
        return
    yield box, ancestors
    tag = getattr(box, "element_tag", None)
    ids = ancestors + ((tag, box.element.get("id", "") if box.element is not None else ""),)
    for child in getattr(box, "all_children", list)():
        yield from _walk(child, ids)


def page_layout(html_path: Path) -> list[dict]:
    """Per page: its fill (content height / text area height), size, and what it starts with.

    Content is every line and image box; ``starts_section`` is true when the page's first
    content is an ``h2`` heading (so the page before it is its section's last).
    """
    from weasyprint import HTML

    pages = []
    for page in HTML(filename=str(html_path)).render().pages:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        bottom, first = top, None
        for child, ancestors in _walk(box):
            name = type(child).__name__
            if name == "LineBox" or name.endswith("ReplacedBox"):
                bottom = max(bottom, child.position_y + child.margin_height())
                if first is None:
                    first = ancestors
        starts = any(tag == "h2" and ident for tag, ident in (first or ()))
        pages.append(
            {
                "fill": (bottom - top) / height,
                "landscape": page.width > page.height,
                "starts_section": starts,
                "annex_1": any("Annex-1" in ident for _, ident in (first or ())),
            }
        )
    return pages


@pytest.mark.parametrize("name", ["report_overall", "report_africa"])
def test_no_page_but_a_sections_last_is_more_than_40_percent_empty(sample_reports, name):
    pages = page_layout(sample_reports / f"{name}.html")
    empty = [
        i + 1
        for i, page in enumerate(pages[:-1])  # the last page ends the document
        if page["fill"] < MIN_FILL and not pages[i + 1]["starts_section"]
    ]
    assert not empty, f"{name}: pages {empty} are more than 40% empty"


@pytest.mark.parametrize("name", ["report_overall", "report_africa"])
def test_portrait_throughout_except_the_mapping_annex(sample_reports, name):
    pages = page_layout(sample_reports / f"{name}.html")
    flags = [p["landscape"] for p in pages]
    changes = sum(a != b for a, b in zip(flags, flags[1:]))
    assert changes <= 2, f"{name}: orientation changes {changes} times"
    if any(flags):  # one landscape run, and it starts with Annex 1's heading
        first = flags.index(True)
        assert pages[first]["annex_1"] and changes == 2 and not flags[-1]


# ----------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        # Debian's Chromium: Playwright never downloads a browser here.
        chromium = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(sample_reports, browser, name):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((sample_reports / name).as_uri())
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    page.close()
    violations = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
        for v in result.response["violations"]
    ]
    assert not violations, f"{name}: {violations}"


# Elements wider than a 390 px viewport, outside any horizontally scrolling container.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (scrolls(p)) { inside = true; break; }
    }
    if (!inside) out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
  }
  return {out: out.slice(0, 10), page: document.documentElement.scrollWidth, width: width};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_nothing_but_scroll_boxes_is_wider_than_a_phone(sample_reports, browser, name):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((sample_reports / name).as_uri())
    result = page.evaluate(OVERFLOW_JS)
    viewport = page.evaluate("document.querySelector('meta[name=viewport]')?.content || ''")
    text_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    page.close()
    assert "width=device-width" in viewport
    assert not result["out"], f"{name}: too wide at 390 px: {result['out']}"
    assert result["page"] <= result["width"]  # the page itself never scrolls sideways
    assert text_size >= 12  # CSS px: readable body text on a phone, not 40% of it


def _ids(path: Path) -> set[str]:
    return set(re.findall(r"id=[\"']([^\"']+)", path.read_text(encoding="utf-8")))


def test_every_link_resolves(sample_reports, browser):
    checked = 0
    for name in PAGES:
        page = browser.new_page()
        page.goto((sample_reports / name).as_uri())
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        page.close()
        for href in hrefs:
            url = urlparse(href)
            assert url.scheme == "file", f"{name}: external link {href}"
            target = Path(unquote(url.path))
            assert target.is_file(), f"{name}: broken link {href}"
            if url.fragment:
                anchors = ids if target.name == name else _ids(target)
                # As browsers do: the fragment as written, else percent-decoded.
                assert {url.fragment, unquote(url.fragment)} & anchors, f"{name}: no {href}"
            checked += 1
    assert checked > 20  # contents lists, report links, downloads


def test_reports_link_to_the_index_each_other_and_have_contents(sample_reports):
    page = (sample_reports / "report_africa.html").read_text(encoding="utf-8")
    assert "href='index.html'" in page and "href='report_overall.html'" in page
    assert "aria-current='page'" in page and "<nav class='toc'" in page
    assert "href='#5-Where-BDT-invests-most'" in page and "href='#Annex-1-" in page
    index = (sample_reports / "index.html").read_text(encoding="utf-8")
    # A landing page: no build log (ISO timestamps, hashes, notebooks).
    assert ".ipynb" not in index and "T0" not in index and "sha256" not in index.lower()
    assert "report_africa.pdf" in index and jobs.ANNEX_NAME in index


def test_no_python_reprs_leak_into_the_reports(sample_reports):
    # An activity citing several resolutions once printed a pandas Series in Annex 1.
    for name in ("report_overall.html", "report_africa.html"):
        page = (sample_reports / name).read_text(encoding="utf-8")
        for leak in ("dtype:", "Name: ", "NaN", "None", "nan<", "[S ", "[N "):
            assert leak not in page, (name, leak)


# ----------------------------------------------------------------------------- honesty


def _body_and_annex_2(path: Path) -> tuple[str, str]:
    """The report body (cover to Annex 1) and Annex 2, without styles and scripts."""
    doc = path.read_text(encoding="utf-8")
    body = doc[doc.index("<body") :]
    body = re.sub(r"<style.*?</style>|<script.*?</script>", "", body, flags=re.S)
    cut = body.index('id="Annex-2')
    return body[:cut], body[cut:]


def _text(fragment: str) -> str:
    import html

    plain = re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", " ", fragment))
    return re.sub(r"\s+", " ", html.unescape(plain))


def _sentences(fragment: str) -> list[str]:
    """The sentences of the body's paragraphs (a "Rev." abbreviation does not end one)."""
    out = []
    for para in re.findall(r"<p>(.*?)</p>", fragment, flags=re.S):
        out.extend(s for s in re.split(r"(?<!Rev)\.\s+(?=[A-Z0-9])", _text(para)) if s.strip())
    return out


# Internal notes and unedited prose a delegate must never read in the body.
FORBIDDEN = {
    "UNVERIFIED": r"UNVERIFIED|UNCERTAIN",
    "package version": r"cyber_mapping \d|[Pp]ackage version",
    "hash": r"\b[0-9a-f]{10,}\b",
    "data version": r"[Dd]ata version",
    "file name": r"\.xlsx\b|\.parquet\b|\.csv\b",
    "quarantine jargon": r"[Qq]uarantin",
    "(s)": r"\w\(s\)",
    "n of the n": r"\b(\d+) of the \1\b",
    "0 of": r"\b0 of (them|the)\b",
    "empty cross-reference": r"\((?:Table|Figure) ?\)|\b(?:Table|Figure) (?!\d)",
}


@pytest.mark.parametrize("name", ["report_overall.html", "report_africa.html"])
def test_the_body_says_only_what_is_true_in_edited_prose(sample_reports, name):
    body, annex_2 = _body_and_annex_2(sample_reports / name)
    text = _text(body)
    found = {
        label: [text[max(0, m.start() - 60) : m.end() + 40] for m in re.finditer(p, text)]
        for label, p in FORBIDDEN.items()
    }
    assert not {k: v for k, v in found.items() if v}, found
    for sentence in _sentences(body):
        # one level of precision: no "CHF 426 909" next to "CHF 4.3 million"
        if "million" in sentence:
            assert not re.search(r"CHF \d{1,3}(?:\u202f\d{3})+(?!\.\d| million)", sentence), (
                sentence
            )
        # an office takes its article in a sentence
        assert not re.search(r"(?<!the )Regional Office for", sentence), sentence
    # Provenance once, in Annex 2, with the right source per table
    assert "Sources of the tables and figures" in annex_2
    rates = annex_2[annex_2.index("Exchange rates used") :]
    source = rates[rates.index('class="source"') :]
    assert "BDT" not in _text(source[: source.index("</p>")])


@pytest.mark.parametrize("name", ["report_overall.html", "report_africa.html"])
def test_summary_is_short_and_the_overview_does_not_repeat_it(sample_reports, name):
    body, _ = _body_and_annex_2(sample_reports / name)
    box = body[body.index("Summary:") : body.index("Action required:")]
    summary = [s for s in re.split(r"(?<!Rev)\.\s+(?=[A-Z0-9])", _text(box)) if len(s) > 20]
    assert 3 <= len(summary) <= 5, summary
    assert all(len(s.split()) <= 45 for s in summary), summary
    rest = _text(body[body.index("Action required:") :])
    assert not [s for s in summary if s.strip(" .") in rest]
    # the same amount set aside, named by office, not file (the sample's exceeds 1%)
    assert "set aside because its rows failed validation" in _text(box)
    assert "submission" in _text(box) and ".xlsx" not in box


@pytest.mark.parametrize(
    ("name", "region"), [("report_overall.html", None), ("report_africa.html", "Africa")]
)
def test_reached_means_delivered_everywhere(sample_reports, name, region):
    from cyber_mapping.analysis import need
    from cyber_mapping.product.store import load
    from cyber_mapping.reference import load_reference
    from cyber_mapping.report.formats import plural

    body, _ = _body_and_annex_2(sample_reports / name)
    text = _text(body)
    reach = need.state_reach(load(sample_reports.parent / "processed"), load_reference(), region)
    reached = int((reach["reach"] == need.REACHED).sum())
    planned = int((reach["reach"] == need.PLANNED_ONLY).sum())
    # the summary counts delivered reach, and states planned-only reach separately
    said = f"Completed or ongoing activities reached {reached} of the {len(reach)} Member States"
    assert said in text
    verb = "is" if planned == 1 else "are"
    assert f"a further {plural(planned, 'Member State')} {verb} named" in text
    # the need table says what "reached" means, and lists only the not reached (or low spend)
    assert "Reached means named by a delivered (completed or ongoing) activity" in text
    # statuses the as-of date contradicts are counted and said so
    assert re.search(r"The status of \d+ activit(y|ies) may be out of date on", text)


@pytest.mark.parametrize("name", ["report_overall.html", "report_africa.html"])
def test_forced_shares_say_so(sample_reports, name):
    body, _ = _body_and_annex_2(sample_reports / name)
    chunks = re.split(r'(?=<div class="table-block|<figure)', body)
    forced = [c for c in chunks if ">Share of total<" in c]
    assert forced
    assert all("rounded so that they add up to 100%" in c for c in forced)
    # No --compare and a first build (no previous/): the section says so in one sentence.
    assert "This is the first edition; later editions will show what changed." in body
    assert "Since the previous edition (as of" not in body
