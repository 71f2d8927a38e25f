"""Words are data: loaded per language, overridden per locale, broken files named."""

from __future__ import annotations

import json
import re

import pytest

from skill.words import WordsError, _shipped, load_words


def write(folder, topic, data):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{topic}.json").write_text(json.dumps(data), encoding="utf-8")


def test_language_words_with_locale_overrides(tmp_path):
    write(tmp_path / "en", "greet", {"hello": "Hello, {name}.", "bye": ["Bye.", "See you."]})
    write(tmp_path / "en-GB", "greet", {"hello": "Hiya, {name}."})
    us = load_words("en-US", tmp_path)
    gb = load_words("en-GB", tmp_path)
    assert us.say("greet.hello", name="Ann") == "Hello, Ann."
    assert gb.say("greet.hello", name="Ann") == "Hiya, Ann."
    assert gb.say("greet.bye") == "Bye."
    assert us.variant("greet.bye", 3) == "See you."


def test_broken_file_names_file_and_key(tmp_path):
    write(tmp_path / "en", "greet", {"hello": 3})
    with pytest.raises(WordsError, match=r"greet\.json: hello"):
        load_words("en-US", tmp_path)


def test_missing_language_is_an_error(tmp_path):
    with pytest.raises(WordsError, match="no words for language 'fr'"):
        load_words("fr-FR", tmp_path)


def test_shipped_english_words_load():
    assert load_words("en-US").has("common.and")


def test_every_phrase_key_the_code_names_exists_in_english():
    """A key typed in code but missing from content/words/en would crash a turn."""
    import re
    from pathlib import Path

    words = load_words("en-US")
    topics = {key.split(".")[0] for key in words.phrases}
    alternatives = "|".join(sorted(topics))
    pattern = re.compile(r"""["']((?:""" + alternatives + r""")\.[a-z0-9_]+)["']""")
    named = set()
    for path in (Path(__file__).parent.parent / "skill").rglob("*.py"):
        if path.name == "words.py":  # its docstring's example key is not a real phrase
            continue
        named.update(pattern.findall(path.read_text(encoding="utf-8")))
    counted = {k for k in named if k.startswith("units.")}
    missing = [k for k in sorted(named - counted) if not words.has(k)] + [
        k for k in sorted(counted) if not words.has(k) and not words.has(f"{k}_one")
    ]
    assert named, "the scan found no keys: the pattern is wrong"
    assert missing == []


def test_counted_words_take_one_and_other_forms():
    words = load_words("en-US")
    assert words.count("units.minute", 1) == "1 minute"
    assert words.count("units.minute", 12) == "12 minutes"
    assert words.join(["a", "b", "c"]) == "a, b and c"
    assert words.join(["a"]) == "a"


def test_no_phrase_makes_an_exercise_name_the_subject_of_a_singular_verb():
    """Exercise names are often plural ('hip rotations', 'ankle circles'): a phrase such as
    '{exercise} is already as gentle as I can make it' says 'hip rotations is'. Phrases put
    the name where number does not matter ('as gentle as I can make {exercise}')."""
    from skill.library import load_library

    names = [e.name for e in load_library().exercises.values()]
    assert any(name.endswith("s") for name in names), "no plural name: the rule guards nothing"
    singular_verb = re.compile(
        r"\{(exercise|name)\} (is|was|has|isn't|wasn't|hasn't|does|doesn't)\b"
    )
    for locale in _shipped():
        words = load_words(locale)
        slips = [
            (key, text)
            for key in words.phrases
            for text in words.variants(key)
            if singular_verb.search(text)
        ]
        assert not slips, (locale, slips)
