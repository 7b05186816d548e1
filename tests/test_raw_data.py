"""The tests never depend on what data/raw/ holds; the sample generator is deterministic.

``data/raw/`` holds the bundled sample or BDT's real submissions: ``make test`` must pass
with either, so tests read the generator's output (``tests/conftest.py``,
``generated_sample``) or their own fixtures. The raw folder's integrity (its files against
the checksums of ``data/raw/README.md``) is checked by ``make validate``
(:mod:`cyber_mapping.intake.checksums`), not by the tests.
"""

from __future__ import annotations

import re

import pytest

from cyber_mapping.paths import PROJECT_ROOT, RAW_DIR
from cyber_mapping.sample.generate import generate_sample

# Tests that may name the raw folder: to check that nothing is written into it, or to
# point the package's default at a folder of their own (monkeypatch), or this module.
MAY_NAME_RAW = {
    "test_raw_data.py",
    "test_explore_notebook.py",  # lists it before and after, to see nothing was written
    "test_product_safety.py",  # monkeypatches cli.RAW_DIR to a tmp folder
    "test_writing.py",  # monkeypatches paths.RAW_DIR to a tmp folder
}


def test_no_test_reads_the_raw_folder():
    readers = []
    for path in sorted((PROJECT_ROOT / "tests").glob("*.py")):
        if path.name in MAY_NAME_RAW:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bRAW_DIR\b", text):  # the package's data/raw/, not a tmp copy
            readers.append(path.name)
    assert readers == []


def test_the_generator_is_deterministic(tmp_path):
    first = {p.name: p.read_bytes() for p in generate_sample(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in generate_sample(tmp_path / "b")}
    assert first and first == second


def test_the_bundled_sample_is_the_generators_output(sample_raw):
    bundled = sorted(RAW_DIR.glob("sample_*.xlsx"))
    if not bundled:
        pytest.skip("data/raw/ holds no sample workbook (replaced by real submissions)")
    for path in bundled:
        assert path.read_bytes() == (sample_raw / path.name).read_bytes(), path.name
