"""Names in the six languages (issue 18, item 2): States, statuses, themes, offices.

Every expected ISO3 code below is the State the name designates, worked out by reading the
name (e.g. "Koweït" is French for Kuwait, KWT), never copied from the output.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cyber_mapping.intake import lookups
from cyber_mapping.intake.validation import validate_folder
from cyber_mapping.paths import REFERENCE_DIR
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

# ------------------------------------------------------------------ Member States


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        # French, as seen in issue 18.
        ("Tanzanie", "TZA"),
        ("Ouganda", "UGA"),
        ("Égypte", "EGY"),
        ("Maroc", "MAR"),
        ("Liban", "LBN"),
        ("Cambodge", "KHM"),
        ("République de Moldova", "MDA"),
        ("Arabie saoudite", "SAU"),
        ("Émirats arabes unis", "ARE"),
        ("Koweït", "KWT"),
        ("koweit", "KWT"),  # accents and case folded
        ("RDC", "COD"),
        ("EAU", "ARE"),
        ("RCA", "CAF"),
        ("Côte d’Ivoire", "CIV"),
        ("Sénégal", "SEN"),
        # Spanish.
        ("Marruecos", "MAR"),
        ("Perú", "PER"),
        ("República Dominicana", "DOM"),
        ("Emiratos Árabes Unidos", "ARE"),
        ("Túnez", "TUN"),
        # Russian, Chinese, Arabic.
        ("Казахстан", "KAZ"),
        ("Российская Федерация", "RUS"),
        ("中国", "CHN"),
        ("肯尼亚", "KEN"),
        ("مصر", "EGY"),
        ("عُمان", "OMN"),  # the damma is folded away like an accent
        # Comma-inverted forms.
        ("Gambia, The", "GMB"),
        ("Korea, Republic of", "KOR"),
        ("Moldova, Republic of", "MDA"),
        ("Tanzanie, République unie de", "TZA"),
    ],
)
def test_a_state_in_any_of_the_six_languages(ref, text, iso3):
    m = lookups.match_country(text, ref)
    assert m.value == iso3, (text, m)
    assert not m.exact  # only the ITU name or the ISO3 code is exact


def test_the_itu_name_and_code_stay_exact(ref):
    assert lookups.match_country("Kenya", ref).exact
    assert lookups.match_country("KEN", ref).exact


def test_gambia_the_is_one_country_not_bahamas(ref):
    out = lookups.parse_places("Gambia, The; Sénégal", ref)
    assert [p.country_iso3 for p in out.places] == ["GMB", "SEN"]
    assert out.problems == ()


def test_kenya_comma_uganda_is_still_two_countries(ref):
    out = lookups.parse_places("Kenya, Ouganda", ref)
    assert [p.country_iso3 for p in out.places] == ["KEN", "UGA"]


def test_did_you_mean_searches_every_language(ref):
    # "Tanzannie" is the French "Tanzanie" with one letter doubled.
    m = lookups.match_country("Tanzannie", ref)
    assert m.value is None and m.suggestions
    assert "Tanzanie" in m.suggestions[0] and "Tanzania" in m.suggestions[0]
    # A Spanish misspelling of Morocco ("Marruecos").
    assert "Marruecos" in lookups.match_country("Marueccos", ref).suggestions[0]


def test_a_name_of_two_states_is_ambiguous_not_a_guess(ref, tmp_path):
    # Give a name to two States in a copy of the reference data: it must not pick one.
    import shutil

    from cyber_mapping.reference import load_reference

    copy = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, copy)
    with (copy / "country_names.csv").open("a", encoding="utf-8") as f:
        f.write("NER,fr,Nigerland,alias,test\nNGA,es,Nigerland,alias,test\n")
    other = load_reference(copy)
    m = lookups.match_country("Nigerland", other)
    assert m.value is None and m.via == "ambiguous"
    assert set(m.suggestions) == {"Niger", "Nigeria"}
    problem = lookups.parse_places("Nigerland", other).problems[0]
    assert "'Nigerland' names more than one State" in problem and "Niger" in problem


def test_every_member_state_has_a_name_in_each_language(ref):
    names = pd.read_csv(REFERENCE_DIR / "country_names.csv", dtype=str, keep_default_na=False)
    members = set(ref.member_states["iso3"])
    assert len(members) == 194
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        covered = set(names.loc[names["language"] == language, "iso3"])
        assert members <= covered, (language, sorted(members - covered))
    assert (names["source"] != "").all()


# ------------------------------------------------------------------ vocabularies


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Achevé", "status", "Completed"),
        ("achevé", "status", "Completed"),
        ("En cours", "status", "Ongoing"),
        ("Prévu", "status", "Planned"),
        ("Terminado", "status", "Completed"),
        ("En curso", "status", "Ongoing"),
        ("Previsto", "status", "Planned"),
        ("Personnel", "cost_type", "Staff"),
        ("Hors personnel", "cost_type", "Non-staff"),
        ("Gastos de personal", "cost_type", "Staff"),
        ("Réel", "basis", "Actual"),
        ("Estimé", "basis", "Estimated"),
        ("Estimado", "basis", "Estimated"),
        ("Afrique", "region", "Africa"),
        ("Asia y el Pacífico", "region", "Asia and the Pacific"),
    ],
)
def test_vocabularies_in_french_and_spanish(ref, text, field, value):
    assert lookups.match_vocab(text, field, ref).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bureau régional pour l'Afrique", "Regional Office for Africa"),
        ("Bureau régional de l’UIT pour l’Afrique", "Regional Office for Africa"),
        ("Oficina Regional para las Américas", "Regional Office for the Americas"),
        ("Bureau de zone de Dakar", "Area Office Dakar"),
        ("Oficina de Zona de Tegucigalpa", "Area Office Tegucigalpa"),
        ("Bureau régional pour les États arabes", "Regional Office for Arab States"),
        ("Le Caire", "Regional Office for Arab States"),
        ("Addis-Abeba", "Regional Office for Africa"),
        ("BDT (Siège)", "BDT (HQ)"),
    ],
)
def test_offices_in_french_and_spanish(ref, text, value):
    assert lookups.match_implementor(text, ref).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Protection en ligne des enfants", "Child online protection"),
        ("Protección de la infancia en línea", "Child online protection"),
        ("Exercices cybernétiques", "Cyber drills and exercises"),
    ],
)
def test_themes_in_french_and_spanish(ref, text, value):
    assert lookups.match_theme(text, ref).value == value


def test_cyberdrills_names_the_closest_theme(ref):
    # The contract: anything else is an error that names the closest theme.
    m = lookups.match_theme("Cyberdrills", ref)
    assert m.value == "Cyber drills and exercises" or m.suggestions[0] == (
        "Cyber drills and exercises"
    )
    m = lookups.match_theme("Cyber-drils", ref)
    assert m.value is None and m.suggestions[0] == "Cyber drills and exercises"
    # Even far-fetched text names one theme.
    assert len(lookups.match_theme("Zzzz", ref).suggestions) >= 1


# ------------------------------------------------------------------ through validation

FRENCH = {
    **GOOD_ACTIVITY,
    "Activity ID": "AO-DKR-2023-004",
    "Resolution references": "PP-130; WTDC-45",
    "Activity theme": "Protection en ligne des enfants",
    "Activity": "Atelier national sur la protection en ligne des enfants",
    "Beneficiary countries": "Sénégal; Côte d’Ivoire; Gambia, The",
    "Implementor(s)": "Bureau de zone de Dakar; Bureau régional pour l'Afrique",
    "Status": "Achevé",
    "Start date": dt.date(2023, 5, 15),
    "End date": dt.date(2023, 5, 17),
}
SPANISH = {
    **GOOD_ACTIVITY,
    "Activity ID": "AO-TGU-2024-002",
    "Resolution references": "WTDC-69",
    "Activity theme": "Cyber drills and exercises",
    "Activity": "Ciberejercicio regional para Centroamérica",
    "Beneficiary countries": "Honduras; Guatemala; República Dominicana; Panamá",
    "Implementor(s)": "Oficina de Zona de Tegucigalpa",
    "Status": "Terminado",
    "Start date": dt.date(2024, 9, 10),
    "End date": dt.date(2024, 9, 12),
}


def test_french_and_spanish_rows_validate_without_errors(tmp_path):
    spend = [
        {
            **GOOD_SPEND,
            "Activity ID": "AO-DKR-2023-004",
            "Period": 2023,
            "Amount": 18_500,
            "Cost type": "Hors personnel",
            "Basis": "Réel",
        },
        {
            **GOOD_SPEND,
            "Activity ID": "AO-TGU-2024-002",
            "Period": 2024,
            "Amount": 9_200,
            "Cost type": "Personal",
            "Basis": "Estimado",
        },
    ]
    write_workbook(tmp_path / "offices.xlsx", activities=[FRENCH, SPANISH], expenditure=spend)
    result = validate_folder(tmp_path)
    errors = result.issues[result.issues["severity"] == "error"]
    assert errors.empty, list(errors["message"])
    acts = result.activities.set_index("activity_id")
    assert acts.at["AO-DKR-2023-004", "beneficiaries"] == "SEN; CIV; GMB"
    assert acts.at["AO-DKR-2023-004", "status"] == "Completed"
    assert acts.at["AO-DKR-2023-004", "theme"] == "Child online protection"
    assert acts.at["AO-DKR-2023-004", "implementors"] == (
        "Area Office Dakar; Regional Office for Africa"
    )
    assert acts.at["AO-TGU-2024-002", "beneficiaries"] == "HND; GTM; DOM; PAN"
    exp = result.expenditure.set_index("activity_id")
    assert exp.at["AO-DKR-2023-004", "cost_type"] == "Non-staff"
    assert exp.at["AO-TGU-2024-002", "basis"] == "Estimated"
