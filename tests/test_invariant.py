"""The reconciliation as an invariant over generated, adversarial submission workbooks.

For every generated folder of workbooks (valid rows mixed with junk cells, missing and extra
columns, title rows, merged cells, out-of-period and foreign-currency amounts, duplicate IDs,
negative, huge and textual amounts), ``cyber-mapping build`` must:

- put every non-empty row of every contract sheet in exactly one of: processed, quarantined,
  or skipped with a stated reason (an unused template row, or a row whose values all lie in
  columns that are not read);
- account for every readable amount: the CHF it converts to (worked out here, independently
  of the package, from the reference rates) is read = processed + quarantined, to the cent,
  and what cannot be converted is listed per currency;
- never raise, and exit 1 exactly when there are errors.

``make test`` runs a bounded number of examples; the nightly run sets
``CYBER_MAPPING_PROPERTY_EXAMPLES`` (see the README). A sheet without a header row is generated
now and then too.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyber_mapping.cli import main
from cyber_mapping.contract import ACTIVITIES, EXPENDITURE, OUTPUTS
from cyber_mapping.product.store import load
from cyber_mapping.reference import load_reference

EXAMPLES = int(os.environ.get("CYBER_MAPPING_PROPERTY_EXAMPLES", "25"))
RATES = {
    (c, int(y)): Decimal(str(r))
    for c, y, r in load_reference()
    .exchange_rates[["currency", "year", "chf_per_unit"]]
    .itertuples(index=False)
}
IDS = ["A-1", "A-2", "A-3", "B-1"]  # a small pool: duplicates happen
JUNK = ["n/a", "tbd", "see note", "???", "x"]
EXTRA = ["Notes", "Budget code"]

# Amount cells: (value written, cents it reads as or None when unreadable).
AMOUNTS = st.one_of(
    st.integers(0, 10**9).map(lambda c: (c // 100 if c % 100 == 0 else c / 100, c)),
    st.integers(0, 10**9).map(lambda c: (f"{c // 100:,}.{c % 100:02d}".replace(",", "'"), c)),
    st.integers(1, 10**6).map(lambda c: (-c, -c * 100)),
    st.sampled_from(
        [
            ("tbd", None),
            ("12.500", None),  # ambiguous
            (1e17, None),  # too large to be an amount
            (5e10, 5 * 10**12),  # readable, above the CHF 10 billion row maximum
            (None, None),
        ]
    ),
)
CURRENCIES = st.sampled_from([None, "CHF", "chf", "USD", "eur", "MNT", "XYZ"])
# Period cells: (value written, first year or None).
PERIODS = st.sampled_from(
    [(2021, 2021), ("2019-2020", 2019), (2031, 2031), (2016, 2016), ("soon", None), (None, None)]
)


def _columns(draw, sheet, required_drop: float):
    """The sheet's header: contract columns (some dropped, case varied) plus extras."""
    cols = []
    for c in sheet.columns:
        if draw(st.floats(0, 1)) < (required_drop if c.required else 0.3):
            continue
        cols.append(c.header)
    if len(cols) < 3:
        cols = [c.header for c in sheet.columns[:3]]
    for extra in EXTRA:
        if draw(st.booleans()):
            cols.insert(draw(st.integers(0, len(cols))), extra)
    return cols


def _activity(draw, cols):
    kind = draw(st.sampled_from(["valid", "valid", "junk", "extra", "template", "empty"]))
    rec = {
        "Activity ID": draw(st.sampled_from(IDS)),
        "Resolution references": "PP-130",
        "Activity theme": draw(st.sampled_from(["Incident response and CIRTs", "Cyber hygene"])),
        "Activity": "A title",
        "Beneficiary countries": draw(st.sampled_from(["Kenya", "Region: Europe", "Atlantis"])),
        "Implementor(s)": "BDT (HQ)",
        "Status": draw(st.sampled_from(["Completed", "Ongoing", "Delayed"])),
        "Start date": draw(st.sampled_from(["2019-03-01", 2021, "2021-01-15"])),
    }
    return _shape(draw, kind, rec, cols, template=("Activity ID", "Implementor(s)"))


