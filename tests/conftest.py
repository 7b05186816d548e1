"""Shared fixtures: reference data and a small workbook writer for hand-built inputs."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import settings as hypothesis_settings

from cyber_mapping.contract import SHEETS
from cyber_mapping.rates import OVERRIDE_ENV
from cyber_mapping.reference import load_reference

# Tests convert at the shipped rates whatever BDT has put in its override file (tests that
# need an override pass their own): an empty value means no override.
os.environ[OVERRIDE_ENV] = ""

# Property tests: no per-example time limit. Hypothesis' default of 200 ms fails a correct
# example when other work shares the two cores (speed lives in the benchmarks).
hypothesis_settings.register_profile("cyber_mapping", deadline=None)
hypothesis_settings.load_profile("cyber_mapping")


@functools.cache
def generated_sample() -> Path:
    """The sample generator's workbooks, written once per test process into a temporary folder.

    Tests read these, never ``data/raw/``: that folder holds whatever BDT put there (the
    sample, or the offices' real submissions), and ``make test`` must pass either way.
    """
    from cyber_mapping.sample.generate import generate_sample

    folder = Path(tempfile.mkdtemp(prefix="cyber-mapping-sample-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    generate_sample(folder)
    return folder


@pytest.fixture(scope="session")
def sample_raw() -> Path:
    """A raw folder holding the illustrative sample (see :func:`generated_sample`)."""
    return generated_sample()


@pytest.fixture(scope="session")
def ref():
    return load_reference()


GOOD_ACTIVITY = {
    "Activity ID": "T-1",
    "Resolution references": "PP-130; WTDC-69",
    "Activity theme": "Incident response and CIRTs",
    "Activity": "CIRT assessment",
    "Beneficiary countries": "Kenya; Uganda",
    "Implementor(s)": "Regional Office for Africa",
    "Status": "Completed",
    "Start date": dt.date(2021, 3, 1),
    "End date": dt.date(2021, 6, 30),
}
GOOD_SPEND = {
    "Activity ID": "T-1",
    "Funder": "ITU regular budget",
    "Period": 2021,
    "Cost type": "Non-staff",
    "Basis": "Actual",
    "Amount": 1000,
    "Currency": "CHF",
}


def write_workbook(
    path: Path, activities=(), expenditure=(), outputs=(), sheets=None, results=None
):
    """Write a contract workbook from lists of {header: value} dicts.

    The sheets are Activities, Expenditure and Outputs (as version 1 wrote them), plus a
    Results sheet when ``results`` is given.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    data = {
        "Activities": activities,
        "Expenditure": expenditure,
        "Outputs": outputs,
        "Results": results or (),
    }
    for spec in SHEETS:
        if sheets is not None and spec.title not in sheets:
            continue
        if spec.title == "Results" and results is None and sheets is None:
            continue
        ws = wb.create_sheet(spec.title)
        headers = [c.header for c in spec.columns]
        ws.append(headers)
        for rec in data[spec.title]:
            ws.append([rec.get(h) for h in headers])
    wb.save(path)
    return path


@pytest.fixture
def workbook(tmp_path):
    def make(name="wb.xlsx", **kwargs):
        return write_workbook(tmp_path / name, **kwargs)

    return make


# ----------------------------------------------------------------------------- a small product
# Four activities whose figures are worked out by hand in the tests (see test_analysis.py):
# actual CHF 80 000, estimated CHF 20 000; Kenya and Uganda reached; one joint HQ + RO activity.
SMALL_ACTIVITIES = [
    {
        "Activity ID": "A1",
        "Resolution references": "PP-130",
        "Clause quoted": "support Member States in establishing and strengthening national CIRTs",
        "Clauses": "PP-130/instructs-BDT/CIRTs",
        "Activity theme": "Incident response and CIRTs",
        "Activity": "National CIRT set-up",
        "Beneficiary countries": "Kenya",
        "Implementor(s)": "BDT (HQ); Regional Office for Africa",
        "Status": "Completed",
        "Start date": dt.date(2021, 1, 1),
        "End date": dt.date(2021, 12, 31),
        "Main outputs": "As of 12 2021, 45 participants from Kenya were trained",
    },
    {
        "Activity ID": "A2",
        "Resolution references": "WTDC Resolution 45",
        "Clause quoted": "help Member States develop national cybersecurity strategies",
        "Activity theme": "Cybersecurity strategy and governance",
        "Activity": "National strategy support",
        "Beneficiary countries": "Uganda",
        "Implementor(s)": "Regional Office for Africa",
        "Status": "Ongoing",
        "Start date": dt.date(2022, 3, 1),
    },
    {
        "Activity ID": "A3",
        "Resolution references": "WTDC-67",
        "Activity theme": "Child online protection",
        "Activity": "COP guidelines roll-out",
        "Beneficiary countries": "Region: Europe",
        "Implementor(s)": "Regional Office for Europe",
        "Status": "Planned",
        "Start date": dt.date(2025, 1, 1),
    },
    {
        "Activity ID": "A4",
        "Resolution references": "WTDC-69",
        "Activity theme": "Cyber drills and exercises",
        "Activity": "<script>alert(1)</script> regional drill",
        "Beneficiary countries": "Kenya",
        "Implementor(s)": "BDT (HQ)",
        "Status": "Completed",
        "Start date": dt.date(2019, 5, 1),
        "End date": dt.date(2019, 5, 3),
    },
]


def _spend(aid, funder, period, cost, basis, amount):
    return {
        "Activity ID": aid,
        "Funder": funder,
        "Period": period,
        "Cost type": cost,
        "Basis": basis,
        "Amount": amount,
        "Currency": "CHF",
    }


SMALL_EXPENDITURE = [
    _spend("A1", "ITU regular budget", 2021, "Staff", "Actual", 10000),
    _spend("A1", "United Kingdom", 2021, "Non-staff", "Actual", 30000),
    _spend("A2", "ITU regular budget", 2022, "Non-staff", "Actual", 20000),
    _spend("A2", "ITU regular budget", 2024, "Non-staff", "Estimated", 5000),
    _spend("A3", "European Union", 2025, "Non-staff", "Estimated", 15000),
    _spend("A4", "ITU regular budget", 2019, "Non-staff", "Actual", 20000),
]
SMALL_OUTPUTS = [
    {
        "Activity ID": "A1",
        "Indicator": "Participants trained",
        "Value": 45,
        "Country": "Kenya",
        "Group": "women",
    },
    {"Activity ID": "A4", "Indicator": "Participants trained", "Value": 30, "Country": "Kenya"},
    {"Activity ID": "A2", "Indicator": "CIRT established", "Value": 1, "Country": "Uganda"},
]


@pytest.fixture(scope="session")
def small_product_dir(tmp_path_factory):
    """A data product built from the four hand-worked activities."""
    from cyber_mapping.product.build import build

    root = tmp_path_factory.mktemp("small")
    raw = root / "raw"
    raw.mkdir()
    write_workbook(
        raw / "office.xlsx",
        activities=SMALL_ACTIVITIES,
        expenditure=SMALL_EXPENDITURE,
        outputs=SMALL_OUTPUTS,
    )
    build(raw, root / "processed")
    return root / "processed"


@pytest.fixture(scope="session")
def small(small_product_dir):
    from cyber_mapping.product.store import load

    return load(small_product_dir)
