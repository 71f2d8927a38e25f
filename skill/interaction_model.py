"""Generate the Alexa interaction models from content, so adding an exercise is one JSON edit.

Two kinds of content go in:

- the library (``content/exercises``, ``content/routines``): the EXERCISE and ROUTINE slot
  types list every record with its id as the value id and every alias as a synonym, so
  whatever a person calls an exercise, entity resolution hands the skill the one id it looks up;
- the grammar (``content/grammar/<language>/``): intents, their slots and sample-utterance
  templates (expanded by ``skill.grammar``), the other custom slot types (equipment, body
  area, level, talk settings) and the invocation name. ``content/grammar/locales.json`` lists
  the locales; a locale uses its language's grammar, with ``content/grammar/<locale>/``
  replacing whole intents, phrase sets or slot types where a country says things differently.

``footcoach models`` writes one file per locale after ``skill.model_checks`` has found the
model within Amazon's rules and without a sample that two intents share; a test fails if the
committed files differ from what content generates.
"""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from skill.grammar import Grammar, GrammarError
from skill.library import Exercise, Library, Routine, content_dir
from skill.values import Value, value_class

MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"
BUILTIN_PREFIX = "AMAZON."


class ModelError(ValueError):
    """The grammar cannot make a valid model: names the file or the intent and the problem."""


@value_class
class IntentGrammar(Value):
    """One intent as the grammar writes it: its slots (name -> type) and sample templates."""

    name: str
    slots: dict[str, str]
    templates: tuple[str, ...]


@value_class
class Politeness(Value):
    """Words before or after a request that say nothing of it ("please", "okay so").

    Alexa's language understanding looks past them, and so does the console; a sample that is
    another sample of its intent with one of these added teaches Alexa nothing, and every
    such sample costs room under Amazon's size limit that a new way of saying something needs.
    """

    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]

    def adds_nothing(self, sample: str, samples: set[str]) -> bool:
        """Whether ``sample`` is one of ``samples`` with a polite word before or after it."""
        words = tuple(sample.split(" "))
        for said in self.before:
            if words[: len(said)] == said and " ".join(words[len(said) :]) in samples:
                return True
        for said in self.after:
            if words[-len(said) :] == said and " ".join(words[: -len(said)]) in samples:
                return True
        return False


@value_class
class LocaleGrammar(Value):
    """Everything a locale's model is made of, besides the library."""

    locale: str
    invocation_name: str
    builtin_intents: tuple[str, ...]
    intents: dict[str, IntentGrammar]
    slot_types: dict[str, dict[str, list[str]]]
    phrases: dict[str, str]
    #: Words said before or after a request that add nothing to it (``skill.json``).
    politeness: Politeness = field(default_factory=lambda: Politeness((), ()))

    @property
    def custom_intents(self) -> list[IntentGrammar]:
        return [i for i in self.intents.values() if not i.name.startswith(BUILTIN_PREFIX)]


def grammar_dir(root: Path | None = None) -> Path:
    return (root or content_dir()) / "grammar"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: must be a JSON object")
    return data


def load_locales(root: Path | None = None) -> list[str]:
    """The locales the skill ships (``content/grammar/locales.json``)."""
    return list(_read(grammar_dir(root) / "locales.json")["locales"])


def _layer(folder: Path, grammar: dict[str, Any]) -> None:
    """Add one folder's files to ``grammar``; later folders replace what they name."""
    for path in sorted(folder.glob("*.json")):
        data = _read(path)
        if path.name == "skill.json":
            grammar.update({k: v for k, v in data.items() if not k.startswith("_")})
        elif path.name == "phrases.json":
            grammar["phrases"].update({k: v for k, v in data.items() if not k.startswith("_")})
        elif path.name == "slot_types.json":
            grammar["slot_types"].update(data["types"])
        else:
            for name, intent in data.get("intents", {}).items():
                if name in grammar["sources"] and grammar["sources"][name].parent == folder:
                    raise ModelError(f"{path}: intent {name} is also in {grammar['sources'][name]}")
                grammar["sources"][name] = path
                grammar["intents"][name] = IntentGrammar(
                    name, dict(intent.get("slots", {})), tuple(intent["samples"])
                )


