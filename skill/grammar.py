"""Expand sample-utterance templates: a small grammar instead of a long hand-kept list.

People say the same request many ways ("start the quick routine", "can you start quick
please", "let's do the quick one"), and Alexa matches best when the model lists those ways.
Writing them out by hand drifts and repeats; a template says them all at once:

    [<polite>] (start|begin) [the] {routine} [<routine_word>]

- ``word``            a literal word;
- ``(a|b c)``         one of the alternatives (each may be several words, or empty);
- ``[a|b c]``         optional: one of the alternatives, or nothing;
- ``<name>``          a shared phrase set, itself a template (``grammar/<lang>/phrases.json``);
- ``{slot}``          a slot, kept as it is for Alexa to fill.

Expansion is deterministic (alternatives in the order written, left to right) and drops
repeated samples, so the generated model only changes when the grammar does. Pure: no I/O.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping

from skill.values import Value, value_class

_TOKEN = re.compile(
    r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<bar>\|)|<(?P<macro>\w+)>"
    r"|\{(?P<slot>\w+)\}|(?P<word>[^\s()\[\]|<>{}]+))"
)


class GrammarError(ValueError):
    """A template that cannot be read: names the template and what is wrong with it."""


@value_class
class _Choice(Value):
    """Alternatives (each a sequence of parts); ``optional`` adds the empty alternative."""

    alternatives: tuple[tuple[object, ...], ...]
    optional: bool


def _parse(template: str) -> tuple[object, ...]:
    """The template as a sequence of words (str), slots ("{x}"), macros ("<x>") and choices."""
    position = 0
    stack: list[tuple[str, list[tuple[object, ...]], list[object]]] = []
    current: list[object] = []
    while position < len(template):
        match = _TOKEN.match(template, position)
        if match is None or match.end() == position:
            if template[position:].strip() == "":
                break
            raise GrammarError(f"{template!r}: cannot read {template[position:]!r}")
        position = match.end()
        if match["open"]:
            stack.append((match["open"], [], current))
            current = []
        elif match["bar"]:
            if not stack:
                raise GrammarError(f"{template!r}: '|' outside ( ) or [ ]")
            stack[-1][1].append(tuple(current))
            current = []
        elif match["close"]:
            if not stack:
                raise GrammarError(f"{template!r}: unbalanced {match['close']!r}")
            opener, alternatives, outer = stack.pop()
            if {"(": ")", "[": "]"}[opener] != match["close"]:
                raise GrammarError(f"{template!r}: {opener!r} closed by {match['close']!r}")
            alternatives.append(tuple(current))
            outer.append(_Choice(tuple(alternatives), optional=opener == "["))
            current = outer
        elif match["macro"]:
            current.append(f"<{match['macro']}>")
        elif match["slot"]:
            current.append(f"{{{match['slot']}}}")
        else:
            current.append(match["word"])
    if stack:
        raise GrammarError(f"{template!r}: unclosed {stack[-1][0]!r}")
    return tuple(current)


class Grammar:
    """Templates with shared phrase sets, expanded to plain sample utterances."""

    def __init__(self, phrases: Mapping[str, str]) -> None:
        self._phrases = {name: _parse(text) for name, text in phrases.items()}

    def expand(self, template: str) -> list[str]:
        """Every sample ``template`` says, in order, without repeats."""
        return list(dict.fromkeys(self._expand(_parse(template), ())))

    def expand_all(self, templates: Iterable[str]) -> list[str]:
        """Every sample of every template, in order, without repeats."""
        return list(dict.fromkeys(s for t in templates for s in self.expand(t)))

    def _expand(self, parts: tuple[object, ...], using: tuple[str, ...]) -> Iterator[str]:
        options = [list(self._options(part, using)) for part in parts]
        for chosen in itertools.product(*options):
            yield " ".join(word for word in chosen if word)

    def _options(self, part: object, using: tuple[str, ...]) -> Iterator[str]:
        if isinstance(part, _Choice):
            if part.optional:
                yield ""
            for alternative in part.alternatives:
                yield from self._expand(alternative, using)
        elif isinstance(part, str) and part.startswith("<"):
            name = part[1:-1]
            if name not in self._phrases:
                raise GrammarError(f"unknown phrase set <{name}>")
            if name in using:
                raise GrammarError(f"phrase set <{name}> refers to itself")
            yield from self._expand(self._phrases[name], (*using, name))
        else:
            yield str(part)


def spoken_words(text: str) -> list[str]:
    """The words of a phrase: lower case, apostrophes kept ("don't"), other punctuation dropped."""
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.lower().replace("\u2019", "'"))


def phrase_key(spoken: Iterable[str]) -> str:
    """What two phrases must share to be the same words to a listener (apostrophes don't count)."""
    return " ".join(word.replace("'", "") for word in spoken)
