"""The run's landing page, ``index.html``: one row per report, the Excel annex, failures."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

from cyber_mapping.paths import atomic_path
from cyber_mapping.report.context import texts
from cyber_mapping.report.formats import long_date
from cyber_mapping.report.jobs import ANNEX_NAME
from cyber_mapping.report.page import CSS_PATH


def write_index(out_dir: Path, processed_dir: Path, state: dict) -> Path:
    """``index.html``: a landing page for the reports' readers.

    The title, what the reports are, one row per report (region, as-of date, PDF pages,
    links to its web page and PDF), the Excel annex, and which reports failed, if any.
    """
    t = texts()
    manifest = json.loads((processed_dir / "manifest.json").read_text())
    built = dt.date.fromisoformat(str(manifest["built_at"])[:10])
    rows, failed = [], []
    names = [k for k in state if not k.startswith("_")]
    for name in sorted(names, key=lambda n: (n != "report_overall", n)):  # overall first
        info = state[name]
        region = info.get("region") or name.removeprefix("report_")
        if info.get("error"):
            failed.append(
                f"<li>{html.escape(region)}: {html.escape(t['index_failed'])} "
                f"({html.escape(info['error'])})</li>"
            )
        files = [
            f"<a href='{html.escape(f)}'>{label}<span class='visually-hidden'> "
            f"({html.escape(region)})</span></a>"
            for f, label in ((f"{name}.html", "Web page"), (f"{name}.pdf", "PDF"))
            if (out_dir / f).exists()
        ]
        as_of = info.get("as_of") or long_date(built)
        rows.append(
            f"<tr><th scope='row'>{html.escape(region)}</th><td>{html.escape(as_of)}</td>"
            f"<td class='num'>{info.get('pages') or ''}</td>"
            f"<td>{' · '.join(files) or html.escape(t['index_failed'])}</td></tr>"
        )
    banner = ""
    if manifest.get("sample"):
        banner = f"<p class='illustrative'>{html.escape(t['illustrative'])}</p>"
    failures = ""
    if failed:
        failures = (
            f"<h2>{html.escape(t['index_failures'])}</h2><ul class='failed'>"
            + "".join(failed)
            + "</ul>"
        )
    annex = ""
    if (out_dir / ANNEX_NAME).exists():
        annex = f"<p><a href='{ANNEX_NAME}'>{html.escape(t['index_annex'])}</a></p>"
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(t['index_title'])}</title><style>"
        + CSS_PATH.read_text(encoding="utf-8")
        + ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;"
        " clip: rect(0 0 0 0); white-space: nowrap; }</style></head>"
        f"<body><main class='report'><h1>{html.escape(t['index_title'])}</h1>{banner}"
        f"<p>{html.escape(t['index_intro'])}</p>"
        f"<div class='scroll' role='region' tabindex='0' aria-label='Reports'>"
        f"<table class='data'><caption class='caption'>{html.escape(t['index_caption'])}"
        "</caption><thead><tr><th scope='col'>Report</th><th scope='col'>As of</th>"
        "<th scope='col' class='num'>PDF pages</th><th scope='col'>Read</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
        f"{annex}{failures}</main></body></html>\n"
    )
    path = out_dir / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