def load_grammar(locale: str, root: Path | None = None) -> LocaleGrammar:
    """The grammar of ``locale``: its language's files, then the locale's own."""
    base = grammar_dir(root)
    language = locale.split("-")[0]
    if not (base / language).is_dir():
        raise ModelError(f"{base / language}: no grammar for language {language!r}")
    raw: dict[str, Any] = {"phrases": {}, "slot_types": {}, "intents": {}, "sources": {}}
    _layer(base / language, raw)
    if (base / locale).is_dir():
        _layer(base / locale, raw)
    builtins = tuple(raw.get("builtin_intents", ()))
    for name in raw["intents"]:
        if name.startswith(BUILTIN_PREFIX) and name not in builtins:
            raise ModelError(f"{raw['sources'][name]}: {name} is not in skill.json builtin_intents")
    return LocaleGrammar(
        locale=locale,
        invocation_name=raw["invocation_name"],
        builtin_intents=builtins,
        intents=raw["intents"],
        slot_types=raw["slot_types"],
        phrases=raw["phrases"],
        politeness=_politeness(raw.get("politeness", {})),
    )


def _politeness(said: dict[str, list[str]]) -> Politeness:
    return Politeness(
        before=tuple(tuple(p.split()) for p in said.get("before", ())),
        after=tuple(tuple(p.split()) for p in said.get("after", ())),
    )


def _record_value(record: Exercise | Routine) -> dict[str, Any]:
    spoken = record.name.lower()
    synonyms = [a for a in record.aliases if a != spoken]
    # A generic name several exercises share ('the towel exercise') is a synonym of each, so
    # entity resolution hands back every one of them and the skill asks which was meant.
    synonyms += list(getattr(record, "shared_aliases", ()))
    return {"id": record.id, "name": {"value": spoken, "synonyms": synonyms}}


def _vocabulary_value(value_id: str, said: list[str]) -> dict[str, Any]:
    return {"id": value_id, "name": {"value": said[0], "synonyms": said[1:]}}


def expanded_samples(grammar: Grammar, intent: IntentGrammar) -> list[str]:
    """Every sample the intent's templates say, polite variants included."""
    try:
        return grammar.expand_all(intent.templates)
    except GrammarError as exc:
        raise ModelError(f"{intent.name}: {exc}") from exc


def _samples(grammar: Grammar, intent: IntentGrammar, politeness: Politeness) -> list[str]:
    """The intent's samples less those that only add a polite word to another of them."""
    samples = expanded_samples(grammar, intent)
    every = set(samples)
    return [s for s in samples if not politeness.adds_nothing(s, every)]


def build_model(library: Library, grammar: LocaleGrammar) -> dict[str, Any]:
    """The interaction model (ASK CLI format) for one locale."""
    expander = Grammar(grammar.phrases)
    model_intents: list[dict[str, Any]] = []
    for intent in grammar.custom_intents:
        model_intents.append(
            {
                "name": intent.name,
                "slots": [{"name": slot, "type": kind} for slot, kind in intent.slots.items()],
                "samples": _samples(expander, intent, grammar.politeness),
            }
        )
    for name in grammar.builtin_intents:
        intent = grammar.intents.get(name, IntentGrammar(name, {}, ()))
        model_intents.append(
            {"name": name, "samples": _samples(expander, intent, grammar.politeness)}
        )
    types = [
        {"name": "EXERCISE", "values": [_record_value(e) for e in library.exercises.values()]},
        {"name": "ROUTINE", "values": [_record_value(r) for r in library.routines.values()]},
    ]
    for type_name, values in grammar.slot_types.items():
        types.append(
            {
                "name": type_name,
                "values": [_vocabulary_value(value_id, said) for value_id, said in values.items()],
            }
        )
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": grammar.invocation_name,
                "intents": model_intents,
                "types": types,
            }
        }
    }


def model_text(model: dict[str, Any]) -> str:
    """A model as its file holds it: one item a line (diffs stay readable), indented by one
    space, as what is uploaded need not carry more whitespace than that."""
    return json.dumps(model, indent=1, ensure_ascii=False) + "\n"


def render_models(library: Library, root: Path | None = None) -> dict[str, str]:
    """File name -> JSON text for every locale, exactly as committed; checked first.

    Raises ModelError listing every broken rule and every sample two intents share.
    """
    from skill.model_checks import check_model  # the checks read models; models don't need them

    rendered: dict[str, str] = {}
    for locale in load_locales(root):
        model = build_model(library, load_grammar(locale, root))
        text = model_text(model)
        if text not in rendered.values():  # locales sharing a grammar are checked once
            problems = check_model(model)
            if problems:
                listed = "\n  ".join(problems)
                raise ModelError(f"the {locale} model breaks {len(problems)} rule(s):\n  {listed}")
        rendered[f"{locale}.json"] = text
    return rendered


def write_models(library: Library, directory: Path = MODELS_DIR) -> list[Path]:
    """Write every locale's model, dropping models of locales no longer listed."""
    rendered = render_models(library)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        if stale.name not in rendered:
            stale.unlink()
    written = []
    for name, text in rendered.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
