"""Assemble the skill: content, engine, handlers, interceptors and storage in one object.

The Flask endpoint and the Lambda entry point both call the object this returns, so there
is one skill however it is hosted.
"""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa.handlers import ErrorHandler, request_handlers
from skill.alexa.interceptors import KeepOwnSessionAttributes, LoadProgress, SaveProgress
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
    builder = CustomSkillBuilder(persistence_adapter=store)
    builder.skill_id = skill_id
    for handler in request_handlers(coach):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ErrorHandler())
    builder.add_global_request_interceptor(KeepOwnSessionAttributes())
    builder.add_global_request_interceptor(LoadProgress(coach))
    builder.add_global_response_interceptor(SaveProgress())
    return builder.create()
