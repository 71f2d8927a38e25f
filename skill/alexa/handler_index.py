"""Find a request's handler among the few that could take it, not by asking all of them.

The SDK's request mapper asks every handler's ``can_handle`` in order until one says yes:
about twenty calls a turn here. Most handlers are ``ConversationHandler``s, whose answer
depends only on the request's type and intent name, which they declare (``request_types``,
``intents``). ``IndexedRequestMapper`` asks the same handlers in the same order, skipping only
those whose declarations rule the request out, so the handler it finds is always the one the
SDK's mapper would have found. A handler with a ``can_handle`` of its own (plans, reminders,
hands-free, the catch-alls) is asked every time, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ask_sdk_runtime.dispatch_components.request_components import (
    GenericRequestHandlerChain,
    GenericRequestMapper,
)

from skill.alexa.handlers import ConversationHandler

#: The key for every intent name no declared handler lists: they are all ruled in or out alike,
#: and keying by the name itself would let made-up names grow the index without end.
_UNLISTED = object()
#: More request types than the SDK models: past this, candidates are worked out and not kept.
MAX_KEYS = 256


def _declares(handler: object) -> bool:
    """Whether ``handler`` answers ``can_handle`` from its declared types and intents alone."""
    return (
        isinstance(handler, ConversationHandler)
        and type(handler).can_handle is ConversationHandler.can_handle
    )


def _may_take(handler: Any, kind: object, name: object) -> bool:
    if not _declares(handler):
        return True  # its own can_handle decides, every time
    if kind == "IntentRequest":
        return name in handler.intents
    return kind in handler.request_types


class IndexedRequestMapper(GenericRequestMapper):
    """The SDK's mapper, asking only the handlers a request's type and intent leave in."""

    def __init__(self, request_handler_chains: Sequence[GenericRequestHandlerChain]) -> None:
        super().__init__(list(request_handler_chains))
        self._listed = frozenset(
            name
            for chain in self.request_handler_chains
            if _declares(chain.request_handler)
            for name in chain.request_handler.intents
        )
        self._candidates: dict[tuple[object, object], tuple[GenericRequestHandlerChain, ...]] = {}

    def get_request_handler_chain(self, handler_input: Any) -> GenericRequestHandlerChain | None:
        request = handler_input.request_envelope.request
        # the request's type is its model class's (the SDK knows a fixed set of them)
        kind = getattr(request, "object_type", None)
        name = getattr(getattr(request, "intent", None), "name", None)
        key = (kind, name if kind == "IntentRequest" and name in self._listed else _UNLISTED)
        candidates = self._candidates.get(key)
        if candidates is None:
            candidates = tuple(
                chain
                for chain in self.request_handler_chains
                if _may_take(chain.request_handler, kind, key[1])
            )
            if len(self._candidates) < MAX_KEYS:
                self._candidates[key] = candidates
        for chain in candidates:
            if chain.request_handler.can_handle(handler_input=handler_input):
                return chain
        return None


def index_handlers(skill: Any) -> None:
    """Give ``skill``'s dispatcher an ``IndexedRequestMapper`` over the handlers it has."""
    dispatcher = skill.request_dispatcher
    chains = [
        chain for mapper in dispatcher.request_mappers for chain in mapper.request_handler_chains
    ]
    dispatcher.request_mappers = [IndexedRequestMapper(chains)]
