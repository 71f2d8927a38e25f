"""What a screen shows: APL directives built from the engine's turn and the person's position.

The engine says what to say; a screen shows it. Documents are self-contained JSON files in
``content/screens/`` filled by the data sources built here, so the look is data and the words
come from ``content/words``. A coaching turn shows the routine, "Exercise 2 of 5: toe
walking", which foot, the rep, the instruction being said and a countdown during holds.

Hands-free pacing: on a screen, the turn's speech can be played by the document itself, one
piece between silences at a time (``SpeakItem`` on components whose speech comes from the
``ssmlToSpeech`` transformer), with ``Idle`` for every silence, so the screen knows when each
hold starts and counts it down; at the end the document sends the event "next" would send.
The pieces are cut from the very SSML a speaker would hear, so both say the same words.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from ask_sdk_model.interfaces.alexa.presentation.apl import (
    ExecuteCommandsDirective,
    IdleCommand,
    RenderDocumentDirective,
    SendEventCommand,
    SequentialCommand,
    SetValueCommand,
    SpeakItemCommand,
)

from skill import replies

# what the buttons send, named here too
from skill.alexa.buttons import (
    BACK,
    HOW_TO,
    LIST_ROUTINES,
    NEXT,
    PAUSE,
    REPEAT,
    RESUME,
    START_ROUTINE,
    STOP,
    YES,
)
from skill.alexa.visual import COACHING_TOKEN
from skill.engine.coaching import capitalize, dose_summary, side_name
from skill.engine.dose import RepSlot
from skill.engine.navigation import Coach, Step
from skill.engine.ssml import breaks, escape_text, to_ssml
from skill.engine.turn import Stretch, Turn, raw_stretches, stretches
from skill.library import Exercise, Routine, content_dir
from skill.values import Value, value_class
from skill.words import Words

#: The APL interface a device with a screen reports in context.System.device.supportedInterfaces.
APL_INTERFACE = "Alexa.Presentation.APL"
#: The coaching document's component that holds what it shows as bound values, and their
#: names: a later turn changes them with SetValue instead of sending the document again.
ROOT = "coaching"
BOUND = ("routine", "title", "side", "rep", "instruction", "paused", "at")
LIST_TOKEN = "list"
#: Pauses the screen counts down (tempo beats between counted reps are too short to), and
#: the shortest it counts: a two-second number flashing past helps nobody.
COUNTED_PAUSES = ("hold", "work", "rest", "setup")
COUNTDOWN_MIN_SECONDS = 5

_BREAKS = re.compile(r'\s*((?:<break time="\d+ms"/>\s*)+)')
_BREAK_MS = re.compile(r'<break time="(\d+)ms"/>')
_TAG = re.compile(r"<[^>]+>")


@cache
def document(name: str) -> dict[str, Any]:
    """An APL document from content/screens/ (read once)."""
    return json.loads((content_dir() / "screens" / f"{name}.json").read_text(encoding="utf-8"))


@value_class
class Piece(Value):
    """Speech between two silences: its SSML, its words, and the silence after it."""

    ssml: str
    text: str
    pause_seconds: float


def pieces(ssml: str) -> list[Piece]:
    """Cut a response's SSML at its silences (chained breaks are one silence)."""
    inner = ssml.strip().removeprefix("<speak>").removesuffix("</speak>")
    parts = _BREAKS.split(inner)
    found = []
    for index in range(0, len(parts), 2):
        fragment = parts[index].strip()
        silence = parts[index + 1] if index + 1 < len(parts) else ""
        seconds = sum(int(ms) for ms in _BREAK_MS.findall(silence)) / 1000
        text = html.unescape(_TAG.sub(" ", fragment))
        found.append(Piece(fragment, " ".join(text.split()), seconds))
    return found


def paced_pieces(ssml: str, turn: Turn) -> tuple[list[Piece], list[Stretch] | None]:
    """The pieces the document speaks one by one, with the engine's stretch for each.

    The beats between counted reps ("1. [2 s] 2. [2 s]") stay inside one piece's SSML: the
    voice counts them, and a piece per beat would not fit a response. The pieces are the
    engine's (``turn.stretches``), so a piece the screen reports is one the engine can carry
    on from. Where the turn does not line up with its SSML (it always should), the pieces
    come alone.
    """
    said, raw = pieces(ssml), raw_stretches(turn)
    if len(said) != len(raw):
        return said, None
    merged: list[Piece] = []
    for index, piece in enumerate(said):
        if merged and raw[index - 1].pause_kind == "tempo":
            before = merged.pop()
            piece = Piece(
                f"{before.ssml} {breaks(before.pause_seconds)} {piece.ssml}".strip(),
                f"{before.text} {piece.text}".strip(),
                piece.pause_seconds,
            )
        merged.append(piece)
    return merged, stretches(turn)


