"""Sample-utterance templates expand to exactly the samples they say, the same way each time."""

from __future__ import annotations

import pytest

from skill.grammar import Grammar, GrammarError, phrase_key, spoken_words


def test_alternatives_and_optional_words_expand_in_the_order_written():
    grammar = Grammar({})
    assert grammar.expand("(start|begin) [the] {routine}") == [
        "start {routine}",
        "start the {routine}",
        "begin {routine}",
        "begin the {routine}",
    ]


def test_phrase_sets_are_templates_too_and_nest():
    grammar = Grammar({"ask": "(please|can you)", "polite": "[<ask>]"})
    assert grammar.expand("<polite> stop") == ["stop", "please stop", "can you stop"]


def test_repeated_samples_are_dropped_keeping_the_first():
    grammar = Grammar({})
    assert grammar.expand("[a|a] b [|]") == ["b", "a b"]
    assert grammar.expand_all(["skip [it]", "skip", "skip it"]) == ["skip", "skip it"]


def test_alternatives_may_hold_several_words_and_choices():
    grammar = Grammar({})
    assert grammar.expand("i (have got|(only|just) have) it") == [
        "i have got it",
        "i only have it",
        "i just have it",
    ]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("(start|begin", "unclosed"),
        ("start)", "unbalanced"),
        ("(start]", "closed by"),
        ("start | begin", "outside"),
        ("<nowhere> go", "unknown phrase set"),
        ("<loop>", "refers to itself"),
    ],
)
def test_a_broken_template_is_named_with_its_problem(template, problem):
    grammar = Grammar({"loop": "<loop> again"})
    with pytest.raises(GrammarError, match=problem):
        grammar.expand(template)


def test_words_are_compared_without_case_punctuation_or_apostrophes():
    assert spoken_words("Let's GO, now!") == ["let's", "go", "now"]
    assert phrase_key(spoken_words("Let\u2019s go")) == phrase_key(["lets", "go"]) == "lets go"
