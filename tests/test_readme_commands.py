"""The README's by-hand report commands (papermill, then nbconvert) run as written.

They are taken from README.md itself, so the README cannot drift from what runs: the only
changes are the folders (``.venv/bin/`` becomes this interpreter's, ``data/processed`` a
small product, ``reports/`` a temporary folder).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cyber_mapping.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    """The README's command lines that run papermill or jupyter nbconvert, in order."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    lines = [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return [
        line
        for line in lines
        if line.startswith((".venv/bin/papermill", ".venv/bin/jupyter nbconvert"))
    ]


def test_the_readme_gives_both_commands_and_hides_code():
    commands = readme_commands()
    assert [c.split()[0] for c in commands] == [".venv/bin/papermill", ".venv/bin/jupyter"]
    assert "--no-input" in commands[1]


def test_the_readme_commands_run_and_the_html_shows_no_code(small_product_dir, tmp_path):
    bin_dir = str(Path(sys.executable).parent) + "/"
    for command in readme_commands():
        line = command.replace(".venv/bin/", bin_dir)
        line = line.replace("data/processed", str(small_product_dir))
        line = line.replace("reports/", f"{tmp_path}/")
        args = [a for a in shlex.split(line, comments=True)]
        proc = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
    pages = list(tmp_path.glob("*.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    # The report's text is there; the notebook's code is not (no input cells at all).
    assert "Asia and the Pacific" in page
    hits = [page[max(0, i - 300) : i + 50] for i in [page.find("open_report(")] if i >= 0]
    assert not hits, hits
    # Code cells would show as highlighted source; markdown cells have input areas too.
    assert 'class="highlight' not in page and "import cyber_mapping" not in page