@value_class
class Where(Value):
    """The screen's labels for a place in the routine: which foot, which rep."""

    side: str
    rep: str


class CoachingScreen:
    """The coaching document for one step, and the commands that pace it hands-free."""

    def __init__(self, coach: Coach, words: Words) -> None:
        self.coach = coach
        self.words = words

    def _where(self, exercise: Exercise, slot: RepSlot, reps: int, sets: int) -> Where:
        side = capitalize(side_name(slot.side, exercise)) if slot.side else ""
        if reps <= 1 and sets <= 1:
            return Where(side, "")
        if sets > 1:
            rep = self.words.say(
                "screens.set_rep_of", set=slot.set_number, sets=sets, rep=slot.rep, reps=reps
            )
        else:
            rep = self.words.say("screens.rep_of", rep=slot.rep, reps=reps)
        return Where(side, rep)

    def _title(self, routine: Routine, item: int, exercise: Exercise) -> str:
        if len(routine.items) == 1:
            return capitalize(exercise.name)
        return self.words.say(
            "screens.exercise_of", number=item + 1, count=len(routine.items), name=exercise.name
        )

    def _buttons(self, step: Step) -> list[dict[str, Any]]:
        """Back, Pause or Resume (whichever fits ``paused``, so SetValue can swap them), Repeat,
        Next, Stop; at the end, Routines and Stop."""
        if step.position.finished:
            kinds = [("routines", LIST_ROUTINES, "always"), ("stop", STOP, "always")]
        else:
            kinds = [
                ("back", BACK, "always"),
                ("pause", PAUSE, "playing"),
                ("resume", RESUME, "paused"),
                ("repeat", REPEAT, "always"),
                ("next", NEXT, "always"),
                ("stop", STOP, "always"),
            ]
        return [
            {"label": self.words.say(f"screens.button_{key}"), "event": [intent], "show": show}
            for key, intent, show in kinds
        ]

    def directives(
        self, step: Step, ssml: str, hands_free: bool, showing: bool = False
    ) -> list[Any]:
        """What a coaching turn sends a screen.

        - hands-free: RenderDocument and the ExecuteCommands that speak it and move on (the
          speech comes from the ``ssmlToSpeech`` transformer, which only a RenderDocument's
          data source has);
        - ``showing`` (the coaching document is on the screen, by the request's visual
          context): one ExecuteCommands of SetValue on the document's bound values;
        - otherwise a RenderDocument.
        """
        position = step.position
        said, groups = paced_pieces(ssml, step.turn)
        screen = self._screen(step, said, groups)
        pace = hands_free and not position.finished and not position.paused
        if not pace and showing and not position.finished:
            commands = [_set(ROOT, name, _markup(screen[name])) for name in BOUND]
            commands.append(_set("countdown", "holdEnd", 0))
            return [ExecuteCommandsDirective(commands=commands, token=COACHING_TOKEN)]
        datasources: dict[str, Any] = {"screen": screen}
        directives: list[Any] = []
        if pace:
            screen["speech"] = [f"v{i}" for i, piece in enumerate(said) if piece.ssml]
            datasources["pacing"] = _speech_source(said)
            labels = self._labels_for(step, groups, said)
            commands = self._pacing(groups, said, labels, screen)
            directives.append(ExecuteCommandsDirective(commands=commands, token=COACHING_TOKEN))
        datasources["screen"] = _markup(screen)  # last: pacing adds the speech ids
        render = RenderDocumentDirective(
            token=COACHING_TOKEN, document=document("coaching"), datasources=datasources
        )
        return [render, *directives]

    def _screen(
        self, step: Step, said: Sequence[Piece], groups: Sequence[Stretch] | None
    ) -> dict[str, Any]:
        """The document's bound values for this step (see ``BOUND``), buttons and speech."""
        position = step.position
        routine = self.coach.routine(position)
        screen: dict[str, Any] = {
            "routine": capitalize(routine.name),
            "title": capitalize(routine.name),
            "side": "",
            "rep": "",
            "instruction": next((p.text for p in said if p.text), ""),
            "paused": position.paused,
            "at": len(said),
            "buttons": self._buttons(step),
            "speech": [],
        }
        if not position.finished:
            item = routine.items[position.item]
            slots = self.coach.parts(routine, position.item)[position.part]
            screen["title"] = self._title(routine, position.item, item.exercise)
            first = self._where(item.exercise, slots[0], item.timing.reps, item.timing.sets)
            if position.paused:
                screen["at"] = position.pieces_left
                # show the rep that resume carries on from
                step = self.coach.resume(replace(position, paused=True))
                said, groups = paced_pieces(to_ssml(step.turn), step.turn)
            counted = [w for w in self._labels_for(step, groups, said) if w and w.rep]
            shown = counted[0] if counted else first
            screen["side"], screen["rep"] = shown.side or first.side, shown.rep or first.rep
        return screen

    def _labels_for(
        self, step: Step, groups: Sequence[Stretch] | None, said: Sequence[Piece]
    ) -> list[Where | None]:
        position = step.position
        if position.finished:
            return [None] * len(said)
        routine = self.coach.routine(position)
        item = routine.items[position.item]
        slots = self.coach.parts(routine, position.item)[position.part]
        return self._labels(groups, said, slots, item.exercise, item.timing.reps, item.timing.sets)

    def _labels(
        self,
        groups: Sequence[Stretch] | None,
        said: Sequence[Piece],
        slots: Sequence[RepSlot],
        exercise: Exercise,
        reps: int,
        sets: int,
    ) -> list[Where | None]:
        """For each piece, the side and rep it counts (None: it counts none).

        The engine says one count per rep, in order, so the k-th count is the k-th rep of
        the part (of its last reps, for a turn resumed mid-part); if the turn does not line
        up with the SSML that way, no labels move.
        """
        counts = [s for g in groups or () for s in g.speech if s.role == "count"]
        if groups is None or len(groups) != len(said) or len(counts) > len(slots):
            return [None] * len(said)
        labels: list[Where | None] = []
        seen = len(slots) - len(counts)  # a turn resumed mid-part counts the last reps
        for group in groups:
            counted = sum(1 for s in group.speech if s.role == "count")
            slot = slots[seen] if counted else None  # the first rep this piece counts
            seen += counted
            labels.append(self._where(exercise, slot, reps, sets) if slot else None)
        return labels

    def _pacing(
        self,
        groups: Sequence[Stretch] | None,
        said: Sequence[Piece],
        labels: Sequence[Where | None],
        screen: dict[str, Any],
    ) -> list[Any]:
        aligned = groups
        commands: list[Any] = []
        shown = {"rep": screen["rep"], "side": screen["side"], "phase": "", "counting": ""}
        for index, piece in enumerate(said):
            if piece.ssml:
                label = labels[index]
                roles = {s.role for s in aligned[index].speech} if aligned else {"say"}
                counted = "say" not in roles and label is not None and bool(label.rep)
                if "say" in roles or (roles != {"cue"} and not counted):
                    # a count shows as the rep and "Halfway." as the countdown; the rest is
                    # the instruction, large
                    commands.append(_set(ROOT, "instruction", _markup(piece.text)))
                for name in ("rep", "side"):
                    value = getattr(label, name, "")
                    if value and shown[name] and value != shown[name]:
                        commands.append(_set(ROOT, name, _markup(value)))
                        shown[name] = value
                # the pieces left, this one included: what Pause sends and the visual
                # context reports, so resume carries on from here
                commands.append(_set(ROOT, "at", len(said) - index))
                commands.append(SpeakItemCommand(component_id=f"v{index}"))
            if piece.pause_seconds:
                commands += self._silence(index, said, aligned, shown)
        commands.append(SendEventCommand(arguments=[NEXT, "paced"]))
        return [SequentialCommand(commands=commands)]

    def _silence(
        self,
        index: int,
        said: Sequence[Piece],
        groups: Sequence[Stretch] | None,
        shown: dict[str, str],
    ) -> list[Any]:
        """Count a hold down to the end of the whole hold (across its spoken cues); wait."""
        milliseconds = round(said[index].pause_seconds * 1000)
        kind = groups[index].pause_kind if groups else None
        remaining = milliseconds
        following = index + 1
        # "Halfway." between two silences of one hold: the countdown runs on through it
        while (
            groups
            and following < len(groups)
            and groups[following].pause_kind == kind
            and all(s.role == "cue" for s in groups[following].speech)
        ):
            remaining += round(groups[following].pause_seconds * 1000)
            following += 1
        if kind not in COUNTED_PAUSES or remaining < COUNTDOWN_MIN_SECONDS * 1000:
            stop = [_set("countdown", "holdEnd", 0)] if shown["counting"] else []
            shown["counting"] = ""
            return [*stop, IdleCommand(delay=milliseconds)]
        shown["counting"] = "yes"
        phase = self.words.say(f"screens.phase_{kind}")
        commands: list[Any] = []
        if phase != shown["phase"]:
            commands.append(_set("countdown", "phase", _markup(phase)))
            shown["phase"] = phase
        return [
            *commands,
            _set("countdown", "holdEnd", f"${{elapsedTime + {remaining}}}"),
            IdleCommand(delay=milliseconds),
        ]


