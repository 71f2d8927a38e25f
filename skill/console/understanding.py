"""Understand a typed utterance as Alexa would, with the skill's own interaction model.

Before the skill hears anything, Alexa decides whether the person named the skill (a launch,
or a one-shot "ask foot coach to ..."), which intent the words are a sample of, and which
slot value they said, resolved by entity resolution to the value *id* the skill looks up.
The console decides the same things from ``interaction_models/<locale>.json``, so typing at
it exercises the model that gets deployed, not a hand-written list: a missing sample or a
synonym that lands on the wrong exercise shows up here first.

Matching is simple and predictable, in this order:

1. a sample without slots, or a built-in intent's standard phrase, said exactly;
2. a sample with ``{slot}`` placeholders whose words around the slots match, with every slot
   holding a known value: a synonym of its custom type, or a value of its built-in type
   resolved as Alexa resolves it (``builtin_slots``: "5 minutes" and "five minutes" are both
   PT5M); more matching words win;
3. steps 1 and 2 again with the fillers around the request taken off one at a time
   (``fillers``: "um, okay so, next please");
4. a sample whose custom slot holds words nobody listed (ER_SUCCESS_NO_MATCH, as on a
   device), if the sample says more words than it leaves unknown: "how do I do the
   moonwalk" is a how-to, "could you put on the kettle" is no talk setting;
5. a whole sample with known values inside a longer sentence, at least half its words and
   not after a negation ("ten minutes is all I have"; "don't stop" is not "stop"), and not a
   lone number or time ("that one again" is not "at one o'clock");
6. the nearest sample with at most one custom slot, filled with every synonym, above a
   similarity cutoff (a typo, a dropped word);
7. otherwise AMAZON.FallbackIntent.

Case and punctuation never matter: "Let's go!" is "lets go". Pure: no ask-sdk, no Flask,
nothing read but the model file.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from skill.console.builtin_slots import BUILTIN_SLOT_TYPES
from skill.console.fillers import (
    NEGATION_KEYS,
    NEGATIONS,
    expanded_contractions,
    without_fillers,
)
from skill.grammar import phrase_key, spoken_words
from skill.interaction_model import MODELS_DIR
from skill.values import Value, value_class

FALLBACK = "AMAZON.FallbackIntent"
#: The intent a negation before it never cancels: a safety stop is never missed.
PAIN = "PainIntent"

#: Standard phrases of Alexa's built-in intents, which a model need not list as samples.
#: A built-in intent is understood only if the model declares it, and the model's own
#: samples win where a phrase is also one of them.
BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.NextIntent": ("next", "next one", "move on"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "previous one"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say it again"),
    "AMAZON.StartOverIntent": ("start over", "restart"),
    "AMAZON.PauseIntent": ("pause",),
    "AMAZON.ResumeIntent": ("resume",),
    "AMAZON.YesIntent": ("yes", "yeah", "sure", "yep", "ok", "okay", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you", "not now"),
    "AMAZON.HelpIntent": ("help", "help me", "what can i say"),
    "AMAZON.StopIntent": ("stop", "exit", "quit", "stop it"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
}

#: "open foot coach", "talk to foot coach", or the name alone: a LaunchRequest.
LAUNCH_VERBS = (
    "open",
    "open up",
    "start",
    "launch",
    "begin",
    "run",
    "load",
    "use",
    "play",
    "ask",
    "talk to",
)
#: "ask foot coach to start", "tell foot coach that ...", "open foot coach and start ...".
ONE_SHOT_VERBS = ("ask", "tell", "open", "start", "launch", "use", "have")
ONE_SHOT_CONNECTORS = ("to", "for", "about", "if", "whether", "that", "and")
#: "start the quick routine using foot coach".
SUFFIX_CONNECTORS = ("using", "with", "from", "on", "in")
#: Typed out of habit ("alexa, open foot coach"); it is not part of the utterance.
WAKE_WORD = "alexa"
#: Said before the wake word out of habit: "hey alexa", "ok alexa".
WAKE_GREETINGS = ("hey", "ok", "okay")

#: Past this many words no sample is looked for inside the words, nor a near one: nobody asks
#: a voice assistant for something in a paragraph, and it keeps a long input cheap.
LONGEST_REQUEST_WORDS = 30

#: Built-in types whose value can be a lone number ("one"): never found inside a sentence alone.
BARE_NUMBER_TYPES = ("AMAZON.NUMBER", "AMAZON.TIME")

#: How alike (rapidfuzz ratio, 0-100) a paraphrase must be to the nearest sample.
SIMILARITY_CUTOFF = 85
#: How alike a word of a slot value must be to a word said, for a paraphrase to keep it.
SLOT_WORD_CUTOFF = 75


words = spoken_words
key = phrase_key


def _span(spoken: list[str], text: str, start: int, end: int) -> list[str]:
    """The words behind ``text[start:end]``, where ``text`` is ``key(spoken)``."""
    first = text.count(" ", 0, start)
    return spoken[first : first + text.count(" ", start, end) + 1]


class Resolved(NamedTuple):
    """A slot type's value that the spoken words name (its id and its canonical name)."""

    id: str
    name: str


