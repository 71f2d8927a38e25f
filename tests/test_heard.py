"""A part of the body named with words no synonym lists ("my dodgy knee") is still that part.

Alexa's entity resolution matches whole synonyms, so "something for my dodgy knee" arrives
with the words and no id. The skill looks for the slot type's own synonyms in those words.
"""

from __future__ import annotations

import pytest
from echo import Echo

from skill.heard import Vocabulary, vocabulary
from skill.interaction_model import load_grammar
from skill.library import load_library
from skill.words import load_words

LIBRARY = load_library()
WORDS = load_words()
AREAS = Vocabulary({"knees": ["knee", "knees"], "back": ["back", "lower back"]})


@pytest.mark.parametrize(
    ("heard", "value"),
    [
        ("my dodgy knee", "knees"),
        ("a stiff lower back", "back"),
        ("Knees, mostly", "knees"),
        ("my knees and my back", None),  # two parts: not one of them
        ("my neck", None),
        ("kneeling", None),  # whole words only
        ("backing track", None),
        ("", None),
    ],
)
def test_a_value_is_found_only_when_exactly_one_is_named_in_whole_words(heard, value):
    assert AREAS.named_in(heard) == value


def test_the_vocabulary_is_the_grammars_and_a_locale_not_shipped_gets_the_default():
    synonyms = load_grammar("en-US").slot_types["AREA"]
    assert vocabulary("en-US", "AREA").named_in(f"my rotten {synonyms['knees'][0]}") == "knees"
    assert vocabulary("fr-FR", "AREA").named_in("my dodgy ankle") == "ankles"
    assert vocabulary(None, "NO_SUCH_TYPE").named_in("my knee") is None


@pytest.mark.parametrize(
    ("said", "area"),
    [
        ("something for my dodgy knee please", "knees"),
        ("what can I do for a stiff knee", "knees"),
        ("have you got anything for my rotten back", "back"),
    ],
)
def test_a_part_named_with_an_unlisted_word_gets_a_plan_for_that_part(echo, said, area):
    reply = echo.hear(said)
    assert WORDS.say(f"plans.for_area_{area}") in reply.text, reply.text
    assert not reply.text.startswith(WORDS.say("plans.unknown_area_lead")), reply.text
    assert echo.attributes["offer"]["id"].startswith(f"plan:{area}:"), echo.attributes


def test_pain_in_a_part_named_with_an_unlisted_word_offers_a_gentle_plan_for_it(client):
    heard, resolved = (
        Echo(client, user_id="amzn1.ask.account.A"),
        Echo(client, user_id="amzn1.ask.account.B"),
    )
    for device in (heard, resolved):
        device.launch()
    said = heard.hear("I have a pain in my dodgy knee")
    assert said.text == resolved.hear("I have a pain in my knee").text
    assert heard.attributes["offer"] == resolved.attributes["offer"]
