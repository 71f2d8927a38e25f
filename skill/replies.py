"""What the skill says outside coaching: welcome, disclaimer, how-to, lists, help, progress.

Pure functions of content and progress, so the handlers stay thin and every sentence can be
tested without Alexa. Each reply ends by telling the person what they can say next. The
sentences themselves are data (``content/words/<language>/replies.json``); every function
takes the ``Words`` of the person's locale and defaults to en-US.
"""

from __future__ import annotations

from collections.abc import Sequence

from skill.engine.coaching import capitalize, dose_summary, equipment_phrase
from skill.engine.navigation import Coach, Position, times_phrase
from skill.library import HOUSEHOLD, Exercise, Frequency, Library, Routine, Timing
from skill.words import Words, load_words

_EN = load_words()
#: en-US phrases kept as constants for callers that speak only English.
DISCLAIMER = _EN.say("replies.disclaimer")
WHAT_YOU_CAN_SAY = _EN.say("replies.what_you_can_say")
WHAT_NOW = _EN.say("replies.what_now")
IN_ROUTINE_HELP = _EN.say("replies.in_routine_help")
ERROR = _EN.say("replies.error")


def _w(words: Words | None) -> Words:
    return words or _EN


def spoken_list(items: Sequence[str], words: Words | None = None) -> str:
    return _w(words).join(items)


def welcome_first_time(words: Words | None = None) -> str:
    w = _w(words)
    return w.say(
        "replies.welcome_first_time",
        disclaimer=w.say("replies.disclaimer"),
        what_you_can_say=w.say("replies.what_you_can_say"),
    )


def welcome_back(words: Words | None = None) -> str:
    w = _w(words)
    return w.say("replies.welcome_back", what_you_can_say=w.say("replies.what_you_can_say"))


def offer_resume(coach: Coach, position: Position, words: Words | None = None) -> str:
    w = _w(words)
    routine = coach.routine(position)
    exercise = routine.items[position.item].exercise
    if coach.announced_next_exercise(position):  # heard it to its end: the next one is next
        following = routine.items[position.item + 1].exercise
        return w.say(
            "replies.offer_resume_done",
            done=exercise.name,
            routine=routine.name,
            next=following.name,
        )
    where = (
        w.say("replies.resume_where_single", exercise=exercise.name)
        if len(routine.items) == 1
        else w.say("replies.resume_where_routine", exercise=exercise.name, routine=routine.name)
    )
    return w.say("replies.offer_resume", where=where)


def frequency_phrase(frequency: Frequency | None, words: Words | None = None) -> str:
    if frequency is None:
        return ""
    w = _w(words)
    times = times_phrase(frequency.times_min, frequency.times_max, w)
    return w.say("replies.frequency", times=times, per=frequency.per)


def how_to(
    exercise: Exercise,
    words: Words | None = None,
    offer: bool = True,
    timing: Timing | None = None,
) -> str:
    """The full 'Here's how': what it helps, what you need, every step, the dose (``timing``:
    the routine's, default the exercise's own), safety."""
    w = _w(words)
    needs = equipment_phrase(exercise.equipment, w) or w.say("replies.no_equipment")
    parts = [
        f"{capitalize(exercise.name)}. {exercise.helps}",
        needs,
        *exercise.instructions,
        dose_summary(timing or exercise.timing, exercise, w),
        frequency_phrase(exercise.timing.frequency, w),
        *exercise.safety,
        w.say("replies.want_to_do_it") if offer else "",
    ]
    return " ".join(p for p in parts if p)


def how_to_here(
    exercise: Exercise, words: Words | None = None, timing: Timing | None = None
) -> str:
    """'How do I do this?' mid-exercise: the full version at this routine's dose, then how
    to carry on."""
    w = _w(words)
    return f"{how_to(exercise, w, offer=False, timing=timing)} {w.say('replies.how_to_here_end')}"


def dose(
    exercise: Exercise,
    question: str | None,
    words: Words | None = None,
    timing: Timing | None = None,
) -> str:
    """'How many do I do?': only the dose (``timing``: the routine's, default the exercise's
    own), then ``question``; without one, an offer to do it."""
    w = _w(words)
    what = dose_summary(timing or exercise.timing, exercise, w)
    name = capitalize(exercise.name)
    if question is None:
        return w.say("replies.dose_offer", name=name, dose=what)
    return w.say("replies.dose", name=name, dose=what, question=question)


