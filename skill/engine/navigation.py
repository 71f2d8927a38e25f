"""Moving through a routine: start, next, previous, repeat, skip, pause, resume, and questions.

Every move is a pure function of the library and a position, returning the new position and
the turn to speak. A position is plain data (it round-trips through JSON in session
attributes and storage) and always points at a part that exists; going past the end
finishes the routine, going before the start stays at the first part.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import field, replace
from itertools import pairwise, takewhile
from typing import Any, NamedTuple

from skill.engine.coaching import (
    PartContext,
    equipment_phrase,
    part_segments,
    side_name,
    variation_words,
)
from skill.engine.parts import Part, split_parts
from skill.engine.turn import Speech, Turn, piece_under_way, say, speech_seconds, stretches
from skill.library import (
    PLAN_PREFIX,
    Frequency,
    Library,
    Routine,
    RoutineFrequency,
    RoutineItem,
)
from skill.moves import Moves, load_moves
from skill.values import Value, value_class
from skill.words import Words, load_words, words_for

#: Silences whose end is said ("And relax.", "And stop.") at the start of the next piece.
ENDED_BY_RELEASE = ("hold", "work")
#: More pieces than any part's turn has (a part is under 240 s); a bigger number is forged.
MAX_PIECES = 1000


@value_class
class Position(Value):
    """Where a person is: the part of the exercise they were last coached through."""

    routine_id: str
    item: int = 0
    part: int = 0
    paused: bool = False
    finished: bool = False
    coached: tuple[str, ...] = ()  # exercises this person has heard taught in full
    #: Where in the part's turn its speech starts, as the number of pieces (``turn.stretches``)
    #: from there to the end: 0 is "from the start". A turn resumed mid-part starts later, and
    #: a pause keeps the piece it stopped in. Counted from the end because a part's turn
    #: begins differently (taught in full, or the short cue) but always ends the same.
    pieces_left: int = 0
    #: UNIX seconds when this part's turn ends playing, stamped by whoever speaks it; None
    #: once a request cut the turn short. Not part of a position's identity.
    ends_at: int | None = field(default=None, compare=False)
    #: Items of the routine left out with "skip" (and not come back to): a routine counts as
    #: done only when at least half of it was done.
    skipped: tuple[int, ...] = ()

    def done_enough(self, items: int) -> bool:
        """Whether at least half of a routine of ``items`` exercises was done, not skipped."""
        return 2 * (items - len(self.skipped)) >= items

    @property
    def heard_through(self) -> bool:
        """The part's turn played to its end: carrying on means the next part."""
        return self.ends_at is not None and not self.finished

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "routine_id": self.routine_id,
                "item": self.item,
                "part": self.part,
                "paused": self.paused,
                "finished": self.finished,
                "coached": list(self.coached),
            }
            | ({"pieces_left": self.pieces_left} if self.pieces_left else {})
            | ({} if self.ends_at is None else {"ends_at": self.ends_at})
            | ({"skipped": list(self.skipped)} if self.skipped else {})
        )

    @classmethod
    def from_json(cls, data: Any, coach: Coach) -> Position:
        """Rebuild a position from untrusted JSON; ValueError if it is not a real place."""
        if not isinstance(data, Mapping):
            raise ValueError("position is not an object")
        routine_id = data.get("routine_id")
        item, part = data.get("item", 0), data.get("part", 0)
        coached = data.get("coached", [])
        ends_at, pieces_left = data.get("ends_at"), data.get("pieces_left", 0)
        if type(pieces_left) is not int or not 0 <= pieces_left < MAX_PIECES:
            raise ValueError("position.pieces_left is not a count of pieces")
        if ends_at is not None and (type(ends_at) is not int or not 0 <= ends_at < 10**11):
            raise ValueError("position.ends_at is not a time")
        flags = (data.get("paused", False), data.get("finished", False))
        if (
            not isinstance(routine_id, str)
            or not all(type(n) is int for n in (item, part))
            or not all(isinstance(f, bool) for f in flags)
        ):
            raise ValueError("position fields have the wrong types")
        if not isinstance(coached, list) or not all(isinstance(c, str) for c in coached):
            raise ValueError("position.coached is not a list of ids")
        skipped = data.get("skipped", [])
        if not isinstance(skipped, list) or not all(type(i) is int for i in skipped):
            raise ValueError("position.skipped is not a list of items")
        try:
            routine = coach.library.plan(routine_id)
        except KeyError as exc:
            raise ValueError(f"unknown routine {routine_id!r}") from exc
        if not 0 <= item < len(routine.items) or not 0 <= part < len(coach.parts(routine, item)):
            raise ValueError("position is outside its routine")
        known = [c for c in coached if c in coach.library.exercises]
        return cls(
            routine_id,
            item,
            part,
            flags[0],
            flags[1],
            tuple(dict.fromkeys(known)),
            pieces_left,
            ends_at,
            tuple(sorted({i for i in skipped if 0 <= i < len(routine.items)})),
        )


