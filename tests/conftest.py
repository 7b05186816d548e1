"""Shared fixtures: reference data and a small workbook writer for hand-built inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cyber_mapping.contract import SHEETS
from cyber_mapping.reference import load_reference


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


def write_workbook(path: Path, activities=(), expenditure=(), outputs=(), sheets=None):
    """Write a contract workbook from lists of {header: value} dicts."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    data = {"Activities": activities, "Expenditure": expenditure, "Outputs": outputs}
    for spec in SHEETS:
        if sheets is not None and spec.title not in sheets:
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
