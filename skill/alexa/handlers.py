"""Intent handlers: each translates what the person said into an engine move or a reply.

One class per intent, as in Amazon's samples; ``can_handle`` reads like the intent's
meaning, and ``reply`` is a few lines because the engine (moves) and ``replies`` (words) do
the work. No path ends in silence: everything not understood gets a sentence and a question.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)

from skill.alexa import replies_said  # noqa: F401  (registers the reply kinds)
from skill.alexa.conversation import Conversation
from skill.alexa.interceptors import user_hash
from skill.alexa.said import NOT_UNDERSTOOD, Said
from skill.alexa.skill_events import SkillEventNotDone
from skill.alexa.stopped import where_stopped
from skill.engine.navigation import Coach, Position, Step
from skill.engine.ssml import plain_ssml
from skill.lazy_log import logger
from skill.library import base_routine_id
from skill.words import words_for

log = logger(__name__)

#: The custom intents this skill can fulfil (CanFulfillIntentRequest answers YES for these).
CUSTOM_INTENTS = {"StartRoutineIntent", "ExerciseHowToIntent", "DoExerciseIntent", "DoseIntent"}


def counted_move(conversation: Conversation, position: Position, move: str) -> tuple[Step, int]:
    """The move, and if it finished the routine with at least half of it done, not skipped,
    the routine counted: (the step, the streak in days to praise, 0 for none). One exercise
    done alone is not a routine: not counted, and no streak said for it ("that's day one"
    after a practice of toe press, when a routine was done that morning, was heard)."""
    step = conversation.move(move, position)
    ended = step.position.finished and not position.finished
    single = position.routine_id.startswith("exercise:")
    if (
        ended
        and not single
        and step.position.done_enough(len(conversation.coach.routine(position).items))
    ):
        progress = conversation.progress
        progress.record_completion(base_routine_id(position.routine_id), conversation.today)
        return step, progress.streak_days(conversation.today)
    return step, 0


def go_next(conversation: Conversation, position: Position, move: str = "next") -> Response:
    """The following part (``move`` "skip": the next exercise); past the last one, the routine
    is finished, and counted and praised if at least half of it was done, not skipped."""
    step, streak = counted_move(conversation, position, move)
    if streak:
        return conversation.speak_step(step, remark=Said("finished_praise", {"streak": streak}))
    coming = step.position
    if coming.item != position.item and not coming.finished and conversation.lacking(coming):
        # "I haven't got a band", then a band exercise: ask before its whole turn plays
        conversation.set_position(dataclasses.replace(coming, paused=True))
        return conversation.say("needs_what_you_lack")
    return conversation.speak_step(step)


def carry_on(conversation: Conversation, position: Position) -> Response:
    """Resume: the next part if this one was heard through (a pause after it), else this
    part again from its start (the pause cut it short)."""
    if position.heard_through:
        return go_next(conversation, position)
    return conversation.speak_step(conversation.move("resume", position))


def say_finished(conversation: Conversation) -> Response:
    """'Next' or 'resume' when the routine is finished: that it is (in this session, or last
    time), and what can follow; never its whole ending again, nor counted twice."""
    in_session = conversation.in_session is not None
    return conversation.say("finished_already" if in_session else "finished_before")


def offer_usual_routine(conversation: Conversation) -> Response:
    """Nothing was ever started: say so, and offer the usual routine ("yes" starts it)."""
    routine_id = conversation.usual_routine
    conversation.make_offer("routine", routine_id)
    return conversation.say("not_in_routine_offer", routine=routine_id)


def start_routine(conversation: Conversation, routine_id: str | None = None) -> Response:
    """Start ``routine_id``, else the usual routine, at the person's remembered levels."""
    routine_id = routine_id or conversation.usual_routine
    return conversation.speak_step(conversation.start(conversation.levelled(routine_id)))


def known_exercises(conversation: Conversation) -> tuple[str, ...]:
    """The exercises the 'exercise' slot names that the library has (two for a shared name)."""
    ids, _ = conversation.slot_ids("exercise")
    return tuple(i for i in ids if i in conversation.coach.library.exercises)


