"""Find a slot value in the words Alexa heard when its entity resolution found none.

Entity resolution matches whole synonyms only: "my dodgy knee" is not a synonym of the
AREA value ``knees``, so Alexa sends the words with no id, and the skill answered as if the
person had named a part no routine is for. Every adjective a person might put before a part
cannot be listed (``bad``/``stiff`` forms also made "I have bad knee pain" belong to two
intents). So when resolution fails, the heard words are searched for the value's own
synonyms, whole words only: one value found is that value; none or several is still "not
known". The synonyms are the grammar's (``content/grammar/<language>/slot_types.json``), so
a new language brings its own. Pure: no Alexa.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from skill.grammar import spoken_words
from skill.words import DEFAULT_LOCALE


class Vocabulary:
    """One slot type's values and the word sequences that name each."""

    def __init__(self, values: Mapping[str, Sequence[str]]) -> None:
        self._names = [
            (value_id, tuple(spoken_words(name)))
            for value_id, names in values.items()
            for name in names
        ]

    def named_in(self, heard: str) -> str | None:
        """The one value whose name appears, as whole words, in ``heard``; else None."""
        words = tuple(spoken_words(heard))
        found = {
            value_id
            for value_id, name in self._names
            if name and any(words[i : i + len(name)] == name for i in range(len(words)))
        }
        return found.pop() if len(found) == 1 else None


def vocabulary(locale: object, slot_type: str) -> Vocabulary:
    """The grammar's synonyms of ``slot_type`` for ``locale`` (a locale the skill does not
    ship, or none, gets the default locale's), read once, on first need."""
    return _vocabulary(locale if locale in _shipped() else DEFAULT_LOCALE, slot_type)


@lru_cache(maxsize=1)
def _shipped() -> frozenset[str]:
    from skill.interaction_model import load_locales  # the rare path: not at start-up

    return frozenset(load_locales())


def points(locale: object, heard: str) -> bool:
    """Whether words heard for a slot point at something instead of naming it ("this
    exercise", "the use of this": Alexa can hand such words over as an unmatched name). The
    pointing words are the grammar's phrase set ``pointing``."""
    shipped = locale if locale in _shipped() else DEFAULT_LOCALE
    return bool(_pointing(shipped) & set(spoken_words(heard)))


@lru_cache(maxsize=8)
def _pointing(locale: str) -> frozenset[str]:
    from skill.grammar import Grammar
    from skill.interaction_model import load_grammar

    grammar = load_grammar(locale)
    return frozenset(Grammar(grammar.phrases).expand("<pointing>"))


@lru_cache(maxsize=32)
def _vocabulary(locale: str, slot_type: str) -> Vocabulary:
    from skill.interaction_model import load_grammar

    return Vocabulary(load_grammar(locale).slot_types.get(slot_type, {}))
