"""Assemble the skill: content, engine, handlers, interceptors and storage in one object.

The Flask endpoint and the Lambda entry point both call the object this returns, so there
is one skill however it is hosted.
"""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa.api_client import AlexaApiClient
from skill.alexa.conversation_handlers import conversation_handlers
from skill.alexa.display import ShowScreen
from skill.alexa.handler_index import index_handlers
from skill.alexa.handlers import ErrorHandler, request_handlers
from skill.alexa.hands_free import HandsFreeHandler
from skill.alexa.interceptors import KeepOwnSessionAttributes, LoadProgress, SaveProgress
from skill.alexa.model_json import PlannedSerializer
from skill.alexa.offers import ReadyTakesTheOffer
from skill.alexa.plan_handlers import plan_handlers
from skill.alexa.reminders import reminder_handlers
from skill.alexa.skill_events import LetSkillEventsFail
from skill.alexa.talk import SpeakSlower
from skill.alexa.touch import TouchAsIntent
from skill.engine.navigation import Coach
from skill.library import Library, load_library
from skill.storage.people import PeopleStore


def build_skill(
    persistence_adapter: AbstractPersistenceAdapter | None,
    library: Library | None = None,
    skill_id: str | None = None,
) -> CustomSkill:
    coach = Coach(library or load_library())
    # progress, streak and settings belong to the recognised speaker, else to the account
    store = PeopleStore(persistence_adapter) if persistence_adapter is not None else None
    # ask-sdk-core's DefaultApiClient (with a timeout, made on first use): the Reminders and
    # settings APIs
    builder = CustomSkillBuilder(persistence_adapter=store, api_client=AlexaApiClient())
    builder.skill_id = skill_id
    # plans and conversation first: "yes" to an offered plan is theirs, not the general yes
    for handler in [*plan_handlers(coach), *conversation_handlers(coach)]:
        builder.add_request_handler(handler)
    builder.add_request_handler(HandsFreeHandler(coach))  # before the catch-alls
    for handler in reminder_handlers(coach):
        builder.add_request_handler(handler)
    for handler in request_handlers(coach):
        builder.add_request_handler(handler)
    builder.add_exception_handler(LetSkillEventsFail())  # before the catch-all ErrorHandler
    builder.add_exception_handler(ErrorHandler())
    builder.add_global_request_interceptor(TouchAsIntent())  # first: a touch is its word
    builder.add_global_request_interceptor(KeepOwnSessionAttributes())
    builder.add_global_request_interceptor(ReadyTakesTheOffer())  # "ready" answers an offer
    builder.add_global_request_interceptor(LoadProgress(coach))
    builder.add_global_response_interceptor(SpeakSlower())  # before the prompt is kept
    builder.add_global_response_interceptor(SaveProgress())
    builder.add_global_response_interceptor(ShowScreen(coach))  # after: shows what is said
    skill = builder.create()
    index_handlers(skill)  # the same handler for every request, found asking fewer
    # the SDK's own mapping, planned once per model class (same objects, same JSON)
    skill.serializer = PlannedSerializer()
    return skill