def _shape(draw, kind, rec, cols, template=()):
    if kind == "junk":
        return {c: draw(st.sampled_from([None, *JUNK])) for c in cols}
    if kind == "extra":
        return {c: (draw(st.sampled_from(JUNK)) if c in EXTRA else None) for c in cols}
    if kind == "template" and template:
        return {c: rec.get(c) if c in template else None for c in cols}
    if kind == "empty":
        return dict.fromkeys(cols)
    return {c: rec.get(c) for c in cols}


@st.composite
def submissions(draw):
    """A list of workbooks, each {sheet: (title rows, header, data rows, merges)}."""
    books = []
    for _ in range(draw(st.integers(1, 2))):
        book = {}
        for sheet in (ACTIVITIES, EXPENDITURE, OUTPUTS):
            if sheet is OUTPUTS and draw(st.booleans()):
                continue
            cols = _columns(draw, sheet, required_drop=0.05)
            titles = draw(st.sampled_from([[], [["Submission of the office"]], [["Title"], []]]))
            rows, amounts = [], []
            for _ in range(draw(st.integers(0, 5))):
                if sheet is ACTIVITIES:
                    rows.append(_activity(draw, cols))
                    amounts.append(None)
                elif sheet is EXPENDITURE:
                    value, cents = draw(AMOUNTS)
                    period, year = draw(PERIODS)
                    rec = {
                        "Activity ID": draw(st.sampled_from([*IDS, None])),
                        "Funder": "ITU regular budget",
                        "Period": period,
                        "Cost type": draw(st.sampled_from(["Staff", "Non-staff", "Other"])),
                        "Basis": "Actual",
                        "Amount": value,
                        "Currency": draw(CURRENCIES),
                    }
                    kind = draw(st.sampled_from(["valid", "valid", "valid", "junk", "extra"]))
                    rows.append(_shape(draw, kind, rec, cols))
                    amounts.append((cents, year) if kind == "valid" else None)
                else:
                    rec = {
                        "Activity ID": draw(st.sampled_from(IDS)),
                        "Indicator": "Trained",
                        "Value": draw(st.sampled_from([3, -1, "many"])),
                    }
                    kind = draw(st.sampled_from(["valid", "junk", "extra"]))
                    rows.append(_shape(draw, kind, rec, cols))
                    amounts.append(None)
            merge = None
            if sheet is EXPENDITURE and len(rows) >= 2 and draw(st.booleans()):
                column = draw(st.sampled_from(["Funder", "Amount"]))
                if column in cols:
                    merge = (draw(st.integers(0, len(rows) - 2)), column)
            # Now and then the header row is missing altogether: one error for the sheet,
            # every non-empty row quarantined, no amount readable.
            headerless = draw(st.integers(0, 9)) == 0
            if headerless:
                merge = None
            book[sheet.title] = (titles, cols, rows, amounts, merge, headerless)
        books.append(book)
    return books


