"""The per-turn state a handler works with: position, progress, offers, and how to speak.

Session attributes hold plain JSON only (a position, a descriptor of the last reply, an open
offer; never speech: see ``said.py``), and a client cannot be trusted to echo them faithfully,
so everything read back is validated and a bad value is treated as absent. Progress is loaded
once per request by an interceptor and kept in request attributes.

Handlers answer through three calls, each of which remembers what it said so "repeat" can
say it again: ``say(kind, **arguments)`` for a reply, ``move``/``start`` then ``speak_step``
for coaching, ``goodbye`` to end the session.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.alexa.said import (
    AGAIN_SLOWER,
    LAST,
    MOVES,
    NOT_UNDERSTOOD,
    STEP,
    Said,
    describe_move,
    fits_descriptor,
    last_asked,
    recall,
    remember,
    replay_move,
    unwrapped,
    utterance,
)
from skill.engine.navigation import Coach, Position, Step
from skill.engine.ssml import escape_text, plain_ssml, to_ssml
from skill.engine.turn import FASTEST_WORDS_PER_MINUTE, Speech, Turn, speech_seconds
from skill.heard import Vocabulary, points, vocabulary
from skill.lazy_log import logger
from skill.library import Routine, RoutineItem, base_routine_id
from skill.progress import Progress, Settings

log = logger(__name__)

POSITION = "position"
OFFER = "offer"
#: An answer was given over the part's turn ("how long do I hold it?" mid-exercise): the turn
#: was cut short, however long after its end the person next speaks. Cleared by the next step.
INTERRUPTED = "interrupted"
#: Its value once the exercise under way hurt ("my knee's starting to twinge": stop, rest,
#: "say skip to move on"): "next" then means the next exercise, never that one again, even
#: after a question asked over it ("what should I do if it keeps hurting?").
HURT = "hurt"
#: The reply said when it hurts mid-routine.
PAIN_IN_ROUTINE = "pain_in_routine"
#: Answers to a question about the exercise under way ("how many do I do?", "which leg?"):
#: given over its turn, they leave that part to be carried on. Others (pain: "say skip to
#: move on"; a change of mode or setting) leave "next" meaning the next part.
ABOUT_THE_PART = frozenset(
    {
        "dose",
        "how_to_here",
        "safety",
        "purpose",
        "balance",
        "which_side",
        "how_long",
        "exercises_left",
    }
)
#: Every session attribute this skill writes; anything else sent back is dropped unread.
#: A new one is added here, kept small (see tests/test_repeat.py) and validated when read.
SESSION_KEYS = frozenset({POSITION, OFFER, LAST, INTERRUPTED})
PROGRESS = "progress"
STORAGE_OK = "storage_ok"
#: Request attribute: the Step this turn spoke, for whatever shows it (a screen).
SPOKEN_STEP = "spoken_step"


class Conversation:
    """One request's view of the person: where they are and what they have done."""

    def __init__(self, handler_input: HandlerInput, coach: Coach) -> None:
        self.input = handler_input
        # the person's English: 'anticlockwise' and 'physiotherapist' where they say so
        locale = getattr(handler_input.request_envelope.request, "locale", None)
        self.coach = coach.for_locale(locale)
        in_session = handler_input.request_envelope.session is not None
        # skill events arrive outside any session: there is nothing to remember between turns
        self.session: dict[str, Any] = (
            handler_input.attributes_manager.session_attributes if in_session else {}
        )
        self.request_attributes = handler_input.attributes_manager.request_attributes
        self._move: tuple[str, Position] | None = None  # the move behind the next step
        #: the last stored position checked: (its dict, the position, the coach that read it)
        self._read: tuple[Any, Position | None, Coach] | None = None
        self.count_as_set()

    def count_as_set(self) -> None:
        """Coach with reps counted aloud or not, as this person's settings say (read, not
        made: LoadProgress itself makes a Conversation before the progress is there)."""
        progress = self.request_attributes.get(PROGRESS)
        if progress is not None:
            self.coach = self.coach.counting(progress.settings.counting)

    # -- what we know ------------------------------------------------------------------

    @property
    def progress(self) -> Progress:
        found = self.request_attributes.get(PROGRESS)  # LoadProgress put it there
        if found is None:  # (not setdefault: that made a Progress at every call)
            found = self.request_attributes[PROGRESS] = Progress()
        return found

    @property
    def last_routine(self) -> str | None:
        """The routine done last time, named or planned, if the content can still play it (a
        plan names its exercises in its id: one the content no longer has is no routine)."""
        last = self.progress.last_routine
        return last if last and self.playable(last) else None

    def playable(self, routine_id: str) -> bool:
        """Whether the content plays this routine id: named, one exercise, or planned."""
        try:
            self.coach.library.plan(routine_id)
        except KeyError:
            return False
        return True

    @property
    def usual_routine(self) -> str:
        """The routine "start" and "same as last time" mean: the one done last time, named or
        planned for this person, else the library's default."""
        return self.last_routine or self.coach.library.default_routine.id

    @property
    def today(self) -> date:
        timestamp = getattr(self.input.request_envelope.request, "timestamp", None)
        return timestamp.date() if isinstance(timestamp, datetime) else datetime.now(UTC).date()

    def _valid(self, data: Any) -> Position | None:
        if data is None:
            return None
        # A turn asks for the same stored position several times (where it is, whether a
        # routine is under way, what was said): each stored dict is checked once. A new
        # position is always a new dict (``Position.to_json``), never one changed in place.
        read = self._read
        if read is not None and read[0] is data and read[2] is self.coach:
            return read[1]
        try:
            position = Position.from_json(data, self.coach)
        except ValueError as exc:
            log.warning("ignoring a malformed position: %s", exc)
            position = None
        self._read = (data, position, self.coach)
        return position

    @property
    def now(self) -> int:
        """The request's time in UNIX seconds (the clock's, if the request has none)."""
        timestamp = getattr(self.input.request_envelope.request, "timestamp", None)
        moment = timestamp if isinstance(timestamp, datetime) else datetime.now(UTC)
        return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())

    def taught_in(self, routine_id: str) -> tuple[str, ...]:
        """The exercises of this routine the person has heard taught in full, ever."""
        try:
            routine = self.coach.library.plan(routine_id)
        except KeyError:
            return ()
        in_routine = {item.exercise.id for item in routine.items}
        return tuple(e for e in self.progress.taught if e in in_routine)

    def _as_of_now(self, position: Position) -> Position:
        """A part whose turn this request, or an answer given over it, cut short was not
        heard through."""
        if position.ends_at is None or position.paused:
            return position
        if self.now < position.ends_at or self.interrupted:
            return replace(position, ends_at=None)
        return position

    @property
    def interrupted(self) -> bool:
        """Whether the last answer was given over a part's turn, cutting it short."""
        return self.session.get(INTERRUPTED) is True

    @property
    def hurt(self) -> bool:
        """Whether the exercise under way hurt since the last step (see ``HURT``)."""
        return self.session.get(INTERRUPTED) == HURT

    @property
    def position(self) -> Position | None:
        """The session's position, else the saved one with what the person was ever taught."""
        current = self._valid(self.session.get(POSITION))
        if current is None:
            saved = self._valid(self.progress.position)
            if saved is None:
                return None
            current = replace(saved, coached=())  # what was taught comes from progress
        known = self.known(current.routine_id)
        if known:
            current = replace(current, coached=tuple(dict.fromkeys((*current.coached, *known))))
        return self._as_of_now(current)

    @property
    def in_session(self) -> Position | None:
        """The position this session has been at, finished or not (None: only a saved one)."""
        return self._valid(self.session.get(POSITION))

    @property
    def in_routine(self) -> Position | None:
        """A routine under way in this session (not one saved from an earlier session)."""
        current = self._valid(self.session.get(POSITION))
        return self._as_of_now(current) if current is not None and not current.finished else None

    @property
    def settings(self) -> Settings:
        return self.progress.settings

    def known(self, routine_id: str) -> tuple[str, ...]:
        """Exercises of the routine to coach with the short cue only: those this person has
        heard taught in full before, or all of them in concise mode.

        Only the routine's own, so the position in the session stays small.
        """
        if not self.settings.concise:
            return self.taught_in(routine_id)
        try:
            routine = self.coach.library.plan(routine_id)
        except KeyError:
            return ()
        return tuple(dict.fromkeys(item.exercise.id for item in routine.items))

    def levelled(self, routine_id: str) -> str:
        """A routine id at the person's remembered levels: their own, and per exercise."""
        settings = self.settings
        try:
            routine = self.coach.library.plan(routine_id)
        except KeyError:
            return routine_id
        levels = {
            item.exercise.id: settings.exercise_levels.get(item.exercise.id, settings.level)
            for item in routine.items
        }
        return self.coach.library.with_levels(routine_id, levels)

    def next_step(self) -> str:
        """The question that carries on what the person is doing: the routine's own, or the menu."""
        position = self.in_routine
        words = self.coach.words
        if position is None:
            return words.say("replies.what_now")
        return words.say("navigation.say_resume" if position.paused else "coaching.ready")

    @property
    def unfinished(self) -> Position | None:
        position = self.position
        return position if position and not position.finished else None

    def set_position(self, position: Position) -> None:
        if not self.settings.concise:  # in concise mode nothing is taught in full
            self.progress.record_taught(position.coached)
        self.session[POSITION] = position.to_json()
        self.session.pop(INTERRUPTED, None)
        self.progress.position = position.to_json()
        if not position.routine_id.startswith("exercise:"):
            self.progress.last_routine = base_routine_id(position.routine_id)

    @property
    def offer(self) -> dict[str, str] | None:
        offer = self.session.get(OFFER)
        valid = isinstance(offer, dict) and isinstance(offer.get("kind"), str)
        return offer if valid and isinstance(offer.get("id", ""), str) else None

    def lacking(self, position: Position) -> tuple[str, ...]:
        """What the exercise at ``position`` needs that this person said they haven't got."""
        exercise = self.coach.routine(position).items[position.item].exercise
        lack = set(self.settings.lack)
        return tuple(e for e in sorted(self.coach.library.catalogue.needs(exercise)) if e in lack)

    @property
    def offered_routine(self) -> Routine | None:
        """The routine just offered ("Here's a routine... Ready?"), when no routine is under
        way in this session; None for no offer, or one of something else (an exercise)."""
        offer = self.offer
        if offer is None or self.in_routine is not None or not offer.get("id"):
            return None
        try:
            return self.coach.library.plan(offer["id"])
        except KeyError:  # an offer of something else than a routine (an exercise's how-to)
            return None

    def offered_item(self, exercise_id: str) -> RoutineItem | None:
        """The exercise's item, at its dose, in the routine or plan on offer; None if it is
        not in one."""
        routine = self.offered_routine
        items = routine.items if routine is not None else ()
        return next((i for i in items if i.exercise.id == exercise_id), None)

    def make_offer(self, kind: str, target: str = "") -> None:
        self.session[OFFER] = {"kind": kind, "id": target}

    def drop_offer(self) -> None:
        """Nothing is on offer any more: a later 'yes' must not start what was offered."""
        self.session.pop(OFFER, None)

    # -- slots -------------------------------------------------------------------------

    def slot(self, name: str) -> tuple[str | None, bool]:
        """(resolved content id or None, whether the person said something for the slot)."""
        ids, spoken = self.slot_ids(name)
        return (ids[0] if ids else None), spoken

    def slot_ids(self, name: str) -> tuple[tuple[str, ...], bool]:
        """(every content id the slot resolved to, whether the person said something).

        A name two records share ('the towel exercise') resolves to both of them.
        """
        intent = getattr(self.input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None)
        if not isinstance(slots, dict):
            return (), False
        slot = slots.get(name)
        if slot is None or not slot.value:
            return (), False
        authorities = (
            getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None) or []
        )
        for authority in authorities:
            code = getattr(getattr(authority, "status", None), "code", None)
            if code == StatusCode.ER_SUCCESS_MATCH and authority.values:
                ids = (getattr(getattr(v, "value", None), "id", None) for v in authority.values)
                found = tuple(dict.fromkeys(i for i in ids if isinstance(i, str)))
                return found, True
        return (), True

    def slot_named_in_words(self, name: str, slot_type: str) -> str | None:
        """The value of ``slot_type`` that the words heard for slot ``name`` name, when
        Alexa's resolution matched none ("my dodgy knee": ``knees``); else None."""
        ids, spoken = self.slot_ids(name)
        heard = self.slot_value(name) if spoken and not ids else None
        if heard is None:
            return None
        locale = getattr(self.input.request_envelope.request, "locale", None)
        return vocabulary(locale, slot_type).named_in(heard)

    def exercise_in_words(self, name: str = "exercise") -> tuple[tuple[str, ...], bool]:
        """(exercise ids, whether one was named) for slot ``name``, looking past words around
        a name Alexa did not match: "the use of toe walking" names toe walking; "this one",
        "the use of this" point at the exercise in focus, so name none."""
        ids, spoken = self.slot_ids(name)
        known = self.coach.library.exercises
        heard = self.slot_value(name) if spoken and not ids else None
        if heard is None:
            return tuple(i for i in ids if i in known), spoken
        exercises = known.values()  # a rare path: built when needed
        found = Vocabulary({e.id: (e.name, *e.aliases) for e in exercises}).named_in(heard)
        if found is not None:
            return (found,), True
        locale = getattr(self.input.request_envelope.request, "locale", None)
        return (), not points(locale, heard)

    def slot_value(self, name: str) -> str | None:
        """What was heard for a built-in slot (a number, an ISO 8601 duration), unresolved."""
        intent = getattr(self.input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None)
        slot = slots.get(name) if isinstance(slots, dict) else None
        value = getattr(slot, "value", None)
        return value if isinstance(value, str) and value else None

    # -- moving ------------------------------------------------------------------------

    def move(self, name: str, position: Position) -> Step:
        """An engine move (a name in ``said.MOVES``) from ``position``, remembered for repeat."""
        step = MOVES[name](self.coach, position)
        self._move = (name, position)
        return step

    def start(self, routine_id: str, coached: tuple[str, ...] = ()) -> Step:
        """Begin a routine ('exercise:<id>' for one exercise), keeping what was taught.

        What the person was taught before, or in concise mode every exercise, counts as
        taught: each gets its one-line cue.
        """
        coached = tuple(dict.fromkeys((*coached, *self.known(routine_id))))
        return self.move("start", Position(routine_id, coached=coached))

    # -- speaking ----------------------------------------------------------------------

    @property
    def disclaimer(self) -> str:
        """The safety words, said the first time anything is coached, in the person's English."""
        return self.coach.words.say("replies.disclaimer")

    def disclaimer_once(self) -> bool:
        """Whether to say the safety disclaimer: the first time anything is coached."""
        if self.progress.disclaimer_heard:
            return False
        self.progress.disclaimer_heard = True
        return True

    def speak_step(self, step: Step, remark: Said | None = None) -> Response:
        """Say an engine turn (from ``move``/``start``) and keep the session open.

        The disclaimer is said first, the first time; ``remark`` just before the turn's
        closing question, so the question stays the last thing heard.
        """
        disclaimer_pending = not self.progress.disclaimer_heard
        if not step.position.paused and not step.position.finished:
            # the soonest the turn can have been heard to its end (see stopped.py)
            lead = (
                speech_seconds(self.disclaimer, FASTEST_WORDS_PER_MINUTE)
                if disclaimer_pending
                else 0
            )
            ends_at = self.now + math.floor(lead + step.turn.shortest_seconds)
            step = Step(replace(step.position, ends_at=ends_at), step.turn)
        self.set_position(step.position)
        self.session.pop(OFFER, None)
        if self._move is None:
            raise RuntimeError("speak_step needs a step made with Conversation.move or start")
        name, before = self._move
        descriptor: dict[str, Any] = {
            "reply": STEP,
            **describe_move(name, before, step.position),
        }
        disclaimer = self.disclaimer_once()
        if disclaimer:
            descriptor["disclaimer"] = True
        if remark is not None:
            descriptor["remark"] = remark.to_json()
        remember(self.session, descriptor)
        return self._speak_turn(step, disclaimer, remark)

    def _speak_turn(
        self, step: Step, disclaimer: bool, remark: Said | None, lead: str = ""
    ) -> Response:
        self.request_attributes[SPOKEN_STEP] = step
        if remark is None:
            inner = _rendered(step.turn).removeprefix("<speak>")
        else:
            segments = step.turn.segments
            segments = (*segments[:-1], Speech(utterance(self, remark).text), *segments[-1:])
            inner = to_ssml(Turn(segments, step.turn.reprompt)).removeprefix("<speak>")
        safety = escape_text(self.disclaimer) if disclaimer else ""
        ssml = "<speak>" + " ".join(p for p in (escape_text(lead), safety, inner) if p)
        return self.input.response_builder.speak(ssml).ask(plain_ssml(step.turn.reprompt)).response

    def say(self, kind: str, /, **arguments: Any) -> Response:
        """A reply kind (registered with ``said.reply``) and wait for an answer."""
        said = Said(kind, arguments)
        words = utterance(self, said)
        remember(self.session, said.to_json())
        stored = self.in_session
        cut_short = stored is not None and self._as_of_now(stored).ends_at != stored.ends_at
        if kind == PAIN_IN_ROUTINE:
            self.session[INTERRUPTED] = HURT
        elif cut_short and kind in ABOUT_THE_PART and not self.hurt:
            self.session[INTERRUPTED] = True  # this answer cut the part's turn short
        return self._ask(words.text, words.reprompt)

    def say_again(self) -> Response | None:
        """What was said last, rebuilt from its descriptor; None if there is nothing valid.

        Nothing is changed: the position, progress and offer stay as they are.
        """
        last = recall(self.session)
        said = unwrapped(last)
        if said is None:
            return None
        slower = last is not None and last.kind == AGAIN_SLOWER
        return self._replay(said, self._slower_lead if slower else "")

    def say_again_slower(self) -> Response | None:
        """'Say that again more slowly': a word, then what was said last (the speed is the
        person's setting). Remembered as both, so 'repeat' says both again, as it always says
        the last answer; None if there was nothing worth saying again (nothing, or only that
        the skill did not understand)."""
        said = last_asked(self.session)
        if said is None or said.kind == NOT_UNDERSTOOD:  # "sorry, I didn't get that" again
            return None
        response = self._replay(said, self._slower_lead)
        if response is not None:
            descriptor = {"reply": AGAIN_SLOWER, "said": said.to_json()}
            if fits_descriptor(descriptor):
                remember(self.session, descriptor)
        return response

    @property
    def _slower_lead(self) -> str:
        """What 'say that again more slowly' says first."""
        return self.coach.words.say("conversation.talk_slower_again")

    def _replay(self, said: Said, lead: str) -> Response | None:
        """A descriptor's words again, ``lead`` first; None if it no longer makes sense."""
        try:
            if said.kind != STEP:
                words = utterance(self, said)
                return self._ask(" ".join(p for p in (lead, words.text) if p), words.reprompt)
            after = self._valid(self.session.get(POSITION))
            if after is None:
                return None
            step = replay_move(self.coach, after, said.arguments)
            remark = Said.from_json(said.arguments.get("remark"))
            disclaimer = said.arguments.get("disclaimer") is True
            return self._speak_turn(step, disclaimer, remark, lead)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("cannot repeat a malformed last reply: %s", exc)
            return None

    def _ask(self, text: str, reprompt: str | None = None) -> Response:
        return (
            self.input.response_builder.speak(plain_ssml(text))
            .ask(plain_ssml(reprompt or self._default_reprompt()))  # the SDK escapes nothing
            .response
        )

    def _default_reprompt(self) -> str:
        """Mid-routine the question is the routine's own ('say next...'), not the main menu."""
        live = self._valid(self.session.get(POSITION))
        in_routine = live is not None and not live.finished
        key = "coaching.next_reprompt" if in_routine else "replies.what_now_reprompt"
        if in_routine and live.paused:  # the question asked was 'say resume', so is this
            key = "navigation.resume_reprompt"
        return self.coach.words.say(key)

    def goodbye(self, text: str) -> Response:
        self.session.pop(OFFER, None)
        return (
            self.input.response_builder.speak(plain_ssml(text))
            .set_should_end_session(True)
            .response
        )


#: id(turn) -> (turn, its SSML). The Coach keeps each part's turn, so the same turn objects
#: come back turn after turn; holding the turn keeps its id from being reused while cached.
_SSML: dict[int, tuple[Turn, str]] = {}
_SSML_ENTRIES = 4096


def _rendered(turn: Turn) -> str:
    """``to_ssml(turn)``, rendered once per turn object."""
    cached = _SSML.get(id(turn))
    if cached is not None and cached[0] is turn:
        return cached[1]
    if len(_SSML) >= _SSML_ENTRIES:
        _SSML.clear()
    ssml = to_ssml(turn)
    _SSML[id(turn)] = (turn, ssml)
    return ssml
