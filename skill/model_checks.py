"""Checks a generated interaction model must pass before it is written or deployed.

Two kinds, both returned as readable problems (never raised one at a time, so an author sees
everything to fix at once):

1. **Amazon's rules and limits**, with margin. Amazon's rules for sample utterances: words in
   lower case, numbers spelled out ("five", not "5"), no punctuation but apostrophes in
   contractions and possessives, periods after spoken letters ("a. b.") and hyphens inside a
   word; slots written ``{name}``, declared by the intent, each at most once a sample. Limits,
   kept well inside: Alexa rejects a slot value over 140 characters (we allow 60); Amazon's
   NLU services cap a sample at 200 characters and an intent at 1,500 samples (we allow 100
   and 1,200; Alexa's own guidance is "when in doubt, include more rather than fewer"), and
   the model management API refuses a model definition over 1,000,000 characters (its
   ``modelDefinition`` length constraint, alexa/ask-cli#9), and a model far past a few hundred
   kilobytes gets slow to build: we keep each locale's file, as written (``model_text``), under
   600 KB, 60 % of the API's limit (raised from 450 KB when balance and support got their own
   intent, and from 500 KB when shorter and longer sessions did; leaving out politeness
   variants, content/grammar/README.md, keeps it from growing).
2. **No sample belongs to two intents.** Every sample with every slot value and synonym put in
   (built-in slot types with typical values) is one intent's only: otherwise Alexa cannot know
   which was meant. The check is exact without listing every combination: it walks all samples
   of all intents word by word at once (a subset construction over a word automaton), so
   combinations that share their words so far are followed together.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from typing import Any

from skill.grammar import phrase_key, spoken_words
from skill.interaction_model import model_text
from skill.values import Value, value_class

MAX_SAMPLE_CHARACTERS = 100
MAX_SAMPLES_PER_INTENT = 1200
MAX_SLOT_VALUE_CHARACTERS = 60
MAX_SYNONYMS_PER_VALUE = 100
MAX_MODEL_BYTES = 600_000

_SAMPLE_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*'?|[a-z]\.|\{[A-Za-z_]+\}")
_VALUE = re.compile(r"[a-z0-9]+(?:['.-]?[a-z0-9]+)*(?: [a-z0-9]+(?:['.-]?[a-z0-9]+)*)*\.?")
_NAME = re.compile(r"[A-Za-z_]+(?:\.[A-Za-z_]+)?")

#: Typical words for Alexa's built-in slot types, to look for samples two intents share.
BUILTIN_SLOT_EXAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.DURATION": (
        "a minute", "one minute", "two minutes", "five minutes", "ten minutes", "fifteen minutes",
        "twenty minutes", "half an hour", "a quarter of an hour", "an hour", "thirty seconds",
    ),
    "AMAZON.NUMBER": ("one", "two", "five", "ten", "fifteen", "twenty", "thirty"),
    "AMAZON.TIME": (
        "nine am", "nine a.m.", "six pm", "seven thirty", "half past seven", "noon", "midday",
        "nine in the morning", "six in the evening", "the morning", "the evening",
    ),
}  # fmt: skip


def _language(model: dict[str, Any]) -> dict[str, Any]:
    return model["interactionModel"]["languageModel"]


def check_limits(model: dict[str, Any]) -> list[str]:
    """Every sample, slot and value against Amazon's rules and our margins inside its limits."""
    language = _language(model)
    types = {t["name"] for t in language["types"]}
    problems: list[str] = []
    for intent in language["intents"]:
        name = intent["name"]
        if not _NAME.fullmatch(name):
            problems.append(f"{name}: an intent name is letters and underscores")
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for slot, kind in slots.items():
            if kind not in types and kind not in BUILTIN_SLOT_EXAMPLES:
                problems.append(f"{name}: slot {slot} has unknown type {kind}")
        samples = intent.get("samples", [])
        if len(samples) > MAX_SAMPLES_PER_INTENT:
            problems.append(f"{name}: {len(samples)} samples (keep to {MAX_SAMPLES_PER_INTENT})")
        for sample in samples:
            problems.extend(f"{name}: {sample!r}: {p}" for p in _sample_problems(sample, slots))
    for slot_type in language["types"]:
        for value in slot_type["values"]:
            said = [value["name"]["value"], *value["name"].get("synonyms", [])]
            if len(said) - 1 > MAX_SYNONYMS_PER_VALUE:
                problems.append(f"{slot_type['name']}.{value['id']}: too many synonyms")
            for words in said:
                if len(words) > MAX_SLOT_VALUE_CHARACTERS or not _VALUE.fullmatch(words):
                    problems.append(
                        f"{slot_type['name']}.{value['id']}: {words!r} is not a short"
                        " lower-case phrase"
                    )
    size = len(model_text(model).encode())
    if size > MAX_MODEL_BYTES:
        problems.append(f"the model is {size} bytes (keep under {MAX_MODEL_BYTES})")
    return problems