def _write(folder, books):
    """Write the workbooks; return what the package must account for."""
    expected_rows = {}  # (workbook, sheet, row) -> "data" | "template" | "unread"
    readable = []  # (currency cell, cents, first year)
    for n, book in enumerate(books):
        name = f"office_{n}.xlsx"
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, (titles, cols, rows, amounts, merge, headerless) in book.items():
            ws = wb.create_sheet(title)
            for r, line in enumerate(titles, start=1):
                ws.append(line)
                if headerless and line:
                    expected_rows[(name, title, r)] = "data"
            if not headerless:
                ws.append(cols)
            first = len(titles) + (1 if headerless else 2)  # Excel row of the first data row
            if merge is not None:
                i, column = merge
                if column == "Amount":  # a merged amount stays in the top cell only
                    rows[i + 1] = {**rows[i + 1], "Amount": None}
                    if amounts[i + 1] is not None:
                        amounts[i + 1] = (None, amounts[i + 1][1])
            for i, (rec, amount) in enumerate(zip(rows, amounts, strict=True)):
                ws.append([rec.get(c) for c in cols])
                filled = {c for c, v in rec.items() if v is not None}
                if merge is not None and merge[1] == "Funder" and i == merge[0] + 1:
                    # The merge keeps the top cell's value only (this row's own Funder is
                    # gone); it is copied into this row when the row holds another value:
                    # a row with none is an empty row, merged or not.
                    filled -= {"Funder"}
                    if filled and rows[merge[0]].get("Funder"):
                        filled |= {"Funder"}
                if not filled:
                    continue
                key = (name, title, first + i)
                if headerless:
                    expected_rows[key] = "data"
                    continue
                if filled <= set(EXTRA):
                    expected_rows[key] = "unread"
                elif title == "Activities" and filled <= {"Activity ID", "Implementor(s)"}:
                    expected_rows[key] = "template"
                else:
                    expected_rows[key] = "data"
                if amount is not None and amount[0] is not None and "Amount" in cols:
                    currency = rec.get("Currency") if "Currency" in cols else None
                    readable.append((currency, amount[0], amount[1] if "Period" in cols else None))
            if merge is not None:
                i, column = merge
                letter = openpyxl.utils.get_column_letter(cols.index(column) + 1)
                ws.merge_cells(f"{letter}{first + i}:{letter}{first + i + 1}")
        wb.save(folder / name)
    return expected_rows, readable


def _by_hand(readable):
    """CHF cents read and unconverted cents per currency, worked out independently."""
    chf, unconverted = 0, defaultdict(int)
    for currency, cents, year in readable:
        code = (currency or "CHF").upper()
        if code == "CHF":
            chf += cents
        elif code != "XYZ" and year is not None and (code, year) in RATES:
            chf += int((Decimal(cents) * RATES[(code, year)]).quantize(1, ROUND_HALF_UP))
        else:
            unconverted[code] += cents
    return chf, dict(unconverted)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(books=submissions())
def test_every_row_and_every_franc_is_accounted_for(tmp_path_factory, books):
    root = tmp_path_factory.mktemp("inv")
    raw = root / "raw"
    raw.mkdir()
    expected_rows, readable = _write(raw, books)
    code = main(["build", "--raw", str(raw), "--out", str(root / "p")])
    product = load(root / "p")
    m = product.manifest

    # build exits 1 exactly when there are errors.
    assert code == (1 if m["issues"]["errors"] else 0)

    # Every non-empty row in exactly one place.
    def located(frame):
        return {
            (w, s, int(r))
            for w, s, r in zip(frame["workbook"], frame["sheet"], frame["row"], strict=True)
        }

    processed = located(product.activities) | located(product.expenditure)
    processed |= located(product.outputs)
    quarantined = located(product.quarantine)
    issues = product.issues
    skipped = located(issues[issues["message"].str.contains("it is skipped")])
    assert not processed & quarantined and not skipped & (processed | quarantined)
    templates = [k for k, v in expected_rows.items() if v == "template"]
    for key, kind in expected_rows.items():
        if kind == "unread":
            assert key in skipped, key
        elif kind == "data":
            assert key in processed | quarantined, key
        else:
            assert key not in processed | quarantined | skipped, key
    assert (processed | quarantined | skipped) <= set(expected_rows)
    unused = sum(i.get("unused_template_rows", 0) for i in m["inputs"])
    assert unused == len(templates)

    # Every readable amount: read = processed + quarantined, the rest listed per currency.
    chf, unconverted = _by_hand(readable)
    c = m["chf_cents"]
    assert c["read"] == chf
    assert c["read"] == c["processed"] + c["quarantined"]
    assert m["unconverted_cents"] == unconverted
    assert int(product.allocations["amount_cents"].sum()) == c["processed"]