#: Data that is not shown: the arguments a button sends, the ids of the pieces to speak.
_NOT_SHOWN = frozenset({"event", "speech"})


def _markup(value: Any) -> Any:
    """``value`` with every string escaped for a Text component, whose text is markup.

    Amazon's APL engine read "1 < 2 > 0" as "1 0" and "<b>" as bold: words are data that a
    translator edits, so their &, < and > are escaped as the SSML's are.
    """
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, list):
        return [_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _NOT_SHOWN else _markup(v) for k, v in value.items()}
    return value


def _set(component: str, name: str, value: Any) -> SetValueCommand:
    return SetValueCommand(component_id=component, object_property=name, value=value)


def _speech_source(said: Sequence[Piece]) -> dict[str, Any]:
    """Every piece's SSML, turned into speech by Alexa's ssmlToSpeech transformer."""
    return {
        "type": "object",
        "properties": {
            f"s{i}": f"<speak>{piece.ssml}</speak>" for i, piece in enumerate(said) if piece.ssml
        },
        "transformers": [
            {"inputPath": f"s{i}", "outputName": f"v{i}", "transformer": "ssmlToSpeech"}
            for i, piece in enumerate(said)
            if piece.ssml
        ],
    }


class ListScreens:
    """Titled lists: the routines, the exercises, how to do one exercise, a routine's plan.

    A row that does something when touched sends the intent (and slot value id) the same
    words would, so touching "the quick routine" is saying "start the quick routine".
    """

    def __init__(self, coach: Coach, words: Words) -> None:
        self.coach = coach
        self.words = words

    def _render(
        self,
        title: str,
        rows: list[dict[str, Any]],
        buttons: Sequence[tuple[str, list[str]]] = (),
        subtitle: str = "",
        footer: str = "",
    ) -> RenderDocumentDirective:
        data = {
            "title": title,
            "subtitle": subtitle,
            "rows": rows,
            "footer": footer,
            "buttons": [
                {"label": self.words.say(f"screens.button_{key}"), "event": event}
                for key, event in buttons
            ],
        }
        return RenderDocumentDirective(
            token=LIST_TOKEN, document=document("list"), datasources={"list": _markup(data)}
        )

    def routines(self) -> RenderDocumentDirective:
        rows = [
            {
                "text": capitalize(replies.routine_line(routine, self.coach, self.words)),
                "event": [START_ROUTINE, routine.id],
            }
            for routine in self.coach.library.routines.values()
        ]
        return self._render(self.words.say("screens.routines_title"), rows)

    def exercises(self) -> RenderDocumentDirective:
        rows = [
            {"text": capitalize(e.name), "event": [HOW_TO, e.id]}
            for e in self.coach.library.exercises.values()
        ]
        return self._render(
            self.words.say("screens.exercises_title"), rows, [("routines", [LIST_ROUTINES])]
        )

    def how_to(self, exercise: Exercise) -> RenderDocumentDirective:
        equipment = [e for e in exercise.equipment if e != "none"]
        needs = (
            self.words.say("screens.you_need", equipment=", ".join(equipment))
            if equipment
            else self.words.say("screens.no_equipment")
        )
        steps = exercise.instructions  # the first step says where to start
        rows = [
            {"text": self.words.say("screens.step_line", number=n, text=text)}
            for n, text in enumerate(steps, 1)
        ]
        rows += [{"text": dose_summary(exercise.timing, exercise)}]
        rows += [{"text": line} for line in exercise.safety]
        return self._render(
            capitalize(exercise.name),
            rows,
            [("start", [YES]), ("routines", [LIST_ROUTINES])],
            subtitle=needs,
        )

    def plan(self, routine: Routine, offered: bool = False) -> RenderDocumentDirective:
        """A routine's exercises in order, each with its dose, and how long it all takes.

        ``offered``: the routine was just offered (a plan made to measure), so Start is "yes".
        """
        rows = [
            {
                "text": self.words.say(
                    "screens.plan_line",
                    number=n,
                    name=capitalize(item.exercise.name),
                    dose=dose_summary(item.timing, item.exercise),
                )
            }
            for n, item in enumerate(routine.items, 1)
        ]
        minutes = self.coach.duration(self.coach.total_seconds(routine.id))
        return self._render(
            capitalize(routine.name),
            rows,
            [
                ("start", [YES] if offered else [START_ROUTINE, routine.id]),
                ("routines", [LIST_ROUTINES]),
            ],
            footer=self.words.say("screens.plan_minutes", minutes=minutes),
        )
