"""Moving through a routine: start, next, previous, repeat, skip, pause, resume, and questions.

Every move is a pure function of the library and a position, returning the new position and
the turn to speak. A position is plain data (it round-trips through JSON in session
attributes and storage) and always points at a part that exists; going past the end
finishes the routine, going before the start stays at the first part.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from skill.engine.coaching import PartContext, part_segments
from skill.engine.parts import Part, split_parts
from skill.engine.turn import Turn, say
from skill.library import PLAN_PREFIX, Library, Routine, RoutineItem
from skill.words import Words, load_words


@dataclass(frozen=True)
class Position:
    """Where a person is: the part of the exercise they were last coached through."""

    routine_id: str
    item: int = 0
    part: int = 0
    paused: bool = False
    finished: bool = False
    coached: tuple[str, ...] = ()  # exercises taught in full this session

    def to_json(self) -> dict[str, Any]:
        return {
            "routine_id": self.routine_id,
            "item": self.item,
            "part": self.part,
            "paused": self.paused,
            "finished": self.finished,
            "coached": list(self.coached),
        }

    @classmethod
    def from_json(cls, data: Any, coach: Coach) -> Position:
        """Rebuild a position from untrusted JSON; ValueError if it is not a real place."""
        if not isinstance(data, Mapping):
            raise ValueError("position is not an object")
        routine_id = data.get("routine_id")
        item, part = data.get("item", 0), data.get("part", 0)
        coached = data.get("coached", [])
        flags = (data.get("paused", False), data.get("finished", False))
        if (
            not isinstance(routine_id, str)
            or not all(type(n) is int for n in (item, part))
            or not all(isinstance(f, bool) for f in flags)
        ):
            raise ValueError("position fields have the wrong types")
        if not isinstance(coached, list) or not all(isinstance(c, str) for c in coached):
            raise ValueError("position.coached is not a list of ids")
        try:
            routine = coach.library.plan(routine_id)
        except KeyError as exc:
            raise ValueError(f"unknown routine {routine_id!r}") from exc
        if not 0 <= item < len(routine.items) or not 0 <= part < len(coach.parts(routine, item)):
            raise ValueError("position is outside its routine")
        known = [c for c in coached if c in coach.library.exercises]
        return cls(routine_id, item, part, flags[0], flags[1], tuple(dict.fromkeys(known)))


class Step(NamedTuple):
    """The result of a move: where the person is now and what to say."""

    position: Position
    turn: Turn


class Coach:
    """The session engine: turns content and a position into the next spoken turn."""

    def __init__(self, library: Library, words: Words | None = None) -> None:
        self.library = library
        self.words = words or load_words()
        self._totals: dict[str, float] = {}  # named routine id -> seconds, computed once
        # item -> parts: keyed by the item itself (exercise and dose), so the cache stays as
        # small as the content however many planned or levelled routines are played
        self._parts: dict[RoutineItem, tuple[Part, ...]] = {}
        #: (routine id, item, part, taught before) -> the part's turn: content does not change,
        #: so a turn is built once per worker (a few hundred at most) instead of every time.
        #: Planned routines are too many to keep (the planner tries many): built each time.
        self._turns: dict[tuple[str, int, int, bool], Turn] = {}

    # -- structure ---------------------------------------------------------------------

    def routine(self, position: Position) -> Routine:
        return self.library.plan(position.routine_id)

    def parts(self, routine: Routine, item: int) -> tuple[Part, ...]:
        """The item's turns, split once per routine item (content does not change)."""
        key = routine.items[item]
        if key not in self._parts:
            self._parts[key] = split_parts(key, self.words)
        return self._parts[key]

    def _last(self, routine: Routine) -> tuple[int, int]:
        last_item = len(routine.items) - 1
        return last_item, len(self.parts(routine, last_item)) - 1

    def _following(self, routine: Routine, item: int, part: int) -> tuple[int, int] | None:
        if part + 1 < len(self.parts(routine, item)):
            return item, part + 1
        if item + 1 < len(routine.items):
            return item + 1, 0
        return None

    def _preceding(self, routine: Routine, item: int, part: int) -> tuple[int, int] | None:
        if part > 0:
            return item, part - 1
        if item > 0:
            return item - 1, len(self.parts(routine, item - 1)) - 1
        return None

    # -- turns -------------------------------------------------------------------------

    def _part_turn(self, position: Position) -> Step:
        """Coach the position's part; the exercise counts as taught from then on."""
        routine = self.routine(position)
        item = routine.items[position.item]
        taught = item.exercise.id in position.coached
        key = (routine.id, position.item, position.part, taught)
        turn = self._turns.get(key)
        if turn is None:
            turn = self._build_part_turn(routine, position, taught)
            if not routine.id.startswith(PLAN_PREFIX):
                self._turns[key] = turn
        coached = tuple(dict.fromkeys((*position.coached, item.exercise.id)))
        return Step(replace(position, paused=False, finished=False, coached=coached), turn)

    def _build_part_turn(self, routine: Routine, position: Position, taught: bool) -> Turn:
        """A part's turn: a function of the routine, the place and whether it was taught."""
        item = routine.items[position.item]
        parts = self.parts(routine, position.item)
        following = self._following(routine, position.item, position.part)
        same_item = following is not None and following[0] == position.item
        context = PartContext(
            item=item,
            item_number=position.item + 1,
            item_count=len(routine.items),
            part_number=position.part + 1,
            part_count=len(parts),
            next_slot=parts[following[1]][0] if following and same_item else None,
            next_exercise=routine.items[following[0]].exercise
            if following and not same_item
            else None,
            coached=taught,
            words=self.words,
        )
        reprompt = self.words.say("coaching.next_reprompt")
        return Turn(part_segments(context, parts[position.part]), reprompt)

    def _finished_turn(self, position: Position) -> Step:
        routine = self.routine(position)
        item, part = self._last(routine)
        text = self.words.say("navigation.routine_end", routine=routine.name)
        then = self.words.say("navigation.start_over_or_stop")
        turn = Turn(say(text, then), then)
        return Step(replace(position, item=item, part=part, paused=False, finished=True), turn)

    def _intro(self, routine: Routine) -> Turn:
        if len(routine.items) == 1:
            return Turn((), "")
        minutes = self.minutes(self.total_seconds(routine.id))
        text = self.words.say(
            "navigation.intro",
            routine=routine.name,
            exercises=self.words.count("units.exercise", len(routine.items)),
            minutes=self.words.count("units.minute", minutes),
        )
        return Turn(say(text), "")

    # -- moves -------------------------------------------------------------------------

    def start(self, routine_id: str, coached: tuple[str, ...] = ()) -> Step:
        """Begin a routine (or 'exercise:<id>' for one exercise) at its first part."""
        routine = self.library.plan(routine_id)
        step = self._part_turn(Position(routine_id, coached=coached))
        return Step(step.position, self._intro(routine).then(step.turn))

    def start_exercise(self, exercise_id: str, coached: tuple[str, ...] = ()) -> Step:
        return self.start(f"exercise:{exercise_id}", coached)

    def next(self, position: Position) -> Step:
        if position.finished:
            return self._finished_turn(position)
        following = self._following(self.routine(position), position.item, position.part)
        if following is None:
            return self._finished_turn(position)
        return self._part_turn(replace(position, item=following[0], part=following[1]))

    def previous(self, position: Position) -> Step:
        if position.finished:
            return self._part_turn(replace(position, finished=False))
        preceding = self._preceding(self.routine(position), position.item, position.part)
        item, part = preceding if preceding else (position.item, position.part)
        return self._part_turn(replace(position, item=item, part=part))

    def repeat(self, position: Position) -> Step:
        """Do the current part again (after the first time, with the short cue)."""
        if position.finished:
            return self._finished_turn(position)
        return self._part_turn(position)

    def skip(self, position: Position) -> Step:
        """Leave the current exercise and go to the first part of the next one."""
        routine = self.routine(position)
        if position.finished or position.item + 1 >= len(routine.items):
            return self._finished_turn(position)
        return self._part_turn(replace(position, item=position.item + 1, part=0))

    def start_over(self, position: Position) -> Step:
        return self.start(position.routine_id, position.coached)

    def pause(self, position: Position) -> Step:
        turn = Turn(
            say(self.words.say("navigation.paused"), self.words.say("navigation.say_resume")),
            self.words.say("navigation.resume_reprompt"),
        )
        return Step(replace(position, paused=True), turn)

    def resume(self, position: Position) -> Step:
        """Pick up the part that was under way, from its start: a rep may have been cut off."""
        if position.finished:
            return self._finished_turn(position)
        return self._part_turn(position)

    # -- questions ---------------------------------------------------------------------

    def whats_next(self, position: Position) -> str:
        routine = self.routine(position)
        if position.finished:
            return self.words.say("navigation.finished_routine", routine=routine.name)
        following = self._following(routine, position.item, position.part)
        if following is None:
            return self.words.say("navigation.last_was_last")
        item = routine.items[following[0]]
        if following[0] == position.item:
            return self.words.say(
                "navigation.next_part", part=following[1] + 1, name=item.exercise.name
            )
        return self.words.say(
            "navigation.next_exercise", name=item.exercise.name, helps=item.exercise.helps
        )

    def exercises_left(self, position: Position) -> int:
        """Exercises not yet finished, counting the current one unless its last part is done."""
        routine = self.routine(position)
        if position.finished:
            return 0
        done_current = position.part == len(self.parts(routine, position.item)) - 1
        return len(routine.items) - position.item - (1 if done_current else 0)

    def walk(self, routine_id: str) -> Iterator[Step]:
        """Every step of a routine from its start to its finish, by saying 'next'."""
        step = self.start(routine_id)
        while not step.position.finished:
            yield step
            step = self.next(step.position)
        yield step

    def total_seconds(self, routine_id: str) -> float:
        """How long the whole routine plays, first-time instructions included.

        Kept only for the content's own routines: planned ones are too many to keep.
        """
        if routine_id in self._totals:
            return self._totals[routine_id]
        first = self._part_turn(Position(routine_id))
        total = first.turn.estimated_seconds + self.remaining_seconds(first.position)
        if routine_id in self.library.routines:
            self._totals[routine_id] = total
        return total

    def remaining_seconds(self, position: Position) -> float:
        """How long the parts after this one play, with what this session has learnt."""
        total = 0.0
        step = Step(position, Turn((), ""))
        while True:
            step = self.next(step.position)
            if step.position.finished:
                return total
            total += step.turn.estimated_seconds

    @staticmethod
    def minutes(seconds: float) -> int:
        return max(1, round(seconds / 60))