def how_often(exercise: Exercise, question: str | None, words: Words | None = None) -> str:
    """'How often should I do this?': what the exercise's article says, or that it says
    nothing; then ``question``, or without one an offer to do it."""
    w = _w(words)
    frequency = exercise.timing.frequency
    text = (
        w.say(
            "replies.how_often",
            name=exercise.name,
            times=times_phrase(frequency.times_min, frequency.times_max, w),
            per=frequency.per,
        )
        if frequency is not None
        else w.say("replies.how_often_unknown", name=exercise.name)
    )
    return f"{text} {question if question is not None else w.say('replies.want_to_do_it')}"


def how_often_routine(coach: Coach, routine: Routine, words: Words | None = None) -> str:
    """How often the articles say a routine's exercises are done, or that they do not say."""
    w = _w(words)
    said = coach.how_often(routine)
    if not said:
        return w.say("replies.how_often_unknown", name=routine.name)
    said = said[:1].lower() + said[1:]  # it follows a colon
    return w.say("replies.how_often_routine", routine=routine.name, said=said)


def purpose(exercise: Exercise, question: str | None, words: Words | None = None) -> str:
    """'What's this one for?': what the exercise works (the content's words, which make no
    medical claim), then ``question``; without one, an offer to do it."""
    w = _w(words)
    said = {"name": capitalize(exercise.name), "helps": exercise.helps}
    if question is None:
        return w.say("replies.purpose_offer", **said)
    return w.say("replies.purpose", question=question, **said)


def safety(exercise: Exercise, question: str | None, words: Words | None = None) -> str:
    """'Is this safe for my back?': the skill cannot judge that (only a doctor or physical
    therapist can), so it says so, then the exercise's own safety notes, then ``question``;
    without one, an offer to do it."""
    w = _w(words)
    said = {"who": w.say("replies.safety_who"), "name": exercise.name}
    notes = " ".join(exercise.safety)
    if question is None:
        return w.say("replies.safety_offer", notes=notes, **said)
    return w.say("replies.safety", notes=notes, question=question, **said)


def balance(
    exercise: Exercise, posture: str, question: str | None, words: Words | None = None
) -> str:
    """'I'm wobbling', 'do I hold on to something?': for an exercise done standing, what to
    hold and the exercise's own safety notes, and mid-routine a gentler way or a skip; for one
    done sitting or lying, that there is nothing to balance. Then ``question`` (the routine's),
    or without one an offer to do it. ``posture`` is the exercise's posture id."""
    w = _w(words)
    if posture == "standing":
        said = [
            w.say(
                "replies.balance_standing",
                hold=w.say("replies.balance_hold"),
                name=exercise.name,
                notes=" ".join(exercise.safety),
            )
        ]
        if question is not None:
            said.append(w.say("replies.balance_way_out"))
    else:
        said = [
            w.say(
                "replies.balance_still",
                name=exercise.name,
                posture=w.say(f"plans.posture_{posture}"),
            )
        ]
    said.append(question if question is not None else w.say("replies.want_to_do_it"))
    return " ".join(said)


def balance_general(words: Words | None = None) -> str:
    """Balance or support with no exercise under way: what to hold, and the ways to avoid
    standing or to work on balance."""
    w = _w(words)
    return w.say("replies.balance_general", hold=w.say("replies.balance_hold"))


def which_exercise(names: Sequence[str], words: Words | None = None) -> str:
    """A name two exercises share: ask which one, naming them."""
    w = _w(words)
    key = "replies.which_exercise" if len(names) == 2 else "replies.which_exercise_many"
    return w.say(key, names=capitalize(w.join(list(names))))


def unknown_exercise(library: Library, words: Words | None = None) -> str:
    return _w(words).say("replies.unknown_exercise")


def unknown_routine(library: Library, words: Words | None = None) -> str:
    w = _w(words)
    names = w.join([r.name for r in library.routines.values()])
    return w.say("replies.unknown_routine", names=names)


