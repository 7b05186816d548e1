"""The GCI 2024 tier reference file and its loader."""

from __future__ import annotations

import pytest

from cyber_mapping.exceptions import ReferenceDataError
from cyber_mapping.reference import GCI_TIERS, load_gci

HEADER = "iso3,tier,tier_name,verification,source,source_url,note\n"


def test_package_file_covers_every_country_of_the_regions(ref):
    gci = load_gci(regions=ref.regions)
    assert sorted(gci["iso3"]) == sorted(ref.regions["iso3"])
    # Published tier names, Tier 1 "Role-modelling" ... Tier 5 "Building".
    assert GCI_TIERS == {
        1: "Role-modelling",
        2: "Advancing",
        3: "Establishing",
        4: "Evolving",
        5: "Building",
    }
    known = gci[gci["tier"].notna()]
    assert set(known["verification"]) <= {"itu", "secondary", "inferred"}
    # A country with no tier is marked unverified and cites no source of a tier.
    unknown = gci[gci["tier"].isna()]
    assert set(unknown["verification"]) == {"unverified"}
    assert (unknown["tier_name"] == "").all()


def test_rows_checked_against_their_sources(ref):
    gci = load_gci(regions=ref.regions).set_index("iso3")
    # ITU Regional Office for CIS (14 Jan 2025): Kyrgyzstan and Belarus in the third group.
    assert gci.loc["KGZ", "tier"] == 3 and gci.loc["KGZ", "verification"] == "itu"
    assert gci.loc["KGZ", "tier_name"] == "Establishing"
    # Telecom Review Americas: Brazil the region's only role model; Mexico advancing.
    assert gci.loc["BRA", "tier"] == 1 and gci.loc["MEX", "tier"] == 2
    # Ecofin Agency: Burundi in Tier 5.
    assert gci.loc["BDI", "tier_name"] == "Building"


def test_user_file_replaces_the_package_one(tmp_path, ref):
    path = tmp_path / "my_gci.csv"
    path.write_text(HEADER + "KEN,1,,verified,GCI 2024 report p. 30,https://x,checked\n")
    gci = load_gci(path, regions=ref.regions)
    assert list(gci["iso3"]) == ["KEN"] and gci.loc[0, "tier_name"] == "Role-modelling"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("KEN,6,,secondary,s,u,n\n", "row 2, column tier: '6' is not a tier 1 to 5"),
        ("KEN,x,,secondary,s,u,n\n", "'x' is not a tier"),
        ("KEN,2,,secondary,,,n\n", "row 2: tier 2 has no source"),
        ("KEN,2,,maybe,s,u,n\n", "column verification: 'maybe'"),
        ("XXX,2,,secondary,s,u,n\n", "not in itu_regions.csv: XXX"),
        ("KEN,2,,secondary,s,u,n\nKEN,3,,secondary,s,u,n\n", "more than once: KEN"),
    ],
)
def test_bad_rows_are_named(tmp_path, ref, line, message):
    path = tmp_path / "gci.csv"
    path.write_text(HEADER + line)
    with pytest.raises(ReferenceDataError, match=message.replace("(", r"\(")):
        load_gci(path, regions=ref.regions)


def test_missing_file_or_column(tmp_path):
    with pytest.raises(ReferenceDataError, match="missing"):
        load_gci(tmp_path / "nope.csv")
    path = tmp_path / "gci.csv"
    path.write_text("iso3,tier\nKEN,1\n")
    with pytest.raises(ReferenceDataError, match="lacks column"):
        load_gci(path)


def test_never_more_countries_per_tier_than_itu_published(ref):
    # ITU's GCI 2024 press release: 46 countries in Tier 1; 105 in Tiers 3 and 4 together.
    tiers = load_gci(regions=ref.regions)["tier"].value_counts()
    assert tiers.get(1, 0) <= 46
    assert tiers.get(3, 0) + tiers.get(4, 0) <= 105


def test_african_rows_match_the_published_african_counts(ref):
    # Ecofin Agency (17 Sep 2024): of Africa's 54 countries, 7 in Tier 1, 4 in Tier 2,
    # 18 in Tier 3, 21 in Tier 4, 4 in Tier 5. Africa = the ITU Africa region (44) plus the
    # ten Arab States on the continent.
    north = {"DZA", "COM", "DJI", "EGY", "LBY", "MRT", "MAR", "SOM", "SDN", "TUN"}
    africa = set(ref.member_states.loc[ref.member_states["region"] == "Africa", "iso3"]) | north
    assert len(africa) == 54
    gci = load_gci(regions=ref.regions)
    counts = gci[gci["iso3"].isin(africa)]["tier"].value_counts().to_dict()
    assert counts == {1: 7, 2: 4, 3: 18, 4: 21, 5: 4}
