"""Every reply kind the handlers say outside coaching, rebuilt from a small descriptor.

Each function turns a conversation and a few ids or counts into words (from
``skill.replies``) and a reprompt. Handlers call ``conversation.say("kind", ...)``; "repeat"
calls the same function with the same arguments (see ``said.py``). A function may read the
position and the content, which a repeat does not change; a number that the same turn
changed (a streak, a count) is an argument, so the repeat says the number that was said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill import replies
from skill.alexa.said import NOT_UNDERSTOOD, Utterance, reply

if TYPE_CHECKING:
    from collections.abc import Callable

    from skill.alexa.conversation import Conversation
    from skill.library import Timing


def _what_now(conversation: Conversation) -> str:
    return conversation.coach.words.say("replies.what_now")


def _not_in_routine(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    return Utterance(words.say("replies.not_in_routine", what_now=_what_now(conversation)))


@reply("welcome_first_time")
def welcome_first_time(conversation: Conversation) -> Utterance:
    return Utterance(replies.welcome_first_time(conversation.coach.words))


@reply("welcome_back")
def welcome_back(conversation: Conversation) -> Utterance:
    return Utterance(replies.welcome_back(conversation.coach.words))


@reply("welcome_back_suggest")
def welcome_back_suggest(
    conversation: Conversation, routine: str, streak: int, done_today: bool
) -> Utterance:
    """The next-day welcome: the streak and last time's routine, offered again."""
    known = conversation.coach.library.plan(routine)
    words = conversation.coach.words
    return Utterance(
        replies.welcome_back_suggesting(known, streak, done_today, words),
        words.say("replies.welcome_back_suggest_reprompt", routine=known.name),
    )


@reply("offer_resume")
def offer_resume(conversation: Conversation) -> Utterance:
    position = conversation.unfinished
    if position is None:
        raise ValueError("no unfinished routine to offer")
    return Utterance(
        replies.offer_resume(conversation.coach, position, conversation.coach.words),
        conversation.coach.words.say("replies.offer_resume_reprompt"),
    )


@reply("unknown_routine")
def unknown_routine(conversation: Conversation) -> Utterance:
    return Utterance(replies.unknown_routine(conversation.coach.library, conversation.coach.words))


@reply("unknown_exercise")
def unknown_exercise(conversation: Conversation) -> Utterance:
    return Utterance(replies.unknown_exercise(conversation.coach.library, conversation.coach.words))


@reply("how_to")
def how_to(conversation: Conversation, exercise: str) -> Utterance:
    known = conversation.coach.library.exercises[exercise]
    words = conversation.coach.words
    return Utterance(
        replies.how_to(known, words), words.say("replies.how_to_reprompt", name=known.name)
    )


def timing_under_way(conversation: Conversation, exercise: str) -> Timing | None:
    """The dose ``exercise`` has in the routine under way (its level there), or None if it is
    not the exercise under way (or just announced: ``Coach.item_in_focus``)."""
    position = conversation.unfinished
    if position is None:
        return None
    coach = conversation.coach
    item = coach.routine(position).items[coach.item_in_focus(position)]
    return item.timing if item.exercise.id == exercise else None


@reply("how_to_here")
def how_to_here(conversation: Conversation, exercise: str) -> Utterance:
    """'How do I do this?' mid-exercise: the whole how-to of the current exercise, at the
    dose of the routine under way."""
    known = conversation.coach.library.exercises[exercise]
    words = conversation.coach.words
    timing = timing_under_way(conversation, exercise)
    return Utterance(
        replies.how_to_here(known, words, timing), words.say("replies.how_to_here_reprompt")
    )