#: Turns a Coach keeps at most. Every named routine and single exercise played through needs
#: a few hundred; each mix of levels of a routine ("stretching@g,hr=h") is another routine
#: id, and there are 3^exercises of them: a forged session naming them one after another grew
#: the cache without end (about 11 turns, 50 KB, per id). Past the bound the cache starts again.
MAX_KEPT_TURNS = 4096


class Step(NamedTuple):
    """The result of a move: where the person is now and what to say."""

    position: Position
    turn: Turn


class Coach:
    """The session engine: turns content and a position into the next spoken turn."""

    def __init__(
        self,
        library: Library,
        words: Words | None = None,
        moves: Moves | None = None,
        count_aloud: bool = True,
    ) -> None:
        self.library = library
        self.words = words or load_words()
        self.moves = moves or load_moves()
        #: False: a coach for a person who counts for themselves (``counting``)
        self.count_aloud = count_aloud
        # (named routine id, exercises known) -> seconds, computed once
        self._totals: dict[tuple[str, frozenset[str]], float] = {}
        # (item, first setup seconds) -> parts: keyed by the item itself (exercise and dose),
        # so the cache stays as small as the content however many planned or levelled
        # routines are played
        self._parts: dict[tuple[RoutineItem, float], tuple[Part, ...]] = {}
        #: (routine id, item) -> the same parts, for routines other than plans
        self._parts_at: dict[tuple[str, int], tuple[Part, ...]] = {}
        #: (routine id, item, part, taught before, where-to-be said) -> the part's turn:
        #: content does not change, so a turn is built once per worker (a few hundred at
        #: most) instead of every time. Planned routines are too many to keep: built each time;
        #: levelled ones are kept, within MAX_KEPT_TURNS.
        self._turns: dict[tuple[str, int, int, bool, bool], Turn] = {}
        #: locale -> the coach that speaks its words (``for_locale``), shared by all of them
        #: (the language's own words are this coach's: 'en-US' has no folder of its own)
        language = self.words.locale.split("-")[0]
        self._siblings: dict[str, Coach] = {self.words.locale: self, language: self}
        #: this coach with the other way of counting, made the first time it is asked for
        self._other_counting: Coach | None = None

    def for_locale(self, locale: object) -> Coach:
        """The same coach speaking a locale's words ('anticlockwise' in en-GB): one per
        locale the content has words for, made the first time it is asked for, sharing the
        content. ``locale`` is a request's untrusted text: ``words_for`` maps anything else
        to shipped words, so the coaches stay as few as the words folders."""
        if not self.count_aloud:
            return self.counting(True).for_locale(locale).counting(False)
        words = words_for(locale)
        if words.locale not in self._siblings:
            sibling = Coach(self.library, words, self.moves)
            sibling._siblings = self._siblings
            self._siblings[words.locale] = sibling
        return self._siblings[words.locale]

    def counting(self, aloud: bool) -> Coach:
        """The same coach counting reps aloud or not: same words, parts and pieces (so a
        place in a turn is the same place either way), its own turns."""
        if aloud == self.count_aloud:
            return self
        if self._other_counting is None:
            other = Coach(self.library, self.words, self.moves, count_aloud=aloud)
            other._parts, other._parts_at = self._parts, self._parts_at
            other._siblings = self._siblings  # coaches counting aloud, one a locale
            other._other_counting = self
            self._other_counting = other
        return self._other_counting

    # -- structure ---------------------------------------------------------------------

    def routine(self, position: Position) -> Routine:
        return self.library.plan(position.routine_id)

    def parts(self, routine: Routine, item: int) -> tuple[Part, ...]:
        """The item's turns, split once per item and wait to get there (content does not
        change)."""
        # a routine id names its content (levels included) except a plan's, so a place in a
        # named routine finds its parts without hashing the item (exercise and all) again
        place = (routine.id, item)
        found = self._parts_at.get(place)
        if found is not None:
            return found
        setup = self.setup_seconds(routine, item, 0)
        key = (routine.items[item], setup)
        if key not in self._parts:
            self._parts[key] = split_parts(routine.items[item], self.words, setup)
        if not routine.id.startswith(PLAN_PREFIX):
            if len(self._parts_at) >= MAX_KEPT_TURNS:  # levelled ids: see MAX_KEPT_TURNS
                self._parts_at.clear()
            self._parts_at[place] = self._parts[key]
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

    def setup_seconds(self, routine: Routine, item: int, part: int) -> float:
        """The exercise's own setup, plus the time to get there from the exercise before."""
        exercise = routine.items[item].exercise
        if part > 0 or item == 0:
            return exercise.setup_seconds
        before = routine.items[item - 1].exercise.starting_position
        return exercise.setup_seconds + self.moves.extra_seconds(before, exercise.starting_position)

    def _part_turn(self, position: Position, ready_said: bool = False) -> Step:
        """Coach the position's part; the exercise counts as taught from then on.

        ``ready_said``: the turn before ended by saying where to be for this exercise.
        """
        routine = self.routine(position)
        item = routine.items[position.item]
        taught = item.exercise.id in position.coached
        key = (routine.id, position.item, position.part, taught, ready_said)
        turn = self._turns.get(key)
        if turn is None:
            turn = self._build_part_turn(routine, position, taught, ready_said)
            if not routine.id.startswith(PLAN_PREFIX):
                if len(self._turns) >= MAX_KEPT_TURNS:  # see MAX_KEPT_TURNS
                    self._turns.clear()
                self._turns[key] = turn
        coached = tuple(dict.fromkeys((*position.coached, item.exercise.id)))
        moved = replace(
            position,
            paused=False,
            finished=False,
            coached=coached,
            pieces_left=0,
            ends_at=None,
            skipped=tuple(i for i in position.skipped if i != position.item)
            if position.skipped
            else (),
        )
        return Step(moved, turn)

    def _build_part_turn(
        self, routine: Routine, position: Position, taught: bool, ready_said: bool
    ) -> Turn:
        """A part's turn: a function of the routine, the place, whether it was taught and
        whether the turn before said where to be."""
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
            previous_slot=parts[position.part - 1][-1] if position.part else None,
            setup_seconds=self.setup_seconds(routine, position.item, position.part),
            ready_said=ready_said,
            count_aloud=self.count_aloud,
        )
        reprompt = self.words.say("coaching.next_reprompt")
        return Turn(part_segments(context, parts[position.part]), reprompt)

    def _finished_turn(self, position: Position) -> Step:
        routine = self.routine(position)
        item, part = self._last(routine)
        then = self.words.say("navigation.start_over_or_stop")
        count = len(routine.items)
        if position.done_enough(count):
            text = self.words.say("navigation.routine_end", routine=routine.name)
        elif count == 1:  # one exercise, skipped: no praise for it
            text = self.words.say("navigation.exercise_end_skipped", routine=routine.name)
        else:
            text = self.words.say(
                "navigation.routine_end_skipped",
                routine=routine.name,
                skipped=len(position.skipped),
                exercises=self.words.count("units.exercise", count),
            )
        turn = Turn(say(text, self.how_often(routine), then), then)
        finished = replace(
            position, item=item, part=part, paused=False, finished=True, pieces_left=0
        )
        return Step(replace(finished, ends_at=None), turn)

    def how_often(self, routine: Routine) -> str:
        """The article's own frequency for this routine, said once at its end ('' if none)."""
        w = self.words
        said = []
        called = {item.exercise.id: item.exercise.name for item in routine.items}  # at its level
        for entry in routine.frequency or exercise_frequencies(routine):
            times = times_phrase(entry.frequency.times_min, entry.frequency.times_max, w)
            names = [called.get(e) or self.library.exercises[e].name for e in entry.exercises]
            what = w.join(names) if names else w.say("navigation.this_routine")
            said.append(
                w.say("navigation.how_often_entry", what=what, times=times, per=entry.frequency.per)
            )
        return w.say("navigation.how_often", entries=w.join(said)) if said else ""

    def equipment(self, routine: Routine) -> tuple[str, ...]:
        """Everything the routine needs, in the order it is first needed."""
        needed = (e for item in routine.items for e in item.exercise.equipment if e != "none")
        return tuple(dict.fromkeys(needed))

    def _intro_text(self, routine: Routine, duration: str) -> tuple[str, ...]:
        """'Let's do X: 5 exercises, about 14 minutes.', and everything it needs."""
        if len(routine.items) == 1:
            return ()
        text = self.words.say(
            "navigation.intro",
            routine=routine.name,
            exercises=self.words.count("units.exercise", len(routine.items)),
            minutes=duration,
        )
        return (text, equipment_phrase(self.equipment(routine), self.words))

    def _intro(self, routine: Routine, coached: tuple[str, ...] = ()) -> Turn:
        if len(routine.items) == 1:
            return Turn((), "")
        duration = self.duration(self.total_seconds(routine.id, coached))
        return Turn(say(*self._intro_text(routine, duration)), "")

    # -- moves -------------------------------------------------------------------------

    def start(self, routine_id: str, coached: tuple[str, ...] = ()) -> Step:
        """Begin a routine (or 'exercise:<id>' for one exercise) at its first part."""
        routine = self.library.plan(routine_id)
        step = self._part_turn(Position(routine_id, coached=coached))
        return Step(step.position, self._intro(routine, coached).then(step.turn))

    def start_exercise(self, exercise_id: str, coached: tuple[str, ...] = ()) -> Step:
        return self.start(f"exercise:{exercise_id}", coached)

    def next(self, position: Position) -> Step:
        if position.finished:
            return self._finished_turn(position)
        following = self._following(self.routine(position), position.item, position.part)
        if following is None:
            return self._finished_turn(position)
        new_exercise = following[0] != position.item
        return self._part_turn(
            replace(position, item=following[0], part=following[1]), ready_said=new_exercise
        )

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
        if position.finished:
            return self._finished_turn(position)
        left_out = replace(position, skipped=tuple(sorted({*position.skipped, position.item})))
        if position.item + 1 >= len(routine.items):
            return self._finished_turn(left_out)
        return self._part_turn(replace(left_out, item=position.item + 1, part=0))

    def announced_next_exercise(self, position: Position) -> bool:
        """Whether the last turn ended by announcing the next exercise ("Next up: toe
        walking... Say next"): it was the last part of its exercise, heard through. "Skip
        that one" then means the exercise announced; the one done counts as done."""
        if position.finished or not position.heard_through:
            return False
        more = position.item + 1 < len(self.routine(position).items)
        return more and self.ends_exercise(position)

    def ends_exercise(self, position: Position) -> bool:
        """Whether this part is its exercise's last: after it comes the next exercise."""
        return position.part == len(self.parts(self.routine(position), position.item)) - 1

    def is_last_part(self, position: Position) -> bool:
        """Whether nothing of the routine comes after this part."""
        routine = self.routine(position)
        return self._following(routine, position.item, position.part) is None

    def item_in_focus(self, position: Position) -> int:
        """The exercise a question about "this one" means: the one under way, or once its
        turn announced the next ("Next up: toe walking"), the one announced."""
        return position.item + 1 if self.announced_next_exercise(position) else position.item

    def skip_announced(self, position: Position) -> Step:
        """Leave out the exercise after the current one (see ``announced_next_exercise``)."""
        routine = self.routine(position)
        if position.finished or position.item + 1 >= len(routine.items):
            return self._finished_turn(position)
        return self.skip(replace(position, item=position.item + 1, part=0))

    def start_over(self, position: Position) -> Step:
        return self.start(position.routine_id, position.coached)

    def restart_exercise(self, position: Position) -> Step:
        """The exercise under way again from its first part ("start this one again"), not
        the whole routine."""
        if position.finished:
            return self._finished_turn(position)
        return self._part_turn(replace(position, part=0))

    def pause(self, position: Position) -> Step:
        """Hold the place; whether the part was heard through (``ends_at``) is kept for resume,
        and so is ``position.pieces_left``: where in the part it stopped, if that is known."""
        turn = Turn(
            say(self.words.say("navigation.paused"), self.words.say("navigation.say_resume")),
            self.words.say("navigation.resume_reprompt"),
        )
        return Step(replace(position, paused=True), turn)

    def resume(self, position: Position) -> Step:
        """Pick up the part that was under way: from the piece it stopped in when that is
        known (``position.piece``), else from its start. A rep or hold is said again from
        its beginning, never from the middle: a mid-hold cue ("Halfway.") goes back to the
        hold it belongs to.

        A part heard through (``position.heard_through``) is done: carry on with ``next``
        instead, which the caller chooses so the move it made is the move it recorded.
        """
        if position.finished:
            return self._finished_turn(position)
        step = self._part_turn(position)
        pieces = stretches(step.turn)
        left = position.pieces_left
        piece = len(pieces) - left if 0 < left < len(pieces) else 0
        while piece > 0 and pieces[piece].cue_only:
            piece -= 1
        if piece == 0:
            return step
        first = list(pieces[piece].segments)
        if pieces[piece - 1].pause_kind in ENDED_BY_RELEASE and pieces[piece].speech[0].role == (
            "mark"
        ):
            # "And relax." ends the hold before: not the first thing to hear on coming back
            first.remove(pieces[piece].speech[0])
            if not any(isinstance(s, Speech) for s in first) and piece + 1 < len(pieces):
                piece += 1  # a rest between reps: the pause was the rest; on to the next rep
                first = list(pieces[piece].segments)
        # the exercise named: after a pause (perhaps a night) a bare count ("6.") says nothing
        name = self.routine(position).items[position.item].exercise.name
        lead = Speech(self.words.say("navigation.carry_on_from_here", name=name))
        rest = tuple(s for stretch in pieces[piece + 1 :] for s in stretch.segments)
        carried = replace(step.position, pieces_left=len(pieces) - piece)
        return Step(carried, Turn((lead, *first, *rest), step.turn.reprompt))

    def pieces_left_at(self, position: Position, seconds_left: float) -> int:
        """How many pieces of the part were left (the one under way included) when the turn
        had ``seconds_left`` to play before the soonest it could end (``Position.ends_at``):
        where a spoken "pause" stopped it, by estimate. Counted as if the voice were as slow
        as estimated, so an error picks an earlier piece (said again), not a later one."""
        turn = self._part_turn(position).turn
        slowest_left = seconds_left + turn.estimated_seconds - turn.shortest_seconds
        return len(stretches(turn)) - piece_under_way(stretches(turn), slowest_left)

    # -- questions ---------------------------------------------------------------------

    def whats_next(self, position: Position) -> str:
        """What comes after this part, ending with the one thing to say next."""
        routine = self.routine(position)
        w = self.words
        if position.finished:
            return w.say("navigation.finished_routine", routine=routine.name)
        following = self._following(routine, position.item, position.part)
        if following is None:
            return w.say("navigation.last_was_last")
        item = routine.items[following[0]]
        if following[0] == position.item:
            text = w.say("navigation.next_part", part=following[1] + 1, name=item.exercise.name)
        else:
            text = w.say(
                "navigation.next_exercise",
                name=item.exercise.name,
                helps=item.exercise.helps,
                ready=item.exercise.get_ready,
            )
        return f"{text} {w.say('coaching.ready')}"

    def which_side(self, position: Position) -> str:
        """Which foot (or leg) the person is on, from the part they are in: "which foot now?"

        A part heard through is done, so the answer is the side that comes next; a part cut
        short is under way, so it is the side (or the order of sides) this part works. An
        exercise done with both feet together, or with no side, says so.
        """
        routine = self.routine(position)
        w = self.words
        if position.finished:
            return w.say("navigation.finished_routine", routine=routine.name)
        ready = w.say("navigation.say_resume" if position.paused else "coaching.ready")
        if self.announced_next_exercise(position) and not position.paused:
            # "Next up: toe walking... Say next": the question is about the one announced
            coming = routine.items[position.item + 1].exercise
            first = self.parts(routine, position.item + 1)[0][0].side
            if first is None:
                return f"{w.say('navigation.side_both', name=coming.name)} {ready}"
            side = side_name(first, coming, w)
            return f"{w.say('navigation.side_next_exercise', name=coming.name, side=side)} {ready}"
        item = routine.items[position.item]
        exercise = item.exercise
        ways = item.timing.variations
        if len(ways) > 1:  # "which way do I circle?": the directions, in order, each time
            turns = [variation_words(exercise, way, w) for way in ways]
            ready = (
                f"{w.say('navigation.directions', first=turns[0], then=w.join(turns[1:]))} {ready}"
            )
        here = self.parts(routine, position.item)[position.part]
        sides = [slot.side for slot in here if slot.side is not None]
        if not sides:
            return f"{w.say('navigation.side_both', name=exercise.name)} {ready}"

        def named(side: str) -> str:
            return side_name(side, exercise, w)

        if position.heard_through and not position.paused:
            following = self._following(routine, position.item, position.part)
            if following is not None and following[0] == position.item:
                coming = self.parts(routine, following[0])[following[1]][0].side
                if coming is not None:
                    text = w.say(
                        "navigation.side_done_next", done=named(sides[-1]), next=named(coming)
                    )
                    return f"{text} {ready}"
            text = w.say("navigation.side_done", done=named(sides[-1]), name=exercise.name)
            return f"{text} {ready}"
        changes = sum(1 for before, after in pairwise(sides) if before != after)
        if changes == 0:
            return f"{w.say('navigation.side_now', side=named(sides[0]))} {ready}"
        first, second = named(sides[0]), named(next(s for s in sides if s != sides[0]))
        key = "navigation.side_then" if changes == 1 else "navigation.side_turn_about"
        return f"{w.say(key, first=first, second=second)} {ready}"

    def exercises_left(self, position: Position) -> int:
        """Exercises not yet finished, counting the current one unless its last part is done."""
        routine = self.routine(position)
        if position.finished:
            return 0
        return len(routine.items) - position.item - (1 if self.ends_exercise(position) else 0)

    def walk(self, routine_id: str) -> Iterator[Step]:
        """Every step of a routine from its start to its finish, by saying 'next'."""
        step = self.start(routine_id)
        while not step.position.finished:
            yield step
            step = self.next(step.position)
        yield step

    def total_seconds(self, routine_id: str, coached: tuple[str, ...] = ()) -> float:
        """How long the whole routine plays for someone who knows ``coached`` already
        (by default nobody: first-time instructions included)."""
        routine = self.library.plan(routine_id)
        known = frozenset(coached) & {i.exercise.id for i in routine.items}
        key = (routine_id, known)
        if key in self._totals:
            return self._totals[key]
        first = self._part_turn(Position(routine_id, coached=tuple(sorted(known))))
        intro = self._intro_text(routine, self.words.count("units.minute", 10))
        total = (
            speech_seconds(" ".join(intro))
            + first.turn.estimated_seconds
            + self.remaining_seconds(first.position)
        )
        if routine_id in self.library.routines:  # planned routines are too many to keep
            self._totals[key] = total
        return total

    def remaining_seconds(self, position: Position) -> float:
        """How long the parts after this one play, with what this session has learnt."""
        return sum(step.turn.estimated_seconds for step in self._steps_after(position))

    def _steps_after(self, position: Position) -> Iterator[Step]:
        """The steps 'next' gives from ``position`` to the routine's end (the end not included)."""
        step = self.next(position)
        while not step.position.finished:
            yield step
            step = self.next(step.position)

    def _part_seconds_left(self, position: Position) -> float:
        """This part's turn, unless it has been heard through: then nothing of it is left."""
        return 0.0 if position.heard_through else self._part_turn(position).turn.estimated_seconds

    def seconds_left(self, position: Position) -> float:
        """How long the routine still plays: this part (``_part_seconds_left``) and every part
        after it ("how long is left"; never less than ``exercise_seconds_left``)."""
        return self._part_seconds_left(position) + self.remaining_seconds(position)

    def exercise_seconds_left(self, position: Position) -> float:
        """How long the current exercise still plays: this part (``_part_seconds_left``) and
        the exercise's parts after it ("how long is this one")."""
        later = takewhile(lambda s: s.position.item == position.item, self._steps_after(position))
        return self._part_seconds_left(position) + sum(s.turn.estimated_seconds for s in later)

    def duration(self, seconds: float) -> str:
        """How long, said within 10 %: '90 seconds', '4 and a half minutes', '14 minutes'."""
        return duration_phrase(seconds, self.words)