def enumerate_ids(ids: tuple[str, ...]) -> list[tuple[str, str]]:
    """Ids as a small JSON object ('0': id, ...) for a reply descriptor."""
    return [(str(index), value) for index, value in enumerate(ids)]


def about_an_exercise(
    conversation: Conversation, here: str, named: str, unnamed: str = "help"
) -> Response:
    """A question about one exercise ("how do I do it?", "how many do I do?"), said as reply
    kind ``here`` of the exercise under way when none is named or it is the one named (no
    offer: "yes" to the routine's question must not leave the routine), else as ``named`` of
    the exercise named, with an offer to do it. Nothing under way and nothing named:
    ``unnamed`` (how to use the skill); a name two exercises share: which one."""
    ids, spoken = conversation.exercise_in_words()
    current = conversation.unfinished
    if current is not None:
        coach = conversation.coach
        under_way = coach.routine(current).items[coach.item_in_focus(current)].exercise.id
        if not spoken or ids == (under_way,):  # named, but it is the one under way: no offer
            return conversation.say(here, exercise=under_way)
    if not spoken:
        offer = conversation.offer or {}
        offered = offer.get("id") if offer.get("kind") == "exercise" else None
        if current is None and offered in conversation.coach.library.exercises:
            # "is it safe?" just after an exercise's how-to ("Want to do it now?"): that one
            conversation.make_offer("exercise", offered)
            return conversation.say(named, exercise=offered)
        return conversation.say(unnamed)
    if len(ids) > 1:
        return conversation.say("which_exercise", ids=dict(enumerate_ids(ids)))
    if not ids:
        return conversation.say("unknown_exercise")
    if named != "how_to" and conversation.offered_item(ids[0]) is not None:
        # "how many reps of toe press?" to a plan on offer with toe press in it: answered at
        # the plan's dose, and the plan stays on offer ("yes" starts it, not toe press alone)
        return conversation.say(named, exercise=ids[0])
    conversation.make_offer("exercise", ids[0])
    return conversation.say(named, exercise=ids[0])


class ConversationHandler(AbstractRequestHandler):
    """Base: handles the listed intents or request types with the engine at hand."""

    intents: ClassVar[tuple[str, ...]] = ()
    request_types: ClassVar[tuple[str, ...]] = ()

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # what ask_sdk_core.utils' is_intent_name / is_request_type test, read once: every
        # request asks every handler in turn
        request = handler_input.request_envelope.request
        kind = getattr(request, "object_type", None)
        if kind == "IntentRequest":
            return getattr(request.intent, "name", None) in self.intents
        return kind in self.request_types

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.reply(Conversation(handler_input, self.coach))

    def reply(self, conversation: Conversation) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError


class LaunchHandler(ConversationHandler):
    """Opening the skill: disclaimer the first time, an offer to resume when mid-routine."""

    request_types = ("LaunchRequest",)

    def reply(self, conversation: Conversation) -> Response:
        if not conversation.progress.disclaimer_heard:
            conversation.progress.disclaimer_heard = True
            return conversation.say("welcome_first_time")
        if conversation.unfinished:
            conversation.make_offer("resume")
            return conversation.say("offer_resume")
        progress, today = conversation.progress, conversation.today
        last = conversation.last_routine
        if progress.completed and last:
            conversation.make_offer("routine", last)
            return conversation.say(
                "welcome_back_suggest",
                routine=last,
                streak=progress.streak_days(today),
                done_today=progress.finished_on(today),
            )
        return conversation.say("welcome_back")


class StartRoutineHandler(ConversationHandler):
    """'Start', 'start the quick routine', 'I have five minutes', 'I don't have a band'."""

    intents = ("StartRoutineIntent",)

    def reply(self, conversation: Conversation) -> Response:
        routine_id, spoken = conversation.slot("routine")
        if spoken and routine_id not in self.coach.library.routines:
            return conversation.say("unknown_routine")
        position = conversation.in_routine
        if not spoken and position is not None:  # "let's go" mid-routine: on, not over
            return carry_on(conversation, position)
        return start_routine(conversation, routine_id)


