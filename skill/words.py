"""What the skill says, as data: phrases keyed by name, in files per language and locale.

Words live in ``content/words/<language>/<topic>.json`` (``en`` for every English locale),
with optional overrides in ``content/words/<locale>/<topic>.json`` (``en-GB``). A topic file
is a JSON object of key -> template (``str.format`` fields such as ``{name}``) or -> a list of
templates (variants, picked deterministically by the caller). Code picks a key and supplies
fields; it never writes a sentence. A new language is new files, not new code.

The engine may use this module: it imports nothing from Alexa or Flask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from skill.values import Value, value_class

DEFAULT_LOCALE = "en-US"


class WordsError(ValueError):
    """A broken words file: names the file and the key."""


@value_class
class Words(Value):
    """The phrases of one locale: ``words.say("replies.welcome", name=...)``."""

    locale: str
    phrases: Mapping[str, str | tuple[str, ...]]

    def say(self, key: str, /, **fields: Any) -> str:
        """The phrase for ``key`` with ``fields`` filled in (the first variant of a list)."""
        return self.variant(key, 0, **fields)

    def variant(self, key: str, index: int, /, **fields: Any) -> str:
        """Variant ``index`` (modulo how many there are) of a phrase with several forms."""
        phrase = self.phrases[key]
        template = phrase[index % len(phrase)] if isinstance(phrase, tuple) else phrase
        return template.format(**fields)

    def variants(self, key: str) -> tuple[str, ...]:
        phrase = self.phrases[key]
        return phrase if isinstance(phrase, tuple) else (phrase,)

    def has(self, key: str) -> bool:
        return key in self.phrases

    def count(self, key: str, count: int, /, **fields: Any) -> str:
        """'3 minutes': ``<key>_one`` when ``count`` is 1, else ``<key>_other``."""
        form = "one" if count == 1 else "other"
        return self.say(f"{key}_{form}", count=count, **fields)

    def join(self, items: Sequence[str]) -> str:
        """'a, b and c': a spoken list joined with the language's own 'and'."""
        if len(items) <= 1:
            return "".join(items)
        joiner = self.say("common.list_joiner")
        return joiner.join(items[:-1]) + f" {self.say('common.and')} {items[-1]}"


def _read_topic(path: Path) -> dict[str, str | tuple[str, ...]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WordsError(f"{path}: (top level): cannot read JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise WordsError(f"{path}: (top level): must be an object of key -> phrase")
    phrases: dict[str, str | tuple[str, ...]] = {}
    for key, value in data.items():
        if key.startswith("_"):  # "_comment" and the like
            continue
        if isinstance(value, str):
            phrases[f"{path.stem}.{key}"] = value
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            phrases[f"{path.stem}.{key}"] = tuple(value)
        else:
            raise WordsError(f"{path}: {key}: must be a string or a non-empty list of strings")
    return phrases


def words_root() -> Path:
    from skill.library import content_dir  # late: library imports jsonschema, words need not

    return content_dir() / "words"


@cache
def load_words(locale: str = DEFAULT_LOCALE, root: Path | None = None) -> Words:
    """The language's phrases, overridden by the locale's own; cached per (locale, root)."""
    base = root or words_root()
    language = locale.split("-")[0]
    phrases: dict[str, str | tuple[str, ...]] = {}
    folders = [base / language] + ([base / locale] if locale != language else [])
    if not (base / language).is_dir():
        raise WordsError(f"{base / language}: (top level): no words for language {language!r}")
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                phrases.update(_read_topic(path))
    return Words(locale, phrases)


#: A locale as Alexa writes it: language, hyphen, region ("en-US").
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")


@cache
def _shipped(root: Path | None = None) -> frozenset[str]:
    """The languages and locales the content has words for (its folders' names)."""
    base = root or words_root()
    return frozenset(p.name for p in base.iterdir() if p.is_dir())


def words_for(locale: object, root: Path | None = None) -> Words:
    """The words for the locale a request names, which is untrusted text.

    ``load_words`` makes paths and cache entries of what it is given: a request's "/tmp/x"
    joined to the words folder is /tmp/x (read as phrases), and every new spelling ("en-ZZ",
    "en-ZY"...) kept another copy of every phrase. So a locale is used only if the content has
    its folder; else its language's words are (for a locale of Alexa's form), else the
    default's.
    """
    shipped = _shipped(root)
    if isinstance(locale, str) and _LOCALE.fullmatch(locale):
        if locale in shipped:
            return load_words(locale, root)
        if locale[:2] in shipped:
            return load_words(locale[:2], root)
    return load_words(DEFAULT_LOCALE, root)
