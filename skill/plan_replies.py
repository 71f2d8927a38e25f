"""What the skill says about a plan before it starts: what it made, how long, or why not.

Pure functions of a plan and the words, so the offer can be tested (and printed by
``footcoach plan``) without Alexa. The offer names the exercises in the order they will be
done and the length the Coach will actually take, and ends with a question.
"""

from __future__ import annotations

from collections.abc import Iterable

from skill.engine.navigation import duration_phrase
from skill.engine.planning import Plan, PlanRequest
from skill.library import ANY_AREA, Library
from skill.words import Words


def about(words: Words, seconds: float) -> str:
    """'8 and a half minutes': said exactly as the routine's first turn will say it."""
    return duration_phrase(seconds, words)


def either(words: Words, names: list[str]) -> str:
    """'a, b or c'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {words.say('plans.or')} {names[-1]}"


def things(words: Words, equipment_ids: Iterable[str]) -> str:
    """'band or towel': equipment named for 'no ... needed'."""
    return either(words, [words.say(f"plans.equipment_{e}") for e in sorted(equipment_ids)])


def postures_left_out(library: Library, request: PlanRequest, words: Words) -> str:
    """', all done sitting on a chair' or ', nothing done standing' ('' if none is avoided)."""
    if not request.avoid:
        return ""
    kept = [p for p in library.catalogue.posture_ids if p not in request.avoid]
    if len(kept) == 1:
        return words.say("plans.all_posture", posture=words.say(f"plans.posture_{kept[0]}"))
    avoided = [p for p in library.catalogue.posture_ids if p in request.avoid]
    return words.say("plans.no_posture", postures=posture_names(words, avoided))


def posture_names(words: Words, posture_ids: Iterable[str]) -> str:
    """'standing or sitting on the floor'."""
    return either(words, [words.say(f"plans.posture_{p}") for p in posture_ids])


def exercise_names(library: Library, plan: Plan, words: Words) -> str:
    """The plan's exercises as the routine will call them, at their levels ('heel raises'
    with both feet down at gentle, not 'single leg heel raises')."""
    return words.join([item.exercise.name for item in library.plan(plan.routine_id).items])


def offer(library: Library, plan: Plan, request: PlanRequest, words: Words) -> tuple[str, str]:
    """(what to say, the reprompt) when offering a plan: the yes/no question is last."""
    names = exercise_names(library, plan, words)
    length = about(words, plan.seconds)
    if not plan.fits:
        key = "plans.too_short_one" if plan.minutes_asked == 1 else "plans.too_short"
        text = words.say(key, minutes=f"{plan.minutes_asked:g}", names=names, about=length)
        return text, words.say("plans.too_short_reprompt")
    without = (
        words.say("plans.no_equipment_needed", things=things(words, request.lack))
        if request.lack
        else ""
    ) + postures_left_out(library, request, words)
    # an untimed request is planned for the default minutes, but saying "a 10-minute
    # routine" then "about 8 minutes" sounds like a slip: only minutes asked are said back
    text = words.say(
        "plans.offer" if request.minutes is not None else "plans.offer_untimed",
        level=words.say(f"plans.level_{request.level}"),
        minutes=about(words, plan.minutes_asked * 60),
        area=words.say(f"plans.for_area_{request.area or ANY_AREA}"),
        without=without,
        names=names,
        about=length,
    )
    return text, words.say("plans.offer_reprompt")


def nothing_possible(request: PlanRequest, words: Words) -> str:
    """No exercise can be done without what the person lacks (or in the postures left)."""
    if request.avoid:
        return words.say("plans.nothing_possible_posture", what_now=words.say("replies.what_now"))
    return words.say(
        "plans.nothing_possible",
        things=things(words, request.lack),
        what_now=words.say("replies.what_now"),
    )
