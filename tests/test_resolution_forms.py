"""Resolution references as offices write them, in the six ITU languages (issue 18: 1, 6).

Every id below was worked out by hand from the text: the number after the word for
"Resolution" (or between 第 and 号决议) is the resolution; a number glued to a conference
(``PP-18``, ``CMDT-17``, ``ВКРЭ-22``) is that conference's year; the conference names the
body (CMDT/ВКРЭ/世界电信发展大会 = WTDC, AMNT/ВАСЭ = WTSA, ПК/Conférence de
plénipotentiaires = PP); with no body, the catalogue's only resolution of that number
(130 is PP's, 45/69/67/73/64/40/80 WTDC's, 50/52/58 WTSA's).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from cyber_mapping.intake import resolutions
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

FORMS = [
    # --- English: the conference year glued to the body, before or after the number
    ("en", "PP-18 Res 130", "PP-130"),
    ("en", "WTDC-17 Res. 69", "WTDC-69"),
    ("en", "WTDC-17 Res. 45 (Buenos Aires)", "WTDC-45"),
    ("en", "PP-22 Res. 130", "PP-130"),
    ("en", "PP-2018 Resolution 179", "PP-179"),
    ("en", "Res. 130 (PP-22)", "PP-130"),
    ("en", "Resolution 45 (WTDC-22)", "WTDC-45"),
    ("en", "Resolution 130 (Rev. Dubai, 2018)", "PP-130"),
    ("en", "PP Res. 130 (Rev. Dubai, 2018)", "PP-130"),
    ("en", "WTDC-22 Resolution 69 (Rev. Kigali, 2022)", "WTDC-69"),
    ("en", "Res 69 WTDC-17", "WTDC-69"),
    ("en", "WTSA-20 Res. 50", "WTSA-50"),
    ("en", "WTSA Res 52 (Rev. Hammamet, 2016)", "WTSA-52"),
    ("en", "Resolution 58 (WTSA-16)", "WTSA-58"),
    ("en", "Plenipotentiary Conference Resolution 174", "PP-174"),
    ("en", "Resolution 130 of the Plenipotentiary Conference (Bucharest, 2022)", "PP-130"),
    ("en", "World Telecommunication Development Conference Resolution 45", "WTDC-45"),
    ("en", "Resolution 50 of the World Telecommunication Standardization Assembly", "WTSA-50"),
    # ITU-T's resolutions are WTSA's, ITU-D's are WTDC's.
    ("en", "ITU-T Resolution 50", "WTSA-50"),
    ("en", "ITU-D Resolution 67", "WTDC-67"),
    ("en", "PP18 Res130", "PP-130"),
    ("en", "WTDC17/Res.45", "WTDC-45"),
    ("en", "Resolution No. 73 (WTDC-17)", "WTDC-73"),
    ("en", "Res. 64 (Rev. Buenos Aires, 2017)", "WTDC-64"),
    ("en", "PP-14 Res. 181", "PP-181"),
    ("en", "ITU PP-22 Resolution 130", "PP-130"),
    ("en", "WTDC Res. 80 (Kigali, 2022)", "WTDC-80"),
    ("en", "Res. 40 (Rev. Kigali 2022)", "WTDC-40"),
    # --- French
    ("fr", "Résolution 67 (CMDT-17)", "WTDC-67"),
    ("fr", "Résolution 130 (Rév. Bucarest, 2022)", "PP-130"),
    ("fr", "Rés. 45 (Rév. Kigali, 2022)", "WTDC-45"),
    ("fr", "CMDT-22 Rés. 69", "WTDC-69"),
    ("fr", "Résolution 130 de la Conférence de plénipotentiaires (Rév. Dubaï, 2018)", "PP-130"),
    (
        "fr",
        "Résolution 45 de la Conférence mondiale de développement des télécommunications",
        "WTDC-45",
    ),
    ("fr", "Résolution 50 de l'AMNT", "WTSA-50"),
    ("fr", "AMNT-16 Résolution 52", "WTSA-52"),
    ("fr", "PP-18 Rés. 179", "PP-179"),
    ("fr", "Résolution n° 73 (CMDT-17)", "WTDC-73"),
    ("fr", "Résolution 64 (Rév. Buenos Aires, 2017)", "WTDC-64"),
    ("fr", "Rés. 130 PP-22", "PP-130"),
    ("fr", "résolution 69 CMDT 2022", "WTDC-69"),
    # --- Spanish
    ("es", "Resolución 130 (Rev. Bucarest, 2022)", "PP-130"),
    ("es", "Res. 45 de la CMDT-17", "WTDC-45"),
    ("es", "Resolución 69 (CMDT-22)", "WTDC-69"),
    ("es", "Resolución 130 de la Conferencia de Plenipotenciarios", "PP-130"),
    (
        "es",
        "Resolución 67 de la Conferencia Mundial de Desarrollo de las Telecomunicaciones "
        "(Rev. Buenos Aires, 2017)",
        "WTDC-67",
    ),
    ("es", "AMNT-20 Res. 50", "WTSA-50"),
    ("es", "Resolución 58 de la AMNT (Rev. Hammamet, 2016)", "WTSA-58"),
    ("es", "Resolución núm. 179 (PP-18)", "PP-179"),
    ("es", "PP-22 Resolución 130", "PP-130"),
    ("es", "Resolución N.º 45 (Rev. Kigali, 2022)", "WTDC-45"),
    ("es", "Resolución 73 (CMDT-2017)", "WTDC-73"),
    # --- Russian (the conference names also in the genitive, as in running text)
    ("ru", "Резолюция 130 (Пересм. Бухарест, 2022 г.)", "PP-130"),
    ("ru", "ПК-18 Резолюция 130", "PP-130"),
    ("ru", "Рез. 45 ВКРЭ-17", "WTDC-45"),
    ("ru", "Резолюция 69 (ВКРЭ-22)", "WTDC-69"),
    ("ru", "Резолюция 50 ВАСЭ-20", "WTSA-50"),
    ("ru", "Резолюция 130 Полномочной конференции", "PP-130"),
    ("ru", "Резолюция № 179 (ПК-22)", "PP-179"),
    ("ru", "Резолюция 45 Всемирной конференции по развитию электросвязи", "WTDC-45"),
    ("ru", "ВКРЭ-17, Резолюция 67", "WTDC-67"),
    # --- Chinese (第…号决议; full-width brackets and commas)
    ("zh", "第130号决议（2022年，布加勒斯特，修订版）", "PP-130"),
    ("zh", "全权代表大会第130号决议", "PP-130"),
    ("zh", "世界电信发展大会第45号决议", "WTDC-45"),
    ("zh", "WTDC-17第69号决议", "WTDC-69"),
    ("zh", "PP-18 第179号决议", "PP-179"),
    ("zh", "世界电信标准化全会第50号决议", "WTSA-50"),
    ("zh", "第67号决议（WTDC-22）", "WTDC-67"),
    ("zh", "第 73 号决议 (基加利，2022年)", "WTDC-73"),
    # --- Arabic (the article and the prefix l- "of" as written; Arabic-Indic digits)
    ("ar", "القرار 130 (المراجَع في بوخارست، 2022)", "PP-130"),
    ("ar", "القرار 130 لمؤتمر المندوبين المفوضين", "PP-130"),
    ("ar", "القرار 45 (WTDC-17)", "WTDC-45"),
    ("ar", "القرار 69 للمؤتمر العالمي لتنمية الاتصالات", "WTDC-69"),
    ("ar", "قرار مؤتمر المندوبين المفوضين رقم 130", "PP-130"),
    ("ar", "القرار 50 للجمعية العالمية لتقييس الاتصالات", "WTSA-50"),
    ("ar", "القرار ١٣٠ (دبي، 2018)", "PP-130"),
    ("ar", "القرار 67 (كيغالي، 2022)", "WTDC-67"),
]


@pytest.mark.parametrize(("language", "text", "rid"), FORMS, ids=[f[1] for f in FORMS])
def test_every_form_gives_its_id(ref, language, text, rid):
    out = resolutions.parse_resolution(text, ref)
    assert out.problem == "", out.problem
    assert out.match.value == rid
    # Only the canonical id as written is exact; every form above is folded or parsed.
    assert out.match.exact is False


def test_the_fixture_covers_the_six_languages():
    counts = Counter(lang for lang, _, _ in FORMS)
    assert len(FORMS) >= 60
    assert set(counts) == {"en", "fr", "es", "ru", "zh", "ar"}
    assert len({text for _, text, _ in FORMS}) == len(FORMS)


# The revision the office wrote, as the catalogue labels it: the conference glued to the
# body is the revision (PP-18 = Dubai, 2018; CMDT-17 = Buenos Aires, 2017; ВАСЭ-20 = WTSA-20,
# held in Geneva in 2022), else the place and year in the text; nothing written gives "".
WRITTEN = [
    ("PP-18 Res 130", "Rev. Dubai, 2018"),
    ("WTDC-17 Res. 45 (Buenos Aires)", "Rev. Buenos Aires, 2017"),
    ("Résolution 67 (CMDT-17)", "Rev. Buenos Aires, 2017"),
    ("Резолюция 50 ВАСЭ-20", "Rev. Geneva, 2022"),
    ("第130号决议（2022年，布加勒斯特，修订版）", "Rev. Bucharest, 2022"),
    ("Res 69 (Kigali)", "Rev. Kigali, 2022"),
    ("Resolution 130 (rev, 2022)", "Rev. Bucharest, 2022"),
    ("القرار ١٣٠ (دبي، 2018)", "Rev. Dubai, 2018"),
    ("Res. 130", ""),
]


@pytest.mark.parametrize(("text", "label"), WRITTEN)
def test_the_revision_written_is_read_as_the_catalogue_labels_it(ref, text, label):
    assert resolutions.parse_resolution(text, ref).revision_written == label


def test_a_conference_alone_is_not_a_resolution_and_suggests_no_year_prefix(ref):
    # "PP-18" is the 2018 Plenipotentiary Conference: PP-181 shares the digits 18 only
    # because 18 is a year, so it is never proposed.
    out = resolutions.parse_resolution("PP-18", ref)
    assert out.match.value is None
    assert "PP-181" not in out.match.suggestions
    assert "PP-181" not in out.problem
    assert "conference" in out.problem and "2018" in out.problem
    out = resolutions.parse_resolution("WTDC-17", ref)
    assert out.match.value is None and "2017" in out.problem
    # A number the catalogue lacks after "PP-18": still no PP-18x proposed.
    out = resolutions.parse_resolution("PP-18 Res 999", ref)
    assert out.match.value is None and out.match.suggestions
    assert not any(s.startswith("PP-18") for s in out.match.suggestions)


def test_misspelt_words_are_still_errors(ref):
    # A word the table does not know, with no revision or year to explain it, is not
    # silently dropped: "WTCD" is not a body.
    out = resolutions.parse_resolution("WTCD Res 45", ref)
    assert out.match.value is None
    assert out.match.suggestions[0] == "WTDC-45"


def _act(aid, refs, start, clauses=""):
    return {
        **GOOD_ACTIVITY,
        "Activity ID": aid,
        "Resolution references": refs,
        "Start date": start,
        "End date": start + dt.timedelta(days=30),
        "Clauses": clauses,
    }


def test_prefixed_references_validate_without_the_false_clause_error(tmp_path):
    # R-1 writes the PP-18 text of Resolution 130 on a 1 March 2024 activity: PP-22 closed
    # on 14 Oct 2022, so Bucharest, 2022 is in force (a warning, the row kept). R-2 writes
    # PP-22, which is in force: no warning. R-3 (French) cites WTDC-67 of Buenos Aires on
    # 1 May 2019, before Kigali (16 Jun 2022): in force, no warning.
    acts = [
        _act("R-1", "PP-18 Res 130", dt.date(2024, 3, 1), "PP-130/instructs-BDT/CIRTs"),
        _act("R-2", "PP-22 Res. 130", dt.date(2024, 3, 1), "PP-130/instructs-BDT/CIRTs"),
        _act("R-3", "Résolution 67 (CMDT-17)", dt.date(2019, 5, 1)),
    ]
    spend = [
        {**GOOD_SPEND, "Activity ID": a, "Period": y, "Amount": 100}
        for a, y in (("R-1", 2024), ("R-2", 2024), ("R-3", 2019))
    ]
    write_workbook(tmp_path / "w.xlsx", activities=acts, expenditure=spend)
    result = validate_folder(tmp_path)
    issues = result.issues
    assert issues[issues["severity"] == "error"].empty, issues["message"].tolist()
    assert set(result.activities["activity_id"]) == {"R-1", "R-2", "R-3"}
    links = result.activity_resolutions.set_index("activity_id")
    assert links.loc["R-1", "resolution_id"] == "PP-130"
    assert links.loc["R-1", "revision_written"] == "Rev. Dubai, 2018"
    assert links.loc["R-1", "revision_in_force"] == "Rev. Bucharest, 2022"
    assert links.loc["R-2", "revision_written"] == "Rev. Bucharest, 2022"
    assert links.loc["R-3", "resolution_id"] == "WTDC-67"
    assert links.loc["R-3", "revision_written"] == "Rev. Buenos Aires, 2017"
    revision = issues[issues["message"].str.contains("revision in force")]
    assert len(revision) == 1
    message = revision["message"].iloc[0]
    assert revision["severity"].iloc[0] == "warning"
    assert revision["column"].iloc[0] == "Resolution references"
    assert "Dubai, 2018" in message and "was written" in message
    assert "2024-03-01" in message and "Bucharest, 2022" in message
    assert "adopted 2022-10-14" in message


def test_a_revision_the_catalogue_does_not_know_is_a_warning(tmp_path):
    # PP-181's only known revision is Guadalajara, 2010: PP-14 (Busan) is not one of its
    # revisions in the catalogue, so the office hears which revision it is mapped to.
    acts = [_act("R-4", "PP-14 Res. 181", dt.date(2018, 5, 1))]
    spend = [{**GOOD_SPEND, "Activity ID": "R-4", "Period": 2018, "Amount": 100}]
    write_workbook(tmp_path / "w.xlsx", activities=acts, expenditure=spend)
    result = validate_folder(tmp_path)
    issues = result.issues
    assert issues[issues["severity"] == "error"].empty, issues["message"].tolist()
    links = result.activity_resolutions.set_index("activity_id")
    assert links.loc["R-4", "revision_written"] == ""
    assert links.loc["R-4", "revision_text"] == "PP-14"
    warned = issues[issues["message"].str.contains("PP-14")]
    assert len(warned) == 1 and "Guadalajara, 2010" in warned["message"].iloc[0]
