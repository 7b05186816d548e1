"""Mutation-killing tests for cyber_mapping.intake.clauses (hand-worked expectations)."""

from __future__ import annotations

import pandas as pd

from cyber_mapping.intake.clauses import clause_suggestions, revision_in_force, revision_table

CIRTS = "PP-130/instructs-BDT/CIRTs"


def test_revision_history_in_any_row_order_gives_the_same_revision(ref):
    # The catalogue happens to be sorted; a history given newest first must be sorted by
    # date before bisecting. 1 Mar 2021 for PP-130: Dubai 2018 (16 Nov 2018) is in force,
    # Bucharest 2022 (14 Oct 2022) is not yet.
    shuffled = ref.revisions.iloc[::-1].reset_index(drop=True)
    day = pd.Timestamp("2021-03-01")
    assert revision_in_force("PP-130", day, shuffled) == "Rev. Dubai, 2018"
    dates, labels = revision_table(shuffled)["PP-130"]
    assert dates == sorted(dates)
    assert labels[0] == "Rev. Antalya, 2006" and labels[-1] == "Rev. Bucharest, 2022"


def _suggest(ref, quote):
    acts = pd.DataFrame({"activity_id": ["S-1"], "clause_quoted": [quote], "clauses": [""]})
    links = pd.DataFrame({"activity_id": ["S-1"], "resolution_id": ["PP-130"]})
    return clause_suggestions(acts, links, ref)


def test_a_suggestion_needs_two_shared_six_letter_stems(ref):
    # CIRTs summary: "Help establish national CIRTs and strengthen their ..." gives the
    # stems establ, nation, cirts, streng, ... (first six letters).
    # "national strengthening": nation + streng = 2 shared -> suggested, shared 2.
    hints = _suggest(ref, "national strengthening")
    assert hints[["clause_ref", "shared"]].values.tolist() == [[CIRTS, 2]]
    # "national strenuous": nation shared; strenu != streng -> 1 shared: no suggestion.
    # (A threshold of 1 would suggest it; five-letter stems would make 'stren' match too.)
    assert _suggest(ref, "national strenuous").empty