#: Routines up to this long are listed first, as the short ones.
SHORT_ROUTINE_SECONDS = 15 * 60


def routine_line(routine: Routine, coach: Coach, words: Words | None = None) -> str:
    """'The gentle routine, gentle exercises for back pain: about 12 minutes, with a band.'
    Only what a home may not have is named; the first turn of the routine names it all."""
    w = _w(words)
    equipment = [e for e in coach.equipment(routine) if e not in HOUSEHOLD]
    needs = (
        w.say(
            "replies.routine_needs",
            things=w.join([w.say(f"equipment_short.{e}") for e in equipment]),
        )
        if equipment
        else w.say("replies.routine_needs_nothing")
    )
    return w.say(
        "replies.routine_line",
        name=capitalize(routine.name),  # it begins a sentence, on the card as well
        purpose=routine.purpose,
        minutes=coach.duration(coach.total_seconds(routine.id)),
        needs=needs,
    )


def list_routines(library: Library, coach: Coach, words: Words | None = None) -> str:
    """Each routine with what it is for, how long and what it needs: short ones first."""
    w = words or coach.words
    routines = sorted(library.routines.values(), key=lambda r: coach.total_seconds(r.id))
    short = [r for r in routines if coach.total_seconds(r.id) <= SHORT_ROUTINE_SECONDS]
    longer = [r for r in routines if r not in short]
    groups = []
    for key, group in (
        ("replies.routine_group_short", short),
        ("replies.routine_group_long", longer),
    ):
        if group:
            groups.append(" ".join([w.say(key), *(routine_line(r, coach, w) for r in group)]))
    return w.say("replies.list_routines", count=len(routines), groups=" ".join(groups))


def list_exercises(library: Library, words: Words | None = None) -> str:
    w = _w(words)
    names = [e.name for e in library.exercises.values()]
    return w.say("replies.list_exercises", count=len(names), names=w.join(names))


def how_long(
    coach: Coach,
    position: Position | None,
    library: Library,
    words: Words | None = None,
    offered: str | None = None,
    question: str | None = None,
) -> str:
    """How long is left of the routine under way, then ``question`` (the routine's own: "say
    resume" when paused); else of the one just offered (``offered``, a routine id: "how long
    does that take?" to "Here's a routine ... Ready?"); else, of a routine just finished,
    that nothing is; else of the default routine."""
    w = words or coach.words
    if (position is None or position.finished) and offered is not None:
        return w.say("replies.how_long_offer", minutes=coach.duration(coach.total_seconds(offered)))
    if position is not None and position.finished:  # nothing is left of the one just done
        finished = w.say("navigation.finished_routine", routine=coach.routine(position).name)
        return f"{finished} {w.say('replies.what_now')}"
    if position is None:
        routine = library.default_routine
        return w.say(
            "replies.how_long_routine",
            routine=capitalize(routine.name),
            minutes=coach.duration(coach.total_seconds(routine.id)),
            what_now=w.say("replies.what_now"),
        )
    seconds_left = coach.seconds_left(position)
    left = w.say(
        "replies.how_long_left",
        minutes=coach.duration(seconds_left),
        routine=coach.routine(position).name,
        question=question or w.say("coaching.ready"),
    )
    this = coach.exercise_seconds_left(position)
    # heard through with nothing of it to come, or the last exercise: the routine says it all
    if not this or coach.duration(this) == coach.duration(seconds_left):
        return left
    exercise = coach.routine(position).items[position.item].exercise
    said = w.say(
        "replies.how_long_exercise",
        exercise=exercise.name,
        seconds=coach.duration(this),
    )
    return f"{said} {left}"


def exercises_left(
    coach: Coach,
    position: Position | None,
    words: Words | None = None,
    question: str | None = None,
) -> str:
    """How many exercises are left and which ("what's left"), then ``question``."""
    w = words or coach.words
    what_now = w.say("replies.what_now")
    if position is None:
        return w.say("replies.not_in_routine", what_now=what_now)
    left = coach.exercises_left(position)
    items = coach.routine(position).items
    if left == 0 and not position.finished:  # the last one heard through: "next" finishes
        return w.say(
            "replies.none_after_this",
            exercise=items[position.item].exercise.name,
            question=question or w.say("coaching.ready"),
        )
    if left == 0:
        return w.say("replies.none_left", routine=coach.routine(position).name, what_now=what_now)
    return w.say(
        "replies.exercises_to_go",
        exercises=w.count("units.exercise", left),
        names=w.join([item.exercise.name for item in items[len(items) - left :]]),
        question=question or w.say("coaching.ready"),
    )