@value_class
class SlotValue(Value):
    """One slot as Alexa fills it.

    ``spoken`` is None when the person said nothing for the slot. For a custom slot type,
    ``resolved`` lists every value whose name or synonym was said (empty means
    ER_SUCCESS_NO_MATCH) and ``value`` is the words as said; for a built-in type (AMAZON.NUMBER,
    AMAZON.DURATION) ``value`` is Alexa's normalised value ("5", "PT10M") and nothing resolves.
    """

    name: str
    slot_type: str
    spoken: str | None = None
    resolved: tuple[Resolved, ...] = ()
    value: str | None = None

    @property
    def is_builtin(self) -> bool:
        return self.slot_type in BUILTIN_SLOT_TYPES

    @property
    def understood(self) -> bool:
        """Said, and a known value: a synonym of the custom type, or a valid built-in value."""
        return self.value is not None and (self.is_builtin or bool(self.resolved))

    @property
    def heard(self) -> str | None:
        """What the skill gets: the id a custom value resolved to, or the built-in value."""
        if self.spoken is None:
            return None
        if self.is_builtin:
            return self.value
        return self.resolved[0].id if self.resolved else None


@value_class
class Understanding(Value):
    """What Alexa makes of one utterance.

    ``intent`` is None for a launch ("open foot coach"). ``invoked`` says the skill was named,
    which is what starts a session with it; ``slots`` holds every slot the intent declares.
    """

    intent: str | None
    slots: tuple[SlotValue, ...] = ()
    invoked: bool = False

    @property
    def is_launch(self) -> bool:
        return self.intent is None

    def slot(self, name: str) -> SlotValue | None:
        return next((s for s in self.slots if s.name == name), None)


@value_class
class _Template(Value):
    """A sample with slots, compiled: its words around the slots and where the slots go."""

    intent: str
    pattern: re.Pattern[str]
    slot_names: tuple[str, ...]
    literal_words: int
    shape: str  # the sample's key with "{}" for each slot, to fill with synonyms
    literals: frozenset[str]  # every word the sample says around its slots

    @property
    def fuzzy_matchable(self) -> bool:
        """One custom slot at most: its synonyms can be listed for close paraphrases."""
        return len(self.slot_names) <= 1


