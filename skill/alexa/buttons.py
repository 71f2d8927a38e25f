"""What the screens' touch buttons send: the intent the same spoken word is.

Kept apart from ``screens`` (which builds APL documents) so that turning a touch into an
intent, done on every request, does not import the APL models and documents a speaker never
needs.
"""

from __future__ import annotations

NEXT, BACK, PAUSE, RESUME = (
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
)
REPEAT, STOP = "AMAZON.RepeatIntent", "AMAZON.StopIntent"
LIST_ROUTINES, START_ROUTINE = "ListRoutinesIntent", "StartRoutineIntent"
HOW_TO, YES = "ExerciseHowToIntent", "AMAZON.YesIntent"
#: The request type a button press arrives as.
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
