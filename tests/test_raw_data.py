"""data/raw/ is immutable and documented: every file is listed with its checksum."""

from __future__ import annotations

import hashlib
import re

from cyber_mapping.paths import RAW_DIR
from cyber_mapping.sample.generate import generate_sample


def test_readme_lists_every_file_with_its_sha256():
    readme = (RAW_DIR / "README.md").read_text()
    listed = dict(re.findall(r"\| `([^`]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|", readme))
    files = {p.name for p in RAW_DIR.glob("*.xlsx")}
    assert files and set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((RAW_DIR / name).read_bytes()).hexdigest() == digest, name
    assert "ILLUSTRATIVE" in readme


def test_generator_reproduces_the_bundled_sample(tmp_path):
    for path in generate_sample(tmp_path):
        assert path.read_bytes() == (RAW_DIR / path.name).read_bytes(), path.name