def _sample_problems(sample: str, slots: dict[str, str]) -> list[str]:
    problems = []
    if len(sample) > MAX_SAMPLE_CHARACTERS:
        problems.append(f"longer than {MAX_SAMPLE_CHARACTERS} characters")
    tokens = sample.split(" ")
    if not all(_SAMPLE_WORD.fullmatch(t) for t in tokens):
        problems.append("only lower-case words, spelled-out numbers and {slots} are allowed")
    used = [t[1:-1] for t in tokens if t.startswith("{")]
    for slot in used:
        if slot not in slots:
            problems.append(f"slot {{{slot}}} is not declared")
    if len(used) != len(set(used)):
        problems.append("a slot is used twice")
    if any(a.startswith("{") and b.startswith("{") for a, b in itertools.pairwise(tokens)):
        problems.append("two slots side by side cannot be told apart")
    return problems


# -- samples two intents share ------------------------------------------------------------


@value_class
class Conflict(Value):
    """Words that are a sample of more than one intent."""

    utterance: str
    intents: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.utterance!r} is a sample of {' and '.join(self.intents)}"


class _Trie:
    """The values of one slot type, word by word: node -> next word -> node."""

    def __init__(self, phrases: list[str]) -> None:
        self.children: list[dict[str, int]] = [{}]
        self.ends: set[int] = set()
        for phrase in phrases:
            node = 0
            for word in phrase_key(spoken_words(phrase)).split():
                node = self.children[node].setdefault(word, len(self.children))
                if node == len(self.children):
                    self.children.append({})
            self.ends.add(node)


def _slot_tries(language: dict[str, Any]) -> dict[str, _Trie]:
    tries = {
        t["name"]: _Trie(
            [said for v in t["values"] for said in (v["name"]["value"], *v["name"]["synonyms"])]
        )
        for t in language["types"]
    }
    tries.update({kind: _Trie(list(values)) for kind, values in BUILTIN_SLOT_EXAMPLES.items()})
    return tries


# A position in one sample: (sample number, token number, trie node inside a slot or -1).
_State = tuple[int, int, int]


def find_conflicts(
    model: dict[str, Any], extra: dict[str, list[str]] | None = None
) -> list[Conflict]:
    """Every utterance that is a sample of two intents, with its slots filled every way.

    ``extra`` adds phrases per intent that are not samples (Alexa's standard phrases for
    built-in intents), so a custom sample cannot take one of them either.
    """
    language = _language(model)
    tries = _slot_tries(language)
    samples: list[tuple[str, list[str]]] = []  # (intent, tokens: word or "{TYPE}")
    for intent in language["intents"]:
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            tokens = [
                f"{{{types[t[1:-1]]}}}" if t.startswith("{") else phrase_key([t])
                for t in sample.split(" ")
            ]
            samples.append((intent["name"], tokens))
    for intent_name, phrases in (extra or {}).items():
        samples.extend((intent_name, phrase_key(spoken_words(p)).split()) for p in phrases)

    def close(states: set[_State]) -> frozenset[_State]:
        pending, seen = list(states), set(states)
        while pending:
            number, index, node = pending.pop()
            tokens = samples[number][1]
            follow: list[_State] = []
            if node < 0 and index < len(tokens) and tokens[index].startswith("{"):
                follow.append((number, index, 0))
            if node >= 0 and node in tries[tokens[index][1:-1]].ends:
                follow.append((number, index + 1, -1))
            for state in follow:
                if state not in seen:
                    seen.add(state)
                    pending.append(state)
        return frozenset(seen)

    def step(states: frozenset[_State]) -> dict[str, set[_State]]:
        moves: dict[str, set[_State]] = {}
        for number, index, node in states:
            tokens = samples[number][1]
            if node >= 0:
                for word, child in tries[tokens[index][1:-1]].children[node].items():
                    moves.setdefault(word, set()).add((number, index, child))
            elif index < len(tokens) and not tokens[index].startswith("{"):
                moves.setdefault(tokens[index], set()).add((number, index + 1, -1))
        return moves

    start = close({(n, 0, -1) for n in range(len(samples))})
    queue: deque[tuple[frozenset[_State], tuple[str, ...]]] = deque([(start, ())])
    seen = {start}
    conflicts = []
    while queue:
        states, said = queue.popleft()
        finished = sorted(
            {samples[n][0] for n, index, node in states if node < 0 and index == len(samples[n][1])}
        )
        if len(finished) > 1:
            conflicts.append(Conflict(" ".join(said), tuple(finished)))
        if len({samples[n][0] for n, _, _ in states}) < 2:
            continue  # only one intent's samples go on from here: nothing more to share
        for word, moved in sorted(step(states).items()):
            following = close(moved)
            if following not in seen:
                seen.add(following)
                queue.append((following, (*said, word)))
    return conflicts


def check_model(model: dict[str, Any]) -> list[str]:
    """All problems of a model: broken rules first, then samples two intents share."""
    return check_limits(model) + [str(c) for c in find_conflicts(model)]