def of_an_exercise(
    conversation: Conversation, exercise: str, text: Callable[..., str]
) -> Utterance:
    """A reply about one exercise, ``text(exercise, question, timing)``: of the exercise under
    way, at the routine's dose and with the routine's own question; of another, with
    ``question`` None (an offer to do it) and the how-to's reprompt."""
    known = conversation.coach.library.exercises[exercise]
    timing = timing_under_way(conversation, exercise)
    if timing is not None:
        question = conversation.next_step()
        return Utterance(text(known, question, timing), question)
    offered = conversation.offered_item(exercise)
    if offered is not None:  # of the routine on offer: at its dose, and its question again
        question = conversation.coach.words.say("replies.how_long_offer_reprompt")
        return Utterance(text(offered.exercise, question, offered.timing), question)
    reprompt = conversation.coach.words.say("replies.how_to_reprompt", name=known.name)
    return Utterance(text(known, None, None), reprompt)


@reply("dose")
def dose(conversation: Conversation, exercise: str) -> Utterance:
    """'How many do I do?': the dose of the exercise under way (at the routine's level) and
    the routine's own question; of another exercise, its own dose and an offer to do it."""
    words = conversation.coach.words
    return of_an_exercise(
        conversation,
        exercise,
        lambda known, question, timing: replies.dose(known, question, words, timing),
    )


@reply("how_often")
def how_often(conversation: Conversation, exercise: str) -> Utterance:
    """'How often should I do this?': the article's frequency for the exercise under way and
    the routine's own question; of another exercise, its frequency and an offer to do it."""
    words = conversation.coach.words
    return of_an_exercise(
        conversation, exercise, lambda known, question, _: replies.how_often(known, question, words)
    )


@reply("how_often_routine")
def how_often_routine(conversation: Conversation) -> Utterance:
    """'How often should I do these?' with no exercise under way or named: for the routine
    done last (or the usual one), then what to do now."""
    coach = conversation.coach
    routine = coach.library.plan(conversation.usual_routine)
    said = replies.how_often_routine(coach, routine, coach.words)
    question = _what_now(conversation)
    return Utterance(f"{said} {question}", question)


@reply("safety")
def safety(conversation: Conversation, exercise: str) -> Utterance:
    """'Is this one safe?': no judgement (that is for a doctor), the exercise's safety notes,
    and the routine's own question; of another exercise, an offer to do it."""
    words = conversation.coach.words
    return of_an_exercise(
        conversation, exercise, lambda known, question, _: replies.safety(known, question, words)
    )


@reply("purpose")
def purpose(conversation: Conversation, exercise: str) -> Utterance:
    """'What's this one for?', 'why?': what the exercise works, and the routine's question; of
    another exercise, an offer to do it."""
    words = conversation.coach.words
    return of_an_exercise(
        conversation, exercise, lambda known, question, _: replies.purpose(known, question, words)
    )


@reply("purpose_general")
def purpose_general(conversation: Conversation) -> Utterance:
    """'Why?' with no exercise under way or named: what the exercises work, then what now."""
    words = conversation.coach.words
    question = words.say("replies.what_now")
    return Utterance(words.say("replies.purpose_general", what_now=question), question)


@reply("safety_general")
def safety_general(conversation: Conversation) -> Utterance:
    """'Is this safe for me?' with no exercise under way or named: what the skill can and
    cannot say, then what to do now."""
    words = conversation.coach.words
    question = words.say("replies.what_now")
    return Utterance(f"{words.say('replies.safety_general')} {question}", question)


@reply("balance")
def balance(conversation: Conversation, exercise: str) -> Utterance:
    """'I'm wobbling', 'can I hold on to the counter?': of the exercise under way, what to hold
    (or that it needs no balance) and the routine's question; of another, an offer to do it."""
    coach = conversation.coach
    posture = coach.library.catalogue.posture_id(coach.library.exercises[exercise])
    return of_an_exercise(
        conversation,
        exercise,
        lambda known, question, _: replies.balance(known, posture, question, coach.words),
    )


@reply("balance_general")
def balance_general(conversation: Conversation) -> Utterance:
    """Balance or support with nothing under way or named: what to hold, then what now."""
    words = conversation.coach.words
    question = words.say("replies.what_now")
    return Utterance(f"{replies.balance_general(words)} {question}", question)


