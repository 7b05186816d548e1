"""Mutation-killing tests for reading, sizing and header detection (hand-worked expectations)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from cyber_mapping.intake.sizing import ods_extents

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
_VALUE_X4 = (
    '<table:table-cell table:number-columns-repeated="4" office:value-type="float" '
    'office:value="1"><text:p>1</text:p>'
)


def _ods(path: Path, tables: dict[str, str]) -> Path:
    body = "".join(
        f'<table:table table:name="{n}">{rows}</table:table>' for n, rows in tables.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def test_ods_extents_count_repeated_rows_and_cells_without_expanding(tmp_path):
    # Row 0 (row 1): empty. Row 1 (row 2): an empty cell, then a value in B2.
    # Rows 2-4 (3 rows repeated): empty. Rows 5-6 (2 rows repeated): 2 empty cells, then a
    # value repeated over 4 columns: C..F (columns 2-5).
    # Values span rows 1..6 and columns 1..5: (6 - 1 + 1) * (5 - 1 + 1) = 6 * 5 = 30 cells;
    # the farthest cell is row 6, column 5 = F7.
    rows = (
        "<table:table-row><table:table-cell/></table:table-row>"
        f"<table:table-row><table:table-cell/>{_VALUE}</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="2"/>'
        f"{_VALUE_X4}"
        "</table:table-cell></table:table-row>"
    )
    path = _ods(tmp_path / "w.ods", {"Activities": rows, "Notes": rows})
    # Only the sheets asked for, matched whatever the case.
    assert ods_extents(path, ["activities"]) == {"Activities": (30, "F7")}


def test_header_position_takes_the_first_of_equally_good_rows():
    from cyber_mapping.contract import ACTIVITIES
    from cyber_mapping.intake.header import _header_position

    # Rows 0 and 2 both name Activity ID and Status (2 contract headers each), row 1 names
    # none: the first best row, position 0, is the header (a repeated header row below it
    # is data to be reported, not the header).
    rows = [(0, ["Activity ID", "Status"]), (1, ["x", "y"]), (2, ["Activity ID", "Status"])]
    assert _header_position(rows, ACTIVITIES) == 0
    # A better row later wins: 3 headers at position 1 beat 2 at position 0.
    rows = [(0, ["Activity ID", "Status"]), (1, ["Activity ID", "Status", "Start date"])]
    assert _header_position(rows, ACTIVITIES) == 1


def test_header_position_needs_two_headers_within_the_first_twenty_rows():
    from cyber_mapping.contract import ACTIVITIES
    from cyber_mapping.intake.header import HEADER_MIN_MATCHES, HEADER_SCAN_ROWS, _header_position

    assert (HEADER_SCAN_ROWS, HEADER_MIN_MATCHES) == (20, 2)
    # One contract header (a title such as "Status report") is not a header row.
    assert _header_position([(0, ["Status"]), (1, ["a", "b"])], ACTIVITIES) is None
    # Sheet row index 19 (the 20th row) is scanned; index 20 (the 21st) is not. Positions
    # in the list differ from sheet rows when empty rows were skipped: here position 1.
    header = ["Activity ID", "Status"]
    assert _header_position([(0, ["title"]), (19, header)], ACTIVITIES) == 1
    assert _header_position([(0, ["title"]), (20, header)], ACTIVITIES) is None


def test_an_ods_past_the_grid_limit_is_refused_before_calamine_reads_it(tmp_path):
    from cyber_mapping.intake.reading import read_folder
    from cyber_mapping.intake.sizing import MAX_GRID_CELLS

    # A value repeated over 2 000 columns on 2 001 rows: 2 001 * 2 000 = 4 002 000 cells,
    # just past MAX_GRID_CELLS (4 000 000); the farthest cell is row 2 001, column 2 000 =
    # BXX2001 (2 000 = 2*676 + 23*26 + 24 -> B, X, X). Refused by the cheap sizing, naming it.
    assert MAX_GRID_CELLS == 4_000_000
    value = (
        '<table:table-cell table:number-columns-repeated="2000" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell>'
    )
    rows = f'<table:table-row table:number-rows-repeated="2001">{value}</table:table-row>'
    folder = tmp_path / "raw"
    folder.mkdir()
    _ods(folder / "far.ods", {"Activities": rows})
    intake = read_folder(folder)
    [message] = [p["message"] for p in intake.issues if p["severity"] == "error"]
    assert "as far as BXX2001" in message and "4,002,000 cells" in message
