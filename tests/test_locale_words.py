"""Every reply is said in the request's locale's words, never in words fixed at import.

Words are data (``content/words/<language>/`` and ``<locale>/``): a new language is new
files. A reply that used an en-US phrase kept as a module constant, or an English sentence
written in code, would still speak en-US in another locale. Here en-GB's words are every
phrase marked "[GB]", and what an en-GB device hears must carry the mark, in and out of a
routine, for questions, refusals and apologies.
"""

from __future__ import annotations

import pytest
from echo import Echo

from skill import words as words_module
from skill.web.app import WebConfig, create_app
from skill.words import Words

MARK = "[GB]"
_real_load_words = words_module.load_words


def _marked(locale: str = words_module.DEFAULT_LOCALE, root=None) -> Words:
    found = _real_load_words(locale, root)
    if locale != "en-GB":
        return found
    return Words(
        locale,
        {
            key: (f"{MARK} {p}" if isinstance(p, str) else tuple(f"{MARK} {v}" for v in p))
            for key, p in found.phrases.items()
        },
    )


@pytest.fixture
def british(tmp_path, monkeypatch) -> Echo:
    monkeypatch.setattr(words_module, "load_words", _marked)
    config = WebConfig(db=str(tmp_path / "progress.sqlite3"), skill_id=None, verify=False)
    return Echo(create_app(config).test_client(), locale="en-GB")


OUTSIDE = [
    "open foot coach",
    "next",
    "which foot",
    "what's next",
    "no",
    "what's left",
    "how long is it",
    "how am I doing",
    "what exercises are there",
    "help",
    "cancel",
]
INSIDE = [
    "start the quick routine",
    "what exercises are in this one",
    "what's left",
    "how long is left",
    "which foot",
    "I've only got two minutes",
    "help",
    "blah blah flibbertigibbet",
    "pause",
    "how many are left",
    "resume",
    "stop",
]


@pytest.mark.parametrize("said", OUTSIDE)
def test_with_nothing_under_way_every_reply_is_in_the_locales_words(british, said):
    british.hear("open foot coach")
    reply = british.hear(said)
    assert MARK in reply.text, reply.text


def test_in_a_routine_every_reply_is_in_the_locales_words(british):
    for said in INSIDE:
        reply = british.hear(said)
        assert MARK in reply.text, (said, reply.text)