class DoExerciseHandler(ConversationHandler):
    """'Let's do the pencil lift': coach one exercise on its own."""

    intents = ("DoExerciseIntent",)

    def reply(self, conversation: Conversation) -> Response:
        ids = known_exercises(conversation)
        if len(ids) > 1:
            return conversation.say("which_exercise", ids=dict(enumerate_ids(ids)))
        if not ids:
            return conversation.say("unknown_exercise")
        routine_id = conversation.levelled(f"exercise:{ids[0]}")
        return conversation.speak_step(conversation.start(routine_id))


class HowToHandler(ConversationHandler):
    """'How do I do ankle circles?': steps, equipment, timing, then an offer to do it."""

    intents = ("ExerciseHowToIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return about_an_exercise(conversation, here="how_to_here", named="how_to")


class DoseHandler(ConversationHandler):
    """'How many do I do?', 'how long do I hold it?': the dose alone, not the whole how-to.

    With nothing under way or named, the question is about what was just offered: after an
    exercise's how-to, its dose; after "Here's a routine... Ready?", "how long is that one?"
    is the routine's length, not the help."""

    intents = ("DoseIntent",)

    def reply(self, conversation: Conversation) -> Response:
        _, spoken = conversation.slot_ids("exercise")
        offer = conversation.offer or {}
        if not spoken and conversation.unfinished is None and offer.get("id"):
            if offer.get("kind") == "exercise" and offer["id"] in self.coach.library.exercises:
                return conversation.say("dose", exercise=offer["id"])
            return conversation.say("how_long")
        return about_an_exercise(conversation, here="dose", named="dose")


class HowOftenHandler(ConversationHandler):
    """'How often should I do this?': how often the exercise's article says it is done (with
    none under way or named, the usual routine's articles); no advice of the skill's own."""

    intents = ("HowOftenIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return about_an_exercise(
            conversation, here="how_often", named="how_often", unnamed="how_often_routine"
        )


class SafetyHandler(ConversationHandler):
    """'Is this one safe for my back?': Foot Coach makes no medical judgement, so it says who
    can, then the exercise's own safety notes; the question stays where it was."""

    intents = ("SafetyIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return about_an_exercise(
            conversation, here="safety", named="safety", unnamed="safety_general"
        )


class PurposeHandler(ConversationHandler):
    """'What's this one for?', 'what's the point of toe press?', 'why?': what it works."""

    intents = ("PurposeIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return about_an_exercise(
            conversation, here="purpose", named="purpose", unnamed="purpose_general"
        )


class BalanceHandler(ConversationHandler):
    """'I'm wobbling', 'can I hold on to the worktop?', 'I use a walking frame': what to hold
    for the exercise under way (and a gentler way or a skip), or that it needs no balance;
    with none under way, what to hold and how to avoid standing. The question stays."""

    intents = ("BalanceIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return about_an_exercise(
            conversation, here="balance", named="balance", unnamed="balance_general"
        )


class YesHandler(ConversationHandler):
    """Yes to an offer: do the exercise just explained, or resume the saved routine; in a
    routine, where the question is "say next when you're ready", yes is ready."""

    intents = ("AMAZON.YesIntent",)

    def reply(self, conversation: Conversation) -> Response:
        offer = conversation.offer or {}
        if offer.get("kind") == "exercise" and offer.get("id") in self.coach.library.exercises:
            routine_id = conversation.levelled(f"exercise:{offer['id']}")
            # its how-to was just heard: coached with the short cue, not taught again in full
            return conversation.speak_step(conversation.start(routine_id, coached=(offer["id"],)))
        unfinished = conversation.unfinished
        if offer.get("kind") == "resume" and unfinished:
            return carry_on(conversation, unfinished)
        if offer.get("kind") == "routine" and conversation.playable(offer.get("id") or ""):
            return conversation.speak_step(conversation.start(conversation.levelled(offer["id"])))
        position = conversation.in_routine
        if position is not None:  # "okay" to "say next when you're ready": ready
            return carry_on(conversation, position)
        return conversation.say("what_now")


class NoHandler(ConversationHandler):
    intents = ("AMAZON.NoIntent",)

    def reply(self, conversation: Conversation) -> Response:
        conversation.drop_offer()
        return conversation.say("no_thanks")


class NextHandler(ConversationHandler):
    """'Next': the following part; past the last one, the routine is finished and counted.
    Paused, or after an answer given over the part (a question asked mid-exercise), it
    carries on as resume does: "carry on" and "okay next" both mean go on. With nothing ever
    started, "I'm ready" gets the usual routine offered ("yes" starts it)."""

    intents = ("AMAZON.NextIntent",)

    def reply(self, conversation: Conversation) -> Response:
        position = conversation.position
        if position is None:  # "I'm ready" to the menu, never having started one: offer one
            return offer_usual_routine(conversation)
        if position.paused:  # "carry on" after "hang on": the part cut short, then on
            return carry_on(conversation, position)
        if position.finished:  # "all done?" once it has ended: not its whole ending again
            return say_finished(conversation)
        if conversation.hurt:  # "say skip to move on": the next exercise, not that one again
            on_to_next = self.coach.ends_exercise(position)  # then "next" is the next one
            return go_next(conversation, position, "next" if on_to_next else "skip")
        if conversation.interrupted:
            # "next" to "say next when you're ready", after a question asked mid-exercise:
            # carry on with the part the question cut short, not the one after it
            return carry_on(conversation, position)
        return go_next(conversation, position)


class MoveHandler(ConversationHandler):
    """Previous, start over, start this exercise again, skip, pause, resume: an engine move on
    the current position."""

    moves: ClassVar[dict[str, str]] = {  # intent -> a move in said.MOVES
        "AMAZON.PreviousIntent": "previous",
        "AMAZON.StartOverIntent": "start_over",
        "RestartExerciseIntent": "restart_exercise",
        "SkipIntent": "skip",
        "AMAZON.PauseIntent": "pause",
        "AMAZON.ResumeIntent": "resume",
    }
    intents = tuple(moves)

    def reply(self, conversation: Conversation) -> Response:
        intent = conversation.input.request_envelope.request.intent.name
        if intent == "SkipIntent" and conversation.in_routine is None and conversation.offer:
            # "I'll pass", said to "Here's a routine... Ready?": no, thanks
            conversation.drop_offer()
            return conversation.say("no_thanks")
        position = conversation.position
        pausing = self.moves[intent] == "pause"
        if pausing and (position is None or position.finished):
            return conversation.say("pause_nothing_under_way")
        if position is None:
            return conversation.say("not_in_routine")
        if self.moves[intent] == "resume":
            return (
                say_finished(conversation)
                if position.finished
                else carry_on(conversation, position)
            )
        if self.moves[intent] == "skip":
            announced = self.coach.announced_next_exercise(position)
            if announced and conversation.hurt:  # the one just done hurt: on to the next
                return go_next(conversation, position)
            return go_next(conversation, position, "skip_announced" if announced else "skip")
        if self.moves[intent] == "pause" and not position.paused:
            position = where_stopped(conversation, position)
        return conversation.speak_step(conversation.move(self.moves[intent], position))


class RepeatHandler(ConversationHandler):
    """'Repeat': the last reply again, exactly as it was said, rebuilt (see said.py)."""

    intents = ("AMAZON.RepeatIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return conversation.say_again() or conversation.say("nothing_to_repeat")


class QuestionHandler(ConversationHandler):
    """What's next, how long, how many left, which foot, progress, and the lists."""

    intents = (
        "WhatsNextIntent",
        "HowLongIntent",
        "ExercisesLeftIntent",
        "ProgressIntent",
        "ListRoutinesIntent",
        "ListExercisesIntent",
        "WhichSideIntent",
    )

    kinds: ClassVar[dict[str, str]] = {  # intent -> reply kind (replies_said.py)
        "WhatsNextIntent": "whats_next",
        "HowLongIntent": "how_long",
        "ExercisesLeftIntent": "exercises_left",
        "ListRoutinesIntent": "list_routines",
        "ListExercisesIntent": "list_exercises",
        "WhichSideIntent": "which_side",
    }

    def reply(self, conversation: Conversation) -> Response:
        intent = conversation.input.request_envelope.request.intent.name
        if intent == "ProgressIntent":
            progress = conversation.progress
            last = progress.last_finished
            return conversation.say(
                "progress",
                completed=progress.completed,
                streak=progress.streak_days(conversation.today),
                done_today=progress.finished_on(conversation.today),
                last_routine=last.routine_id if last else "",
                days_ago=(conversation.today - date.fromisoformat(last.day)).days if last else 0,
            )
        if intent == "HowLongIntent":
            named, _ = conversation.slot("routine")
            position = conversation.in_routine
            if named in self.coach.library.routines and position is None:
                conversation.make_offer("routine", named)  # "how long is the strength routine?"
                return conversation.say("how_long")
            if named in self.coach.library.routines and named != base_routine_id(
                position.routine_id  # mid-routine, of another: that one's length, then carry on
            ):
                return conversation.say("how_long_named", routine=named)
        if intent == "WhatsNextIntent" and conversation.position is None:
            if (conversation.offer or {}).get("kind") in ("plan", "routine"):
                return conversation.say("how_long")  # "what's first?" to a plan on offer
            return offer_usual_routine(conversation)  # "what's first?", nothing ever started
        return conversation.say(self.kinds[intent])


class HelpHandler(ConversationHandler):
    """Help that fits where the person is: in a routine or not."""

    intents = ("AMAZON.HelpIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return conversation.say("help")


class FallbackHandler(ConversationHandler):
    """Anything not understood: say what works here."""

    intents = ("AMAZON.FallbackIntent",)

    def reply(self, conversation: Conversation) -> Response:
        return conversation.say(NOT_UNDERSTOOD)


class StopHandler(ConversationHandler):
    """Stop, cancel, go home: a short goodbye; the interceptor saves the place."""

    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")

    def reply(self, conversation: Conversation) -> Response:
        unfinished = conversation.unfinished
        words = conversation.coach.words
        if unfinished and unfinished.heard_through and self.coach.is_last_part(unfinished):
            # "That was the last exercise. Say next to finish." then "I'm done": it is done
            step, _ = counted_move(conversation, unfinished, "next")
            conversation.set_position(step.position)
            return conversation.goodbye(words.say("replies.goodbye"))
        if unfinished:
            conversation.set_position(unfinished)  # as of now: a part cut short is not done
            return conversation.goodbye(words.say("replies.goodbye_saved"))
        return conversation.goodbye(words.say("replies.goodbye"))


class SessionEndedHandler(ConversationHandler):
    """The session closed (timeout, error, user): nothing to say; the place is saved."""

    request_types = ("SessionEndedRequest",)

    def reply(self, conversation: Conversation) -> Response:
        request = conversation.input.request_envelope.request
        reason = getattr(request, "reason", None)
        error = getattr(request, "error", None)
        if error is not None:
            log.error(
                "session ended with an error: %s %s",
                getattr(error, "object_type", None),
                getattr(error, "message", None),
            )
        else:
            log.info("session ended: %s", getattr(reason, "value", reason))
        return conversation.input.response_builder.response


class SkillDisabledHandler(ConversationHandler):
    """The person disabled the skill: delete everything stored about them.

    If the delete fails, the event must come again (see ``skill_events``): it is logged with
    the user's hash and raised, never answered as if done.
    """

    request_types = ("AlexaSkillEvent.SkillDisabled",)

    def reply(self, conversation: Conversation) -> Response:
        try:
            conversation.input.attributes_manager.delete_persistent_attributes()
        except Exception as exc:
            user = user_hash(conversation.input)
            log.error(
                "could not delete progress for user %s after SkillDisabled (%s);"
                " answering with an error so Alexa delivers the event again",
                user,
                type(exc).__name__,
            )
            raise SkillEventNotDone("SkillDisabled", user) from exc
        conversation.request_attributes["deleted"] = True
        return conversation.input.response_builder.response


class CanFulfillHandler(ConversationHandler):
    """Name-free discovery: say whether this skill can do an intent with the slots given."""

    request_types = ("CanFulfillIntentRequest",)
    slot_ids: ClassVar[dict[str, str]] = {"routine": "routines", "exercise": "exercises"}

    def reply(self, conversation: Conversation) -> Response:
        intent = getattr(conversation.input.request_envelope.request, "intent", None)
        name = getattr(intent, "name", None)
        slots = getattr(intent, "slots", None) or {}
        known = name in CUSTOM_INTENTS
        verdicts = {}
        for slot_name in slots:
            value_id, _ = conversation.slot(slot_name)
            records = getattr(self.coach.library, self.slot_ids.get(slot_name, ""), {})
            ok = value_id in records
            verdicts[slot_name] = CanFulfillSlot(
                can_understand=CanUnderstandSlotValues.YES if ok else CanUnderstandSlotValues.NO,
                can_fulfill=CanFulfillSlotValues.YES if ok else CanFulfillSlotValues.NO,
            )
        can = known and all(v.can_fulfill == CanFulfillSlotValues.YES for v in verdicts.values())
        answer = CanFulfillIntent(
            can_fulfill=CanFulfillIntentValues.YES if can else CanFulfillIntentValues.NO,
            slots=verdicts,
        )
        return conversation.input.response_builder.set_can_fulfill_intent(answer).response


class SessionResumedHandler(ConversationHandler):
    """Back from a connection or a resumed session: offer to carry on."""

    request_types = ("SessionResumedRequest", "Connections.Response")

    def reply(self, conversation: Conversation) -> Response:
        return conversation.say("carry_on")


class UnknownIntentHandler(ConversationHandler):
    """An intent this skill does not define (a newer model, or a forged request)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def reply(self, conversation: Conversation) -> Response:
        name = getattr(
            getattr(conversation.input.request_envelope.request, "intent", None), "name", None
        )
        log.warning("unknown intent %r", name)
        return FallbackHandler(self.coach).reply(conversation)


class SilentRequestHandler(ConversationHandler):
    """Events that must not be answered with speech (skill events, audio, errors).

    Alexa's answer to these is an empty response; System.ExceptionEncountered reports an
    error in the skill's previous response, so its detail is logged.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True  # the last handler: anything nobody else took

    def reply(self, conversation: Conversation) -> Response:
        request = conversation.input.request_envelope.request
        if getattr(request, "object_type", None) == "System.ExceptionEncountered":
            error = getattr(request, "error", None)
            log.error(
                "Alexa reported an error in our last response: %s %s",
                getattr(error, "object_type", None),
                getattr(error, "message", None),
            )
        return conversation.input.response_builder.response


class ErrorHandler(AbstractExceptionHandler):
    """Any unexpected error: log it, and say a friendly sentence instead of going silent."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.exception("error handling a request", exc_info=exception)
        words = words_for(getattr(handler_input.request_envelope.request, "locale", None))
        builder = handler_input.response_builder.speak(plain_ssml(words.say("replies.error")))
        return builder.ask(plain_ssml(words.say("replies.what_now"))).response


def request_handlers(coach: Coach) -> list[AbstractRequestHandler]:
    kinds = [
        LaunchHandler,
        StartRoutineHandler,
        DoExerciseHandler,
        HowToHandler,
        DoseHandler,
        HowOftenHandler,
        SafetyHandler,
        PurposeHandler,
        BalanceHandler,
        YesHandler,
        NoHandler,
        NextHandler,
        MoveHandler,
        RepeatHandler,
        QuestionHandler,
        HelpHandler,
        FallbackHandler,
        StopHandler,
        SessionEndedHandler,
        SkillDisabledHandler,
        CanFulfillHandler,
        SessionResumedHandler,
        # catch-alls, last: any other intent, then any other request
        UnknownIntentHandler,
        SilentRequestHandler,
    ]
    return [kind(coach) for kind in kinds]
