"""The seed translations' slips found by a clinical read stay corrected, each recorded in
the changelog, and the numbers of every translation still match its original."""

from __future__ import annotations

import pytest

from generator import pipeline
from generator.checks.numbers import check_protocol_numbers
from generator.sources.model import Protocol
from generator.sources.problems import Problems

from .conftest import REPO

PROJECT = pipeline.load(REPO).project
ICU = PROJECT.protocols["cmv-icu"]
ANEMIA = PROJECT.protocols["cmv-recurrent-anemia"]


@pytest.mark.parametrize("protocol", [ICU, ANEMIA], ids=lambda p: p.id)
def test_the_numbers_check_still_holds(protocol: Protocol) -> None:
    problems = Problems()
    check_protocol_numbers(protocol, problems)
    assert problems.items == []


@pytest.mark.parametrize(("protocol", "lang", "wrong", "right"), [
    (ICU, "en", "low genetic threshold", "low genetic barrier to resistance"),
    (ICU, "en", "in any case 3 weeks", "for at least 3 weeks"),
    (ICU, "en", "competitive endpoints", "competing endpoints"),
    (ANEMIA, "en", "because it is a significant risk factor",
     "because corticosteroids are a significant risk factor"),
    (ANEMIA, "en", "Coombs test should be performed", "Coombs test must be performed"),
    (ANEMIA, "en", "blood products should be irradiated", "blood products must be irradiated"),
    (ANEMIA, "en", "blood products should be given", "blood products must be given"),
    (ANEMIA, "en", "resistance should be suspected", "resistance must be suspected"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_translation_slips_are_corrected(protocol: Protocol, lang: str, wrong: str,
                                         right: str) -> None:
    text = protocol.bodies[lang].text
    assert wrong not in text and right in text


def test_the_original_keeps_its_own_words() -> None:
    """The Dutch note writes "competitive endpoints" in English itself; it stays."""
    assert "cave competitive endpoints" in ICU.original.text
    assert "lage genetische drempel" in ICU.original.text
    assert "i.i.g. 3 weken" in ICU.original.text


@pytest.mark.parametrize(("lang", "threshold"), [
    ("nl", "10.000 IU/mL in BAL-materiaal *(eenheid en materiaal aangevuld door de redactie"),
    ("en", "10,000 IU/mL in BAL material *(unit and material added by the editors"),
])
def test_the_inferred_unit_is_marked_on_the_page(lang: str, threshold: str) -> None:
    management = ICU.bodies[lang].text.split("{#management}", 1)[1]
    assert threshold in management


def test_the_harus_count_matches_the_must_count() -> None:
    """Every "harus" (must) of the Indonesian original is a "must" in English."""
    assert ANEMIA.original.text.count(" harus ") == ANEMIA.bodies["en"].text.count(" must ") == 4


@pytest.mark.parametrize(("protocol", "phrases"), [
    (ICU, ["low genetic barrier to resistance", "for at least 3 weeks", "competing endpoints",
           "(IU/mL, BAL)"]),
    (ANEMIA, ["because corticosteroids are a significant risk factor", "\"harus\" (must)",
              "\"4, 5\""]),
])
def test_every_correction_is_in_the_changelog(protocol: Protocol, phrases: list[str]) -> None:
    latest = protocol.changelog[0]
    assert latest.version == protocol.version == "1.2"
    for phrase in phrases:
        assert phrase in latest.note
    for body in protocol.bodies.values():
        assert body.translation_of_version in (None, "1.2")