@reply("which_exercise")
def which_exercise(conversation: Conversation, ids: dict[str, str]) -> Utterance:
    """A name several exercises share: ask which one, naming each."""
    exercises = conversation.coach.library.exercises
    names = [exercises[ids[k]].name for k in sorted(ids, key=int)]
    words = conversation.coach.words
    return Utterance(
        replies.which_exercise(names, words),
        words.say("replies.which_reprompt", names=words.join(names)),
    )


@reply("what_now")
def what_now(conversation: Conversation) -> Utterance:
    return Utterance(_what_now(conversation))


@reply("no_thanks")
def no_thanks(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    return Utterance(words.say("replies.no_thanks", question=conversation.next_step()))


@reply("not_in_routine")
def not_in_routine(conversation: Conversation) -> Utterance:
    return _not_in_routine(conversation)


@reply("not_in_routine_offer")
def not_in_routine_offer(conversation: Conversation, routine: str) -> Utterance:
    """'Next' with nothing ever started: not in a routine, and the usual one offered."""
    words = conversation.coach.words
    name = conversation.coach.library.plan(routine).name
    return Utterance(
        words.say("replies.not_in_routine_offer", routine=name),
        words.say("replies.not_in_routine_offer_reprompt", routine=name),
    )


@reply("nothing_to_repeat")
def nothing_to_repeat(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    return Utterance(words.say("replies.nothing_to_repeat", what_now=_what_now(conversation)))


@reply("whats_next")
def whats_next(conversation: Conversation) -> Utterance:
    position = conversation.position
    if position is None:
        return _not_in_routine(conversation)
    said = conversation.coach.whats_next(position)
    if position.finished:  # nothing comes next: the open microphone needs a question
        said = f"{said} {_what_now(conversation)}"
    return Utterance(said)


@reply("which_side")
def which_side(conversation: Conversation) -> Utterance:
    """'Which foot now?': the side of the part under way, from the engine's position."""
    position = conversation.unfinished
    if position is None:
        return _not_in_routine(conversation)
    return Utterance(conversation.coach.which_side(position))


@reply("how_long")
def how_long(conversation: Conversation) -> Utterance:
    coach = conversation.coach
    offered = conversation.offered_routine
    said = replies.how_long(
        coach,
        conversation.position,
        coach.library,
        None,
        offered.id if offered is not None else None,
        question=conversation.next_step(),
    )
    position = conversation.position
    if offered is not None and (position is None or position.finished):
        # the offer's own yes-or-no question again, not "what would you like to do?"
        return Utterance(said, coach.words.say("replies.how_long_offer_reprompt"))
    return Utterance(said)


@reply("how_long_named")
def how_long_named(conversation: Conversation, routine: str) -> Utterance:
    """'How long is the gentle routine?' asked during another: its length, at this person's
    levels, then the question of the routine under way."""
    coach = conversation.coach
    known = coach.library.plan(routine)
    minutes = coach.duration(coach.total_seconds(conversation.levelled(routine)))
    said = coach.words.say(
        "replies.how_long_routine",
        routine=replies.capitalize(known.name),
        minutes=minutes,
        what_now=conversation.next_step(),
    )
    return Utterance(said, conversation.next_step())


@reply("exercises_left")
def exercises_left(conversation: Conversation) -> Utterance:
    return Utterance(
        replies.exercises_left(
            conversation.coach, conversation.position, question=conversation.next_step()
        )
    )


@reply("progress")
def progress(
    conversation: Conversation,
    completed: int,
    streak: int,
    done_today: bool = True,
    last_routine: str = "",
    days_ago: int = 0,
) -> Utterance:
    # mid-routine, the routine's own question: "how am I doing" does not leave the routine
    question = conversation.next_step()
    words = conversation.coach.words
    try:
        last = replies.last_finished(conversation.coach.library.plan(last_routine), days_ago, words)
    except KeyError:  # none, or a routine the content no longer has
        last = ""
    position = conversation.in_routine
    report = replies.progress_report(
        completed,
        streak,
        words,
        done_today=done_today,
        question=question,
        last=last,
        in_routine=position is not None,
    )
    if position is None:
        return Utterance(report)
    # "how many have I done" mid-routine asks about this routine too: where in it, first
    count = len(conversation.coach.routine(position).items)
    here = words.say("replies.progress_in_routine", number=position.item + 1, count=count)
    return Utterance(f"{here} {report}")


@reply("list_routines")
def list_routines(conversation: Conversation) -> Utterance:
    return Utterance(replies.list_routines(conversation.coach.library, conversation.coach))


@reply("list_exercises")
def list_exercises(conversation: Conversation) -> Utterance:
    offered = conversation.offered_routine
    if offered is not None:  # "what's in this one" to "Here's a routine ... Ready?"
        words = conversation.coach.words
        return Utterance(
            words.say(
                "replies.offered_exercises",
                exercises=words.count("units.exercise", len(offered.items)),
                names=words.join([item.exercise.name for item in offered.items]),
            )
        )
    position = conversation.unfinished
    if position is not None:  # "what exercises are in this one": this routine's
        return Utterance(
            replies.routine_exercises(
                conversation.coach, position, question=conversation.next_step()
            )
        )
    return Utterance(replies.list_exercises(conversation.coach.library, conversation.coach.words))


@reply("help")
def help_here(conversation: Conversation) -> Utterance:
    position = conversation.unfinished
    if position is None:  # "what can you do": what it does, and three things to say
        return Utterance(conversation.coach.words.say("conversation.help"))
    routine = conversation.coach.routine(position)
    exercise = routine.items[position.item].exercise
    # One exercise on its own is its own routine: "toe press in toe press" says it twice.
    key = "replies.help_in_routine" if len(routine.items) > 1 else "replies.help_in_exercise"
    words = conversation.coach.words
    return Utterance(
        words.say(
            key,
            exercise=exercise.name,
            routine=routine.name,
            in_routine_help=words.say("replies.in_routine_help"),
        )
    )


@reply(NOT_UNDERSTOOD)
def not_understood(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    if conversation.unfinished:
        return Utterance(
            words.say(
                "replies.not_understood_in_routine",
                in_routine_help=words.say("replies.in_routine_help"),
            )
        )
    return Utterance(words.say("replies.not_understood"))


@reply("carry_on")
def carry_on(conversation: Conversation) -> Utterance:
    words = conversation.coach.words
    if conversation.unfinished:
        return Utterance(
            words.say("replies.carry_on", next_when_ready=words.say("replies.next_when_ready"))
        )
    return Utterance(_what_now(conversation))


def _finished(conversation: Conversation, key: str) -> Utterance:
    """That the routine is finished (``key``: when), and what can follow; not its whole
    ending again as if it had just been done."""
    position = conversation.position
    words = conversation.coach.words
    if position is None or not position.finished:
        return Utterance(_what_now(conversation))
    routine = conversation.coach.routine(position)
    return Utterance(
        words.say(key, routine=routine.name), words.say("replies.finished_before_reprompt")
    )


@reply("finished_already")
def finished_already(conversation: Conversation) -> Utterance:
    """'Next', 'all done?' or 'resume' once the routine's end was said in this session."""
    return _finished(conversation, "replies.finished_already")


@reply("pause_nothing_under_way")
def pause_nothing_under_way(conversation: Conversation) -> Utterance:
    """'Hang on' with no routine under way: no place to keep, so not 'I'll keep your place'."""
    words = conversation.coach.words
    return Utterance(
        words.say("replies.pause_nothing_under_way", what_now=words.say("replies.what_now"))
    )


@reply("finished_before")
def finished_before(conversation: Conversation) -> Utterance:
    """'Resume' in a new session when the routine saved last time was finished."""
    return _finished(conversation, "replies.finished_before")


@reply("finished_praise")
def finished_praise(conversation: Conversation, streak: int) -> Utterance:
    """A remark after the last exercise (said inside the step, before its question)."""
    return Utterance(replies.finished_praise(streak, conversation.coach.words))