def routine_exercises(
    coach: Coach, position: Position, words: Words | None = None, question: str | None = None
) -> str:
    """'What exercises are in this one', mid-routine: the routine's own, in order, and which
    one this is (not every exercise the skill knows), then ``question``."""
    w = words or coach.words
    routine = coach.routine(position)
    current = routine.items[position.item].exercise.name
    question = question or w.say("coaching.ready")
    if len(routine.items) == 1:  # one exercise on its own is its own routine
        return w.say("replies.routine_exercises_one", exercise=current, question=question)
    return w.say(
        "replies.routine_exercises",
        routine=routine.name,
        exercises=w.count("units.exercise", len(routine.items)),
        names=w.join([item.exercise.name for item in routine.items]),
        number=position.item + 1,
        exercise=current,
        question=question,
    )


def streak_phrase(streak: int, done_today: bool, words: Words | None = None) -> str:
    """The one way a streak is said: days in a row with a routine finished, ending today
    (``done_today``) or yesterday. Finishing a routine and 'how am I doing' both say this."""
    w = _w(words)
    if streak <= 0:
        return ""
    if not done_today and streak == 1:
        return w.say("replies.streak_yesterday_one")
    if not done_today:
        return w.say("replies.streak_yesterday", days=w.count("units.day", streak), more=streak + 1)
    if streak == 1:
        return w.say("replies.streak_today_one")
    return w.say("replies.streak_today_many", count=streak)


def progress_report(
    completed: int,
    streak: int,
    words: Words | None = None,
    done_today: bool = True,
    question: str | None = None,
    last: str = "",
    in_routine: bool = False,
) -> str:
    """How many routines, the last one (``last``: its sentence, see ``last_finished``) and
    the streak, then ``question`` (default: what would you like?). With none finished yet,
    ``in_routine`` says the one under way will be the first (not "today's a good day to
    start" to someone who has)."""
    w = _w(words)
    what_now = question or w.say("replies.what_now")
    if completed == 0:
        key = "replies.no_routine_yet_in_routine" if in_routine else "replies.no_routine_yet"
        return w.say(key, what_now=what_now)
    routines = w.count("units.routine", completed)
    if streak <= 0:
        text = w.say(
            "replies.finished_count_no_streak", routines=routines, last=last, what_now=what_now
        )
    else:
        text = w.say(
            "replies.finished_count",
            routines=routines,
            last=last,
            streak=streak_phrase(streak, done_today, w),
            what_now=what_now,
        )
    return " ".join(text.split())


def last_finished(routine: Routine, days_ago: int, words: Words | None = None) -> str:
    """'The last one was the quick routine, yesterday.': what 'what did I do last time' asks."""
    w = _w(words)
    if days_ago <= 0:
        when = w.say("replies.when_today")
    elif days_ago == 1:
        when = w.say("replies.when_yesterday")
    else:
        when = w.say("replies.when_days_ago", days=w.count("units.day", days_ago))
    return w.say("replies.last_finished", routine=routine.name, when=when)


def finished_praise(streak: int, words: Words | None = None) -> str:
    """Said when a routine is finished (so today counts)."""
    return streak_phrase(streak, True, words)


def welcome_back_suggesting(
    routine: Routine, streak: int, done_today: bool, words: Words | None = None
) -> str:
    """The next-day welcome: the streak, and the routine done last time, offered again.
    Back on the same day, not "come back tomorrow": that a routine is done today already."""
    w = _w(words)
    said = streak_phrase(streak, done_today, w)
    if done_today:
        said = " ".join((w.say("replies.streak_done_today"), said if streak > 1 else ""))
    return " ".join(
        w.say("replies.welcome_back_suggest", streak=said, routine=routine.name).split()
    )
