"""The analysts' tour (notebooks/explore.ipynb): thin, committed clean, and it runs."""

from __future__ import annotations

import ast
import copy
import json

import nbformat
import openpyxl
import pytest

from cyber_mapping.paths import NOTEBOOKS_DIR, RAW_DIR
from tests.conftest import SMALL_ACTIVITIES, SMALL_EXPENDITURE, write_workbook

EXPLORE = NOTEBOOKS_DIR / "explore.ipynb"


def _code_cells():
    nb = json.loads(EXPLORE.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_committed_without_outputs():
    cells = _code_cells()
    assert cells
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in cells)


def test_one_literal_parameters_cell_and_thin_code():
    tagged = [c for c in _code_cells() if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1  # papermill injects after the first; a second would be ignored
    params = {}
    for node in ast.parse("".join(tagged[0]["source"])).body:
        assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        params[node.targets[0].id] = ast.literal_eval(node.value)  # literals only
    assert params == {
        "processed_dir": "",
        "region": "Africa",
        "years": [],
        "funder": "",
        "previous_dir": "",
        "export_dir": "",
    }
    for cell in _code_cells()[1:]:  # after the parameters cell
        source = "".join(cell["source"])
        tree = ast.parse(source)
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While)
        assert not [n for n in ast.walk(tree) if isinstance(n, defs)], source
        assert "open(" not in source and "to_excel" not in source, source
        # One or two library calls per cell; only the loading cell also imports.
        limit = 7 if "import " in source else 2
        assert len(tree.body) <= limit, source


@pytest.fixture(scope="module")
def previous_dir(tmp_path_factory):
    """An earlier edition of the small product: A1 (then Ongoing) and A2 only."""
    from cyber_mapping.product.build import build

    root = tmp_path_factory.mktemp("previous")
    raw = root / "raw"
    raw.mkdir()
    write_workbook(
        raw / "office.xlsx",
        activities=[{**SMALL_ACTIVITIES[0], "Status": "Ongoing"}, SMALL_ACTIVITIES[1]],
        expenditure=[e for e in SMALL_EXPENDITURE if e["Activity ID"] in {"A1", "A2"}],
    )
    build(raw, root / "processed")
    return root / "processed"


def _run(notebook, tmp_path, processed, previous, export_dir):
    import papermill

    out = tmp_path / "explore.out.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters={
            "processed_dir": str(processed),
            "region": "Africa",
            "years": [2019, 2022],
            "funder": "ITU regular budget",
            "previous_dir": str(previous),
            "export_dir": str(export_dir),
        },
        cwd=str(tmp_path),
        progress_bar=False,
    )
    return json.loads(out.read_text())


def _text(cell):
    return [str(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"]]


@pytest.mark.slow
def test_runs_on_a_small_product_and_exports(small_product_dir, previous_dir, tmp_path):
    raw_before = sorted(p.name for p in RAW_DIR.iterdir())
    out_dir = tmp_path / "exports"
    executed = _run(EXPLORE, tmp_path, small_product_dir, previous_dir, out_dir)
    # The comparison uses previous_dir: A3 and A4 are new, A1 went Ongoing -> Completed.
    compare = [c for c in executed["cells"] if "change.compare(" in "".join(c["source"])]
    new, status, _ = _text(compare[0])
    assert "A3" in new and "A4" in new and "A1" not in new and "A2" not in new
    assert "A1" in status and "Ongoing" in status and "Completed" in status
    path = out_dir / "spend_by_funder_and_year.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["About", "spend_by_funder_and_year"]
    rows = [[c.value for c in row] for row in wb["spend_by_funder_and_year"].iter_rows()]
    # The small product's regular-budget spend in Africa, 2019-2022 (tests/conftest.py):
    # A4 Kenya 2019 CHF 20 000, A2 Uganda 2022 CHF 20 000, A1 Kenya 2021 staff CHF 10 000
    # (A1's United Kingdom funding, A2's 2024 estimate and A3's Europe 2025 are filtered
    # out). Largest first, ties by year.
    assert rows == [
        ["funder", "year", "amount_cents", "amount_chf"],
        ["ITU regular budget", 2019, 2_000_000, 20_000],
        ["ITU regular budget", 2022, 2_000_000, 20_000],
        ["ITU regular budget", 2021, 1_000_000, 10_000],
    ]
    about = [c.value for c in wb["About"]["A"] if c.value]
    assert about[0].startswith("spend by funder and year")
    assert any(str(small_product_dir) in line for line in about)
    # Nothing was written next to the offices' submissions.
    assert sorted(p.name for p in RAW_DIR.iterdir()) == raw_before
    # The executed copy has outputs; the committed notebook still has none.
    assert all(c["outputs"] == [] for c in _code_cells())


def test_papermill_reads_every_parameter(caplog):
    # A comment containing " = " in the parameters cell makes papermill skip the line.
    import logging

    import papermill

    with caplog.at_level(logging.WARNING):
        found = papermill.inspect_notebook(str(EXPLORE))
    assert set(found) == {
        "processed_dir",
        "region",
        "years",
        "funder",
        "previous_dir",
        "export_dir",
    }
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]


@pytest.mark.slow
def test_cells_run_in_any_order_and_twice(small_product_dir, tmp_path):
    # After the parameters and the loading cell, every cell is run backwards and then
    # again forwards: no cell may depend on another one having run (or not run) before it.
    nb = nbformat.read(EXPLORE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params, load, rest = code[0], code[1], code[2:]
    assert "parameters" in params.metadata["tags"] and "cyber_mapping.load(" in load.source
    nb.cells = [copy.deepcopy(c) for c in (params, load, *reversed(rest), *rest)]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # a cell run twice needs its own id
    shuffled = tmp_path / "shuffled.ipynb"
    nbformat.write(nb, shuffled)
    _run(shuffled, tmp_path, small_product_dir, small_product_dir, tmp_path / "exports")
    assert (tmp_path / "exports" / "spend_by_funder_and_year.xlsx").is_file()
