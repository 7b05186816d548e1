"""Every report section renders on legitimate but sparse data (issue 10, finding 5)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cyber_mapping import narrative as nv
from cyber_mapping.analysis import headline, spend
from cyber_mapping.paths import REPORT_NOTEBOOK
from cyber_mapping.product.build import build
from cyber_mapping.product.store import load
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _act(aid, **kw):
    return {**GOOD_ACTIVITY, "Activity ID": aid, **kw}


def _spend(aid, **kw):
    return {**GOOD_SPEND, "Activity ID": aid, **kw}


EUROPE = {"Beneficiary countries": "France", "Implementor(s)": "Regional Office for Europe"}
SCENARIOS = {
    # No Outputs sheet at all (it is optional).
    "no outputs": dict(
        activities=[_act("A"), _act("B", **EUROPE)],
        expenditure=[_spend("A"), _spend("B")],
        sheets={"Activities", "Expenditure"},
    ),
    # Only actual spend.
    "no estimated spend": dict(
        activities=[_act("A")],
        expenditure=[_spend("A")],
        outputs=[{"Activity ID": "A", "Indicator": "Participants trained", "Value": 4}],
    ),
    # Only Africa.
    "single region": dict(
        activities=[_act("A"), _act("B", **{"Beneficiary countries": "Ghana"})],
        expenditure=[_spend("A"), _spend("B", Basis="Estimated", Period=2024)],
    ),
    "single activity": dict(activities=[_act("A")], expenditure=[_spend("A", Amount=1)]),
    # Regional and global activities only: no country is named.
    "no country-level activities": dict(
        activities=[
            _act("A", **{"Beneficiary countries": "Region: Africa"}),
            _act("B", **{"Beneficiary countries": "Global"}),
        ],
        expenditure=[_spend("A"), _spend("B")],
    ),
    "every activity quarantined": dict(
        activities=[_act("A", Status="??"), _act("B", **{"Beneficiary countries": "Atlantis"})],
        expenditure=[_spend("A"), _spend("B")],
        outputs=[{"Activity ID": "A", "Indicator": "Participants trained", "Value": 4}],
    ),
    "no expenditure at all": dict(
        activities=[_act("A", Status="Planned", **{"Start date": dt.date(2025, 1, 1)})],
        sheets={"Activities", "Expenditure"},
    ),
}


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def sparse(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("sparse")
    raw = root / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", **SCENARIOS[request.param])
    build(raw, root / "p")
    return request.param, root / "p"


def _section_cells() -> list[str]:
    """The notebook's code cells after the parameters and the one opening the report."""
    nb = json.loads(REPORT_NOTEBOOK.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return [c for c in cells[1:] if "open_report" not in c]


@pytest.mark.parametrize("region", ["", "Africa", "Europe"])
def test_every_section_renders(sparse, region):
    name, folder = sparse
    report = nv.open_report(str(folder), region, as_of="2025-01-31")
    for cell in _section_cells():
        # Run the cell as the notebook does; its last line is the block it shows.
        lines = cell.strip().splitlines()
        namespace = {"narrative": nv, "report": report}
        exec("\n".join(lines[:-1]), namespace)
        value = eval(lines[-1], namespace)
        # Every section shows something; the changes section only with a previous edition.
        assert isinstance(value, str) and (value or "changes_section" in cell), (
            name,
            region,
            cell,
        )


def test_sparse_figures_by_hand(sparse):
    name, folder = sparse
    product = load(folder)
    h = headline.headline(product, nv.load_reference())
    if name == "every activity quarantined":
        # 1000 + 1000 CHF read, all quarantined with their activities.
        assert (h.activities, h.actual_cents, h.estimated_cents) == (0, 0, 0)
        assert product.manifest["chf_cents"]["quarantined"] == 200_000
    if name == "no country-level activities":
        assert spend.country_spend(product).empty and h.states_reached == 0
    if name == "single activity":
        assert h.actual_cents == 100 and h.activities == 1
    if name == "no estimated spend":
        assert spend.estimated_share(product) == 0.0 and h.estimated_cents == 0


@pytest.mark.slow
def test_a_real_rendering_of_a_product_with_every_activity_quarantined(tmp_path):
    from cyber_mapping.report import rendering

    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", **SCENARIOS["every activity quarantined"])
    build(raw, tmp_path / "p")
    summary = rendering.render(
        ["overall", "Africa"],
        processed_dir=tmp_path / "p",
        out_dir=tmp_path / "r",
        formats=("html", "pdf"),
        progress=False,
    )
    assert not summary.failed, summary.text()
    page = (tmp_path / "r" / "report_overall.html").read_text(encoding="utf-8")
    assert "Annex 2" in page and "Traceback" not in page
