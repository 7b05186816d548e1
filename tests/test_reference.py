"""Reference data: loading, cross-checks, folding of labels, YAML parsing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cyber_mapping.exceptions import ReferenceDataError
from cyber_mapping.paths import REFERENCE_DIR, TEMPLATES_DIR
from cyber_mapping.reference import load_reference, normalise_key, read_yaml


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Côte d’Ivoire ", "cote d'ivoire"),
        ("  BOSNIA   and Herzegovina", "bosnia and herzegovina"),
        ("Trinidad & Tobago", "trinidad and tobago"),
        ("Guinea–Bissau.", "guinea-bissau"),
        (2019, "2019"),
    ],
)
def test_normalise_key_folds_accents_case_apostrophes_dashes_and_spaces(raw, key):
    assert normalise_key(raw) == key


@pytest.mark.parametrize(
    "path", [REFERENCE_DIR / "resolutions.yaml", TEMPLATES_DIR / "text_en.yaml"]
)
def test_read_yaml_gives_what_the_pure_python_safe_loader_gives(path: Path):
    assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_read_yaml_refuses_python_objects(tmp_path: Path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(evil)


def test_bundled_reference_has_the_itu_membership_and_regions(ref):
    # 194 ITU Member States since Palau joined on 19 September 2024 (ITU press release);
    # the State of Palestine is listed too, as an observer. 6 regions.
    assert len(ref.member_states) == 194
    assert "PSE" in set(ref.regions["iso3"]) - set(ref.member_states["iso3"])
    assert ref.region_names == (
        "Africa",
        "Americas",
        "Arab States",
        "Asia and the Pacific",
        "CIS",
        "Europe",
    )
    assert ref.country_name()["CIV"] == "Côte d'Ivoire"
    assert ref.region_of()["KEN"] == "Africa"


def test_version_is_a_stable_fingerprint_of_the_files(ref, tmp_path: Path):
    same, changed = tmp_path / "same", tmp_path / "changed"
    shutil.copytree(REFERENCE_DIR, same)
    shutil.copytree(REFERENCE_DIR, changed)
    with (changed / "funders.csv").open("a", encoding="utf-8") as f:
        f.write("Donor X,Donor X,new funder\n")
    assert load_reference(same).version() == ref.version()
    assert load_reference(changed).version() != ref.version()


def _broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "ref"
    shutil.copytree(REFERENCE_DIR, copy)
    return copy


def test_a_missing_file_is_named(tmp_path: Path):
    copy = _broken_copy(tmp_path)
    (copy / "themes.csv").unlink()
    with pytest.raises(ReferenceDataError, match=r"themes\.csv missing in"):
        load_reference(copy)


def test_a_missing_column_is_named(tmp_path: Path):
    copy = _broken_copy(tmp_path)
    (copy / "funders.csv").write_text("alias,name\nRB,Regular budget\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"funders\.csv lacks column\(s\) \['funder'\]"):
        load_reference(copy)


def test_an_alias_to_an_unknown_country_code_is_refused(tmp_path: Path):
    copy = _broken_copy(tmp_path)
    with (copy / "country_aliases.csv").open("a", encoding="utf-8") as f:
        f.write("Atlantis,ATL\n")
    with pytest.raises(ReferenceDataError, match="ATL"):
        load_reference(copy)