class InteractionModel:
    """One locale's interaction model, ready to understand what people type."""

    def __init__(self, data: dict[str, Any]) -> None:
        language = data["interactionModel"]["languageModel"]
        self.invocation_name = key(words(language["invocationName"]))
        self._name_words = tuple(words(language["invocationName"]))
        self.slot_types: dict[str, dict[str, str]] = {
            intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])}
            for intent in language["intents"]
        }
        self._synonyms: dict[str, list[str]] = {}
        self._values: dict[str, dict[str, list[Resolved]]] = {}
        for slot_type in language.get("types", []):
            self._add_type(slot_type)
        self._phrases: dict[str, str] = {}
        self._templates: list[_Template] = []
        for intent in language["intents"]:
            for sample in intent.get("samples", []):
                self._add_sample(intent["name"], sample)
        for intent, phrases in BUILTIN_PHRASES.items():
            if intent in self.slot_types:
                for phrase in phrases:
                    self._phrases.setdefault(key(words(phrase)), intent)
        self._order = {id(t): n for n, t in enumerate(self._templates)}
        self._index_templates()
        self._compile_invocations()

    @classmethod
    def from_file(cls, path: Path) -> InteractionModel:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    # -- building ----------------------------------------------------------------------

    def _add_type(self, slot_type: dict[str, Any]) -> None:
        synonyms = self._synonyms.setdefault(slot_type["name"], [])
        values = self._values.setdefault(slot_type["name"], {})
        for value in slot_type.get("values", []):
            name = value["name"]["value"]
            resolved = Resolved(value.get("id") or name, name)
            for spoken in (name, *value["name"].get("synonyms", [])):
                matches = values.setdefault(key(words(spoken)), [])
                if resolved not in matches:
                    matches.append(resolved)
                    synonyms.append(" ".join(words(spoken)))

    def _add_sample(self, intent: str, sample: str) -> None:
        tokens = re.findall(r"\{(\w+)\}|([^\W_]+(?:'[^\W_]+)*)", sample.replace("\u2019", "'"))
        if not any(slot for slot, _ in tokens):
            self._phrases.setdefault(key(words(sample)), intent)
            return
        pattern, shape = [], []
        for slot, word in tokens:
            literal = key([word.lower()]) if word else ""
            pattern.append("(.+?)" if slot else re.escape(literal))
            shape.append("{}" if slot else literal)
        self._templates.append(
            _Template(
                intent=intent,
                pattern=re.compile(" ".join(pattern)),
                slot_names=tuple(slot for slot, _ in tokens if slot),
                literal_words=sum(1 for slot, _ in tokens if not slot),
                shape=" ".join(shape),
                literals=frozenset(word for word in shape if word != "{}"),
            )
        )

    def _index_templates(self) -> None:
        """File each template under its rarest word: only templates whose word was said are
        tried, which keeps a model of thousands of samples quick to match."""
        counts: dict[str, int] = {}
        for template in self._templates:
            for word in template.literals:
                counts[word] = counts.get(word, 0) + 1
        self._by_word: dict[str, list[_Template]] = {}
        self._slots_only: list[_Template] = []
        for template in self._templates:
            if template.literals:
                rarest = min(template.literals, key=lambda w: (counts[w], w))
                self._by_word.setdefault(rarest, []).append(template)
            else:
                self._slots_only.append(template)

    def _candidates(self, text: str) -> list[_Template]:
        """The templates whose every literal word is in ``text``, in model order."""
        said = set(text.split())
        found = [t for w in said for t in self._by_word.get(w, ()) if t.literals <= said]
        order = self._order
        return sorted([*found, *self._slots_only], key=lambda t: order[id(t)])

    def _compile_invocations(self) -> None:
        def either(options: tuple[str, ...]) -> str:
            return "|".join(re.escape(o) for o in options)

        name = re.escape(self.invocation_name)
        self._launch = re.compile(
            rf"(?:(?:{either(LAUNCH_VERBS)}) )?{name}(?: (?:please|thanks|thank you|now))?"
        )
        self._one_shot = re.compile(
            rf"(?:{either(ONE_SHOT_VERBS)}) {name}"
            rf"(?: (?P<connector>{either(ONE_SHOT_CONNECTORS)}))? (?P<rest>.+)"
        )
        self._suffixed = re.compile(rf"(?P<rest>.+) (?:{either(SUFFIX_CONNECTORS)}) {name}")

    # -- understanding -----------------------------------------------------------------

    def understand(self, utterance: str) -> Understanding:
        """A launch, a one-shot request to the skill, or (in a session) an intent."""
        spoken = words(utterance)
        if spoken[1:2] == [WAKE_WORD] and spoken[0] in WAKE_GREETINGS:
            spoken = spoken[1:]
        if spoken[:1] == [WAKE_WORD]:
            spoken = spoken[1:]
        text = key(spoken)
        if self._launch.fullmatch(text):
            return Understanding(None, invoked=True)
        one_shot = self._one_shot.fullmatch(text) or self._suffixed.fullmatch(text)
        if one_shot:
            return replace(self._one_shot_intent(spoken, text, one_shot), invoked=True)
        return self.intent_for(spoken)

    def _one_shot_intent(self, spoken: list[str], text: str, match: re.Match[str]) -> Understanding:
        """The request after the skill's name; "ask foot coach about X" may need the "about"."""
        start, end = match.span("rest")
        understood = self.intent_for(_span(spoken, text, start, end))
        connector = match.groupdict().get("connector")
        if understood.intent == FALLBACK and connector:
            understood = self.intent_for(_span(spoken, text, match.start("connector"), end))
        return understood

    def intent_for(self, spoken: list[str]) -> Understanding:
        """The intent and slots for words said inside a session.

        Words as said come first; then the same words without fillers around them ("um",
        "okay so", "... please", "... thanks"), as Alexa's recogniser ignores them; a sample
        with every slot understood beats one that fits only with words nobody listed.
        """
        tries = [spoken, *without_fillers(spoken, self._name_words)]
        expanded = expanded_contractions(tries[-1])
        if expanded is not None:
            tries.append(expanded)
        partial: Understanding | None = None
        for said in tries:
            full, fits = self._match(said)
            if full is not None:
                return full
            partial = partial or fits
        if len(spoken) > LONGEST_REQUEST_WORDS:
            return partial or self._understood(FALLBACK)  # a speech, not a request
        return (
            partial
            or self._inside(tries[-1])
            or (tries[-1] != spoken and self._inside(spoken))  # "..., that's me for today"
            or self._nearest(key(tries[-1]))  # the words that mean something, as matched above
            or (tries[-1] != spoken and self._nearest(key(spoken)))
            or self._understood(FALLBACK)
        )

    def _inside(self, spoken: list[str]) -> Understanding | None:
        """A sample said whole, with every slot understood, inside a longer sentence: "ten
        minutes is all I have". It must be at least half the words, and nothing before it may
        negate it ("don't stop" is not "stop"), unless it says something hurts: "I have to
        stop, my knee is really hurting" must reach the safety answer."""
        size = len(spoken)
        for length in range(size - 1, max(1, (size + 1) // 2) - 1, -1):
            for start in range(size - length + 1):
                negated = bool(NEGATIONS & set(spoken[:start]))
                full, _ = self._match(spoken[start : start + length], bare_slots=False)
                # pain is heard whatever came before it: "I have to stop, my knee hurts"
                if full is not None and (not negated or full.intent == PAIN):
                    return full
        return None

    def _match(
        self, spoken: list[str], bare_slots: bool = True
    ) -> tuple[Understanding | None, Understanding | None]:
        """(understood fully, understood with unknown slot words): a phrase said exactly or
        the best sample whose slots hold known values; else the best sample that fits.

        ``bare_slots=False`` leaves out samples that are nothing but a number or a clock time
        ("{time}"): inside a longer sentence a lone number is no request ("that one again" is
        not "at one o'clock"), where a lone named value still is ("normal difficulty")."""
        text = key(spoken)
        if text in self._phrases:
            return self._understood(self._phrases[text]), None
        best: tuple[tuple[bool, int, int], Understanding] | None = None
        for template in self._candidates(text):
            if not bare_slots and self._bare_number(template):
                continue
            match = template.pattern.fullmatch(text)
            if match is None:
                continue
            filled = {
                name: self._slot_value(template.intent, name, _span(spoken, text, *match.span(i)))
                for i, name in enumerate(template.slot_names, start=1)
            }
            if any(v.is_builtin and v.value is None for v in filled.values()):
                continue  # "i have {duration}" does not hear "i have a towel"
            understood = all(v.understood for v in filled.values())
            unknown = sum(len(str(v.spoken).split()) for v in filled.values() if not v.understood)
            if not understood and unknown >= template.literal_words:
                continue  # "could you {setting}" does not hear "could you put on the quick one"
            rank = (understood, -unknown, template.literal_words)
            if best is None or rank > best[0]:
                best = (rank, self._understood(template.intent, filled))
        if best is None:
            return None, None
        return (best[1], None) if best[0][0] else (None, best[1])

    def _bare_number(self, template: _Template) -> bool:
        """A sample that is only slots, one of them a number or a time of day."""
        types = self.slot_types[template.intent]
        return not template.literal_words and any(
            types[name] in BARE_NUMBER_TYPES for name in template.slot_names
        )

    def _slot_value(self, intent: str, name: str, spoken: list[str]) -> SlotValue:
        slot_type = self.slot_types[intent][name]
        said = " ".join(spoken)
        builtin = BUILTIN_SLOT_TYPES.get(slot_type)
        if builtin is not None:
            return SlotValue(name, slot_type, said, (), builtin(spoken))
        resolved = self._values.get(slot_type, {}).get(key(spoken), [])
        return SlotValue(name, slot_type, said, tuple(resolved), said)

    def _understood(self, intent: str, filled: dict[str, SlotValue] | None = None) -> Understanding:
        filled = filled or {}
        slots = tuple(
            filled.get(name) or SlotValue(name, slot_type)
            for name, slot_type in self.slot_types.get(intent, {}).items()
        )
        return Understanding(intent, slots)

    # -- paraphrases -------------------------------------------------------------------

    @cached_property
    def _said_every_way(self) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
        """Every sample with its slots filled by every synonym: what paraphrases are near.

        Returns the phrases (keys) and, in the same order, the intent and slot words of each.
        """
        phrases: list[str] = []
        meanings: list[tuple[str, dict[str, str]]] = []
        for text, intent in self._phrases.items():
            phrases.append(text)
            meanings.append((intent, {}))
        for template in self._templates:
            types = self.slot_types[template.intent]
            if not template.fuzzy_matchable or any(
                types[name] in BUILTIN_SLOT_TYPES for name in template.slot_names
            ):
                continue
            choices = [self._synonyms.get(types[name], []) for name in template.slot_names]
            for values in itertools.product(*choices):
                phrases.append(template.shape.format(*(key(v.split()) for v in values)))
                meanings.append(
                    (template.intent, dict(zip(template.slot_names, values, strict=True)))
                )
        return phrases, meanings

    def _nearest(self, text: str) -> Understanding | None:
        """The closest sample that means the same: it says no more and no less negation ("I
        have got a band" is near "I haven't got a band" in letters, and means the opposite),
        and each word of its slot values is, give or take a typo, a word that was said
        ("exercises for stiff knees" is near "... stiff ankles", which is another body)."""
        phrases, meanings = self._said_every_way
        negated = _negations(text)
        said = text.split()
        found = next(
            (
                match
                for match in process.extract(
                    text, phrases, scorer=fuzz.ratio, score_cutoff=SIMILARITY_CUTOFF, limit=10
                )
                if _negations(match[0]) == negated
                and all(
                    _was_said(word, said)
                    for value in meanings[match[2]][1].values()
                    for word in key(value.split()).split()
                )
            ),
            None,
        )
        if found is None:
            return None
        intent, slot_words = meanings[found[2]]
        filled = {
            name: self._slot_value(intent, name, spoken.split())
            for name, spoken in slot_words.items()
        }
        return self._understood(intent, filled)


def _was_said(word: str, said: list[str]) -> bool:
    """``word`` or a slip of it (one letter off or swapped) is among the words said."""
    return any(fuzz.ratio(word, other) >= SLOT_WORD_CUTOFF for other in said)


def _negations(text: str) -> set[str]:
    """The words of ``text`` (a key: no apostrophes) that say no: "havent", "not", "without"."""
    return {w for w in text.split() if w in NEGATION_KEYS or w.endswith("nt")}


def locales() -> list[str]:
    """The locales with a generated model, e.g. ["en-AU", "en-CA", ...]."""
    return sorted(path.stem for path in MODELS_DIR.glob("*.json"))


@functools.cache
def load_model(locale: str) -> InteractionModel:
    return InteractionModel.from_file(MODELS_DIR / f"{locale}.json")
