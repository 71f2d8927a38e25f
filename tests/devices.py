"""Echo devices beyond the plain speaker: a recognised person, a screen.

``Device`` is the simulated Echo of ``echo.py`` with what Alexa adds to every request on such a
device: ``context.System.person`` when it recognises the speaker, and the
``Alexa.Presentation.APL`` interface with a viewport when the device has a screen.
"""

from __future__ import annotations

from typing import Any

from echo import Echo, Reply
from flask.testing import FlaskClient

#: Echo Show 8 as Alexa describes it (context.Viewports), and the APL interface it reports.
SHOW_VIEWPORT = {
    "type": "APL",
    "id": "medHub",
    "shape": "RECTANGLE",
    "dpi": 160,
    "presentationType": "STANDARD",
    "canRotate": False,
    "configuration": {
        "current": {
            "mode": "HUB",
            "video": {"codecs": ["H_264_42", "H_264_41"]},
            "size": {"type": "DISCRETE", "pixelWidth": 1280, "pixelHeight": 800},
        }
    },
}
APL_INTERFACE = {"runtime": {"maxVersion": "2024.3"}}


class Device(Echo):
    """One Echo on an account; ``person_id`` is who Alexa recognised, ``screen`` if it has one."""

    def __init__(
        self,
        client: FlaskClient,
        person_id: str | None = None,
        screen: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(client, **kwargs)
        self.person_id = person_id
        self.screen = screen
        #: The document on the screen (its token) and, for the coaching document, the
        #: pieces it has left to say: what the device reports as its visual context.
        self.showing: str | None = None
        self.pieces_left: int | None = None

    def envelope(self, request: dict[str, Any], template: str = "intent.json") -> dict[str, Any]:
        data = super().envelope(request, template)
        system = data["context"]["System"]
        if self.person_id:
            system["person"] = {
                "personId": self.person_id,
                "personAccessToken": "local-test-person-token",
            }
        if self.screen:
            system["device"]["supportedInterfaces"]["Alexa.Presentation.APL"] = APL_INTERFACE
            data["context"]["Viewports"] = [SHOW_VIEWPORT]
            if self.showing and self.session_id and not data["session"]["new"]:
                data["context"]["Alexa.Presentation.APL"] = self.visual_context()
        return data

    def visual_context(self) -> dict[str, Any]:
        """context['Alexa.Presentation.APL'] as Alexa sends it while a document is shown."""
        visible = []
        if self.pieces_left is not None:
            visible.append(
                {
                    "id": "coaching",
                    "uid": ":1002",
                    "position": "1280x800+0+0:0",
                    "type": "container",
                    "tags": {},
                    "entities": [{"type": "piecesLeft", "value": str(self.pieces_left)}],
                    "children": [],
                }
            )
        return {"token": self.showing, "version": "2024.3", "componentsVisibleOnScreen": visible}

    def post(self, data: dict[str, Any] | bytes, **kwargs: Any) -> Reply:
        """Post, then show what the response renders, as the device would."""
        reply = super().post(data, **kwargs)
        if reply.status != 200:
            return reply
        if reply.ended:
            self.showing = self.pieces_left = None
        for directive in reply.response.get("directives", []):
            if directive["type"] == "Alexa.Presentation.APL.RenderDocument":
                self.showing = directive["token"]
                screen = directive["datasources"].get("screen")
                self.pieces_left = screen["at"] if screen else None
            elif directive["type"] == "Alexa.Presentation.APL.ExecuteCommands":
                for command in directive["commands"]:
                    if command.get("type") == "SetValue" and command.get("property") == "at":
                        self.pieces_left = command["value"]
        return reply
