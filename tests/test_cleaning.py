"""Messy-to-clean tables for every parser and lookup; expected values written by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.intake import cleaning, lookups, resolutions

# ------------------------------------------------------------------ countries (60+ spellings)
COUNTRIES = [
    ("Kenya", "KEN", True),
    ("kenya", "KEN", False),
    ("  Kenya  ", "KEN", True),
    ("KENYA", "KEN", False),
    ("KEN", "KEN", True),
    ("KE", "KEN", False),
    ("ke", "KEN", False),
    ("Viet Nam", "VNM", True),
    ("Vietnam", "VNM", False),
    ("VIET NAM", "VNM", False),
    ("Türkiye", "TUR", True),
    ("Turkiye", "TUR", False),
    ("Turkey", "TUR", False),
    ("Iran (Islamic Republic of)", "IRN", True),
    ("Iran", "IRN", False),
    ("Iran, Islamic Republic of", "IRN", False),
    ("Côte d'Ivoire", "CIV", True),
    ("Côte d’Ivoire", "CIV", False),
    ("Cote d'Ivoire", "CIV", False),
    ("Ivory Coast", "CIV", False),
    ("CIV", "CIV", True),
    ("Democratic Republic of the Congo", "COD", True),
    ("DRC", "COD", False),
    ("DR Congo", "COD", False),
    ("Congo, The Democratic Republic of the", "COD", False),
    ("Congo", "COG", False),
    ("Republic of the Congo", "COG", False),
    ("Congo (Republic of the)", "COG", True),
    ("Lao PDR", "LAO", False),
    ("Laos", "LAO", False),
    ("Lao People's Democratic Republic", "LAO", True),
    ("UK", "GBR", False),
    ("United Kingdom", "GBR", True),
    ("GB", "GBR", False),
    ("Great Britain", "GBR", False),
    ("Russia", "RUS", False),
    ("Russian Federation", "RUS", True),
    ("South Korea", "KOR", False),
    ("Korea, Republic of", "KOR", False),
    ("Korea (Republic of)", "KOR", True),
    ("Republic of Korea", "KOR", False),
    ("North Korea", "PRK", False),
    ("DPRK", "PRK", False),
    ("Swaziland", "SWZ", False),
    ("Eswatini", "SWZ", True),
    ("Tanzania", "TZA", False),
    ("Tanzania (United Republic of)", "TZA", True),
    ("United Republic of Tanzania", "TZA", False),
    ("Bolivia", "BOL", False),
    ("Bolivia (Plurinational State of)", "BOL", True),
    ("Venezuela", "VEN", False),
    ("Moldova", "MDA", False),
    ("Republic of Moldova", "MDA", False),
    ("Czechia", "CZE", False),
    ("Czech Republic", "CZE", True),
    ("North Macedonia", "MKD", True),
    ("Macedonia", "MKD", False),
    ("Cabo Verde", "CPV", True),
    ("Cape Verde", "CPV", False),
    ("State of Palestine", "PSE", True),
    ("Palestine", "PSE", False),
    ("Vatican", "VAT", False),
    ("Holy See", "VAT", False),
    ("São Tomé and Príncipe", "STP", False),
    ("Sao Tome and Principe", "STP", True),
    ("USA", "USA", True),
    ("United States", "USA", True),
    ("United States of America", "USA", False),
    ("US", "USA", False),
    ("UAE", "ARE", False),
    ("United Arab Emirates", "ARE", True),
    ("Syria", "SYR", False),
    ("Syrian Arab Republic", "SYR", True),
    ("The Gambia", "GMB", False),
    ("Gambia", "GMB", True),
    ("Micronesia", "FSM", False),
    ("Brunei", "BRN", False),
    ("Burma", "MMR", False),
    ("East Timor", "TLS", False),
    ("Timor-Leste", "TLS", True),
    ("St Lucia", "LCA", False),
    ("Saint Lucia", "LCA", True),
    ("Kyrgyz Republic", "KGZ", False),
    ("Kyrgyzstan", "KGZ", True),
]


@pytest.mark.parametrize(("text", "iso3", "exact"), COUNTRIES)
def test_country_spellings(ref, text, iso3, exact):
    m = lookups.match_country(text, ref)
    assert m.value == iso3
    assert m.exact is exact


def test_at_least_sixty_country_spellings():
    assert len(COUNTRIES) >= 60


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Keyna", "Kenya"),
        ("Ugnada", "Uganda"),
        ("Cote d Ivoir", "Côte d'Ivoire"),
        ("Seneggal", "Senegal"),
        ("Marocco", "Morocco"),
    ],
)
def test_misspelt_country_is_rejected_with_suggestion(ref, text, suggestion):
    m = lookups.match_country(text, ref)
    assert m.value is None and suggestion in m.suggestions
    assert f"Did you mean '{suggestion}'" in m.hint()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Kenya; Uganda", ["KEN", "UGA"]),
        ("Kenya\nUganda", ["KEN", "UGA"]),
        ("Kenya;Uganda;", ["KEN", "UGA"]),
        ("Kenya, Uganda, Rwanda", ["KEN", "UGA", "RWA"]),
        ("Korea, Republic of", ["KOR"]),
        ("Korea, Republic of; Viet Nam", ["KOR", "VNM"]),
        ("KEN; UG", ["KEN", "UGA"]),
    ],
)
def test_country_lists(ref, cell, expected):
    out = lookups.parse_places(cell, ref)
    assert not out.problems
    assert [p.country_iso3 for p in out.places] == expected


@pytest.mark.parametrize(
    ("cell", "region"),
    [
        ("Region: Asia-Pacific", "Asia and the Pacific"),
        ("Region: Asia and the Pacific", "Asia and the Pacific"),
        ("region: africa", "Africa"),
        ("Region: Arab States", "Arab States"),
        ("Region: CIS", "CIS"),
        ("Global", "Global"),
        ("global", "Global"),
    ],
)
def test_regional_and_global(ref, cell, region):
    out = lookups.parse_places(cell, ref)
    assert not out.problems
    assert [(p.country_iso3, p.region) for p in out.places] == [(None, region)]


def test_country_region_comes_from_reference(ref):
    out = lookups.parse_places("Oman; Türkiye; Georgia", ref)
    assert [p.region for p in out.places] == ["Arab States", "Europe", "Europe"]


def test_unknown_and_comma_problems(ref):
    out = lookups.parse_places("Kenya, Wakanda", ref)
    assert out.problems and "Wakanda" in out.problems[0]
    assert "Separate countries with ';'" in out.problems[0]
    out = lookups.parse_places("Europe", ref)
    assert "Region: Europe" in out.problems[0]


# ------------------------------------------------------------------ resolutions (20+ forms)
RESOLUTIONS = [
    ("PP-130", "PP-130", True, ""),
    ("PP Res. 130 (Rev. Bucharest, 2022)", "PP-130", False, "Rev. Bucharest, 2022"),
    ("PP Resolution 130", "PP-130", False, ""),
    ("Resolution 130", "PP-130", False, ""),
    ("Res. 130", "PP-130", False, ""),
    ("Plenipotentiary Resolution 130", "PP-130", False, ""),
    ("Resolution 130 (rev, 2022)", "PP-130", False, "rev, 2022"),
    ("pp res 130", "PP-130", False, ""),
    ("WTDC Resolution 45", "WTDC-45", False, ""),
    ("WTDC-45", "WTDC-45", True, ""),
    ("WTDC Res. 45 (Rev. Kigali, 2022)", "WTDC-45", False, "Rev. Kigali, 2022"),
    ("Res 69 (Kigali)", "WTDC-69", False, "Kigali"),
    ("Resolution 69 (Rev. Kigali, 2022)", "WTDC-69", False, "Rev. Kigali, 2022"),
    ("WTDC Res 67", "WTDC-67", False, ""),
    ("Resolution 67 (Rev. Buenos Aires, 2017)", "WTDC-67", False, "Rev. Buenos Aires, 2017"),
    ("WTDC Resolution 64", "WTDC-64", False, ""),
    ("Resolution 73 (Rev. Kigali, 2022)", "WTDC-73", False, "Rev. Kigali, 2022"),
    ("WTSA Res. 50", "WTSA-50", False, ""),
    ("WTSA Resolution 52 (Rev. Hammamet, 2016)", "WTSA-52", False, "Rev. Hammamet, 2016"),
    ("WTSA-58", "WTSA-58", True, ""),
    # ITU-T's resolutions are the WTSA's (issue 18: it was refused before).
    ("ITU-T Resolution 50", "WTSA-50", False, ""),
    ("Resolution No. 179", "PP-179", False, ""),
    ("PP-179 (Rev. Bucharest, 2022)", "PP-179", False, "Rev. Bucharest, 2022"),
]


@pytest.mark.parametrize(("text", "rid", "exact", "revision"), RESOLUTIONS)
def test_resolution_forms(ref, text, rid, exact, revision):
    out = resolutions.parse_resolution(text, ref)
    if rid is None:
        assert out.problem
        return
    assert out.match.value == rid, out.problem
    assert out.match.exact is exact
    assert out.revision_text == revision


def test_unknown_resolution_names_candidates(ref):
    out = resolutions.parse_resolution("WTDC Resolution 99", ref)
    assert out.match.value is None
    assert "not in the package's resolutions catalogue" in out.problem
    # Same body first: every suggestion is a WTDC resolution.
    assert all(s.startswith("WTDC-") for s in out.match.suggestions)
    out = resolutions.parse_resolution("WTSA Res. 45", ref)
    # No WTSA-45: the same number in another body beats a different WTSA number.
    assert out.match.suggestions[0] == "WTDC-45"


# Misspellings an office really makes, and the suggestion worked out by hand: the same number,
# then the same body, then the number sharing most digits, then the nearest number.
RESOLUTION_TYPOS = [
    ("PP Res 131", "PP-130"),  # PP has 130, 174, 179, 181: 131 shares "13" with 130
    ("WTDC Res. 46", "WTDC-45"),  # 45, 40, 64 each share one digit; 45 is nearest
    ("Resolution 13", "PP-130"),  # no body: "13" is a prefix of 130 only
    ("WTCD Res 45", "WTDC-45"),  # misspelt body: the number still decides
    ("Resolutoin 45", "WTDC-45"),
]


@pytest.mark.parametrize(("text", "first"), RESOLUTION_TYPOS)
def test_resolution_typos_suggest_the_closest(ref, text, first):
    out = resolutions.parse_resolution(text, ref)
    assert out.match.value is None
    assert out.match.suggestions[0] == first
    assert f"Did you mean '{first}'" in out.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cote d Ivoir", "Côte d'Ivoire"),
        ("Keyna", "Kenya"),
        ("Philipines", "Philippines"),
        ("Viet nan", "Viet Nam"),
    ],
)
def test_country_typos_suggest_the_closest(ref, text, expected):
    m = lookups.match_country(text, ref)
    assert m.value is None
    assert m.suggestions[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Child online protecton", "Child online protection"),
        ("Cyber hygene", "Awareness and cyber hygiene"),
        ("Incident responce and CIRTs", "Incident response and CIRTs"),
    ],
)
def test_theme_typos_suggest_the_closest(ref, text, expected):
    m = lookups.match_theme(text, ref)
    assert m.value is None
    assert m.suggestions[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Regional Ofice for Afrika", "Regional Office for Africa"),
        ("Area Office Dakkar", "Area Office Dakar"),
        ("BDT HQs", "BDT (HQ)"),
    ],
)
def test_implementor_typos_suggest_the_closest(ref, text, expected):
    m = lookups.match_implementor(text, ref)
    assert m.value is None
    assert m.suggestions[0] == expected


def test_ambiguous_resolution_number(ref):
    import dataclasses

    import pandas as pd

    extra = pd.DataFrame(
        [
            {
                **ref.resolutions.iloc[0].to_dict(),
                "resolution_id": "WTDC-130",
                "body": "WTDC",
                "number": 130,
            }
        ]
    )
    two = dataclasses.replace(ref, resolutions=pd.concat([ref.resolutions, extra]))
    out = resolutions.parse_resolution("Resolution 130", two)
    assert out.match.value is None
    assert "ambiguous" in out.problem and "PP-130 and WTDC-130" in out.problem
    assert resolutions.parse_resolution(
        "Resolution 130 (Rev. Bucharest, 2022)", two
    ).match.value == ("PP-130")


# ------------------------------------------------------------------ amounts
AMOUNTS = [
    (12500, 1_250_000, None),
    (12500.5, 1_250_050, None),
    ("12500", 1_250_000, None),
    ("12'500", 1_250_000, None),
    ("12’500", 1_250_000, None),
    ("12,500.00", 1_250_000, None),
    ("12 500", 1_250_000, None),
    ("CHF 12 500", 1_250_000, "CHF"),
    ("12 500 CHF", 1_250_000, "CHF"),
    ("USD 1,000", 100_000, "USD"),
    ("1.234.567,50", 123_456_750, None),
    ("1,234,567.50", 123_456_750, None),
    ("12,5", 1_250, None),
    ("0", 0, None),
    (" 7.10 ", 710, None),
    ("12\u00a0500", 1_250_000, None),
    ("100'000.25", 10_000_025, None),
    ("-5000", -500_000, None),
    ("(5000)", -500_000, None),
    (0.1 + 0.2, 30, None),
]


@pytest.mark.parametrize(("value", "cents", "currency"), AMOUNTS)
def test_amounts(value, cents, currency):
    out = cleaning.parse_amount(value)
    assert out.problem == ""
    assert out.cents == cents
    assert out.currency == currency


@pytest.mark.parametrize("value", ["tbd", "", "12.5.3x", "abc", True, float("nan")])
def test_bad_amounts(value):
    out = cleaning.parse_amount(value)
    assert out.cents is None and out.problem


@given(st.integers(min_value=0, max_value=10**11))
def test_amount_roundtrip_all_formats(cents):
    whole, frac = divmod(cents, 100)
    plain = f"{whole}.{frac:02d}"
    swiss = f"{whole:,}.{frac:02d}".replace(",", "'")
    english = f"{whole:,}.{frac:02d}"
    spaced = f"CHF {whole:,}.{frac:02d}".replace(",", " ")
    for text in (plain, swiss, english, spaced):
        assert cleaning.parse_amount(text).cents == cents, text


# ------------------------------------------------------------------ periods and dates
@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        (2021, 2021, 2021),
        (2021.0, 2021, 2021),
        ("2021", 2021, 2021),
        ("2019-2022", 2019, 2022),
        ("2019 – 2022", 2019, 2022),
        ("2019/2020", 2019, 2020),
        ("2019 to 2022", 2019, 2022),
        ("2019-22", 2019, 2022),
        ("FY2023", 2023, 2023),
    ],
)
def test_periods(value, start, end):
    out = cleaning.parse_period(value)
    assert (out.start, out.end, out.problem) == (start, end, "")


@pytest.mark.parametrize("value", ["2022-2019", "twenty", "21", "3021"])
def test_bad_periods(value):
    assert cleaning.parse_period(value).problem


@pytest.mark.parametrize(
    ("value", "expected", "end"),
    [
        (dt.date(2021, 12, 31), dt.date(2021, 12, 31), False),
        (dt.datetime(2021, 12, 31, 10, 0), dt.date(2021, 12, 31), False),
        ("2021-12-31", dt.date(2021, 12, 31), False),
        ("31/12/2021", dt.date(2021, 12, 31), False),
        ("03/04/2021", dt.date(2021, 4, 3), False),
        ("31.12.2021", dt.date(2021, 12, 31), False),
        ("12 June 2017", dt.date(2017, 6, 12), False),
        ("06 2023", dt.date(2023, 6, 1), False),
        ("06 2023", dt.date(2023, 6, 30), True),
        ("02/2024", dt.date(2024, 2, 29), True),
        ("June 2017", dt.date(2017, 6, 1), False),
        (44561, dt.date(2021, 12, 31), False),
    ],
)
def test_dates(value, expected, end):
    out = cleaning.parse_date(value, end_of_month=end)
    assert out.value == expected and out.problem == ""


@pytest.mark.parametrize("value", ["31/02/2021", "2021-13-01", "soon", "32/01/2020"])
def test_impossible_dates(value):
    out = cleaning.parse_date(value)
    assert out.value is None and "not a date" in out.problem


# ------------------------------------------------------------------ shares
@pytest.mark.parametrize(
    ("value", "n", "weights"),
    [
        ("50; 25; 25", 3, (500_000, 250_000, 250_000)),
        ("50%; 50%", 2, (500_000, 500_000)),
        ("60 40", 2, (600_000, 400_000)),
        ("33.34; 33.33; 33.33", 3, (333_400, 333_300, 333_300)),
        (100, 1, (1_000_000,)),
        ("", 3, None),
        (None, 2, None),
    ],
)
def test_shares(value, n, weights):
    out = cleaning.parse_shares(value, n)
    assert out.problem == "" and out.weights == weights


@pytest.mark.parametrize(
    ("value", "n", "needle"),
    [
        ("50; 40", 2, "sums to 90"),
        ("50; 50", 3, "2 share(s) for 3"),
        ("a; b", 2, "not a list"),
        ("150; -50", 2, "negative"),
    ],
)
def test_bad_shares(value, n, needle):
    assert needle in cleaning.parse_shares(value, n).problem


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6))
def test_shares_property(parts):
    text = "; ".join(str(p) for p in parts)
    out = cleaning.parse_shares(text, len(parts))
    if sum(parts) == 100:
        assert out.weights is not None and sum(out.weights) == 1_000_000
        assert list(out.weights) == [p * 10_000 for p in parts]
    else:
        assert out.weights is None and "not 100" in out.problem


# ------------------------------------------------------------------ vocabularies
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("BDT (HQ)", "BDT (HQ)"),
        ("BDT HQ", "BDT (HQ)"),
        ("Addis Ababa", "Regional Office for Africa"),
        ("Brasília", "Regional Office for the Americas"),
        ("Brasilia", "Regional Office for the Americas"),
        ("Yaounde", "Area Office Yaoundé"),
        ("Area Office Dakar", "Area Office Dakar"),
        ("ITU Area Office Dakar", "Area Office Dakar"),
        ("RO Asia-Pacific", "Regional Office for Asia and the Pacific"),
        ("New Delhi", "Area Office New Delhi"),
        ("Moscow", "Regional Office for CIS"),
    ],
)
def test_implementors(ref, text, value):
    assert lookups.match_implementor(text, ref).value == value


def test_implementor_list_and_suggestion(ref):
    out = lookups.parse_implementors("BDT (HQ); Addis Ababa; Regional Office for Afrika", ref)
    assert out.names == ("BDT (HQ)", "Regional Office for Africa")
    assert "Did you mean 'Regional Office for Africa'" in out.problems[0]


def test_theme_status_currency(ref):
    assert lookups.match_theme("child online protection", ref).value == "Child online protection"
    assert lookups.match_theme("Child online protection", ref).exact
    assert "Awareness and cyber hygiene" in lookups.match_theme("Cyber hygene", ref).suggestions
    assert lookups.match_vocab("ongoing", "status", ref).value == "Ongoing"
    assert lookups.match_vocab("non staff", "cost_type", ref).value == "Non-staff"
    assert lookups.match_vocab("Estimate", "basis", ref).value == "Estimated"
    assert lookups.match_vocab("Delayed", "status", ref).value is None
    assert lookups.match_currency("usd").value == "USD"
    assert lookups.match_currency("").value == "CHF"
    assert lookups.match_currency("XYZ").value is None
