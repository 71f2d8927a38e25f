"""Generate the Alexa interaction models from content, so adding an exercise is one JSON edit.

The EXERCISE and ROUTINE slot types list every content record with its id as the value id
and every alias as a synonym: whatever a person calls an exercise, Alexa's entity resolution
sends back the one id the skill looks up. Intents and sample utterances are data too
(``content/intents.json``). ``footcoach models`` writes one file per locale; a test fails if
the committed files differ from what content generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.library import Exercise, Library, Routine, content_dir

MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"


def load_intents(root: Path | None = None) -> dict[str, Any]:
    return json.loads(((root or content_dir()) / "intents.json").read_text(encoding="utf-8"))


def _slot_value(record: Exercise | Routine) -> dict[str, Any]:
    spoken = record.name.lower()
    synonyms = [a for a in record.aliases if a != spoken]
    # A generic name several exercises share ('the towel exercise') is a synonym of each, so
    # entity resolution hands back every one of them and the skill asks which was meant.
    synonyms += list(getattr(record, "shared_aliases", ()))
    return {"id": record.id, "name": {"value": spoken, "synonyms": synonyms}}


def build_model(library: Library, intents: dict[str, Any]) -> dict[str, Any]:
    """The interaction model (ASK CLI format) for one locale; all locales share English."""
    model_intents = []
    for name, intent in intents["custom_intents"].items():
        model_intents.append(
            {
                "name": name,
                "slots": [{"name": slot, "type": kind} for slot, kind in intent["slots"].items()],
                "samples": intent["samples"],
            }
        )
    for name in intents["builtin_intents"]:
        model_intents.append({"name": name, "samples": intents["builtin_samples"].get(name, [])})
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": intents["invocation_name"],
                "intents": model_intents,
                "types": [
                    {
                        "name": "EXERCISE",
                        "values": [_slot_value(e) for e in library.exercises.values()],
                    },
                    {
                        "name": "ROUTINE",
                        "values": [_slot_value(r) for r in library.routines.values()],
                    },
                ],
            }
        }
    }


def render_models(library: Library, intents: dict[str, Any]) -> dict[str, str]:
    """File name → JSON text for every locale, exactly as committed."""
    text = json.dumps(build_model(library, intents), indent=2, ensure_ascii=False) + "\n"
    return {f"{locale}.json": text for locale in intents["locales"]}


def write_models(library: Library, directory: Path = MODELS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_models(library, load_intents()).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