def exercise_frequencies(routine: Routine) -> tuple[RoutineFrequency, ...]:
    """For a routine no article wrote (a plan): each exercise's own article's frequency,
    exercises with the same one said together; one for all of them is the routine's. One
    exercise done alone has none: "how often" about it is answered for the exercise."""
    if len(routine.items) < 2:
        return ()
    grouped: dict[Frequency, list[str]] = {}
    for item in routine.items:
        if item.timing.frequency is not None:
            grouped.setdefault(item.timing.frequency, []).append(item.exercise.id)
    if len(grouped) == 1 and sum(map(len, grouped.values())) == len(routine.items):
        return (RoutineFrequency(next(iter(grouped))),)
    return tuple(RoutineFrequency(often, tuple(ids)) for often, ids in grouped.items())


def duration_phrase(seconds: float, words: Words) -> str:
    """Seconds to the nearest 10 under a minute, half minutes under 10, else minutes.

    People count time past a minute in minutes: 'about 2 minutes', not 'about 110 seconds'.
    """
    if seconds < 55:
        return words.count("units.second", max(10, round(seconds / 10) * 10))
    if seconds < 600:
        halves = round(seconds / 30)
        if halves % 2:
            return words.say("units.minutes_and_a_half", count=halves // 2)
        return words.count("units.minute", halves // 2)
    return words.count("units.minute", round(seconds / 60))


def times_phrase(times_min: int, times_max: int, words: Words) -> str:
    """'once', 'twice', '3 times', '2 to 3 times'."""
    if times_max != times_min:
        return words.say("units.times_range", low=times_min, high=times_max)
    key = f"units.times_{times_min}"
    return words.say(key) if words.has(key) else words.say("units.times_n", count=times_min)
