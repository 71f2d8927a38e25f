"""A daily exercise reminder's schedule: a time of day and which days, as Alexa's rules say it.

Pure data, no Alexa: a schedule becomes the iCalendar rule the Reminders API takes
("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=18;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"), is read
back from one when someone asks when their reminder is, and travels in the permission
request's token ("18:00 weekdays") so the answer to "may I?" can set exactly what was asked.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from skill.values import Value, value_class

#: Which days a reminder recurs on: the DAYS slot's ids, and the iCalendar days of each.
DAYS: dict[str, tuple[str, ...]] = {
    "every_day": ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    "weekdays": ("MO", "TU", "WE", "TH", "FR"),
    "weekends": ("SA", "SU"),
}
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # datetime.weekday() order
#: AMAZON.TIME's words for parts of the day, as the hour a person would mean.
PARTS_OF_DAY = {"MO": time(9), "AF": time(14), "EV": time(18), "NI": time(20)}
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_TOKEN = re.compile(r"reminder ([01]\d|2[0-3]):([0-5]\d) (every_day|weekdays|weekends)")


@value_class
class Schedule(Value):
    at: time
    days: str = "every_day"

    @classmethod
    def from_slots(cls, spoken_time: str | None, days: str | None) -> Schedule | None:
        """From AMAZON.TIME ("09:00", or "EV" for evening) and a DAYS id; None if no time."""
        if spoken_time in PARTS_OF_DAY:
            at = PARTS_OF_DAY[spoken_time]
        else:
            match = _CLOCK.fullmatch(spoken_time or "")
            if match is None:
                return None
            at = time(int(match[1]), int(match[2]))
        return cls(at, days if days in DAYS else "every_day")

    @property
    def token(self) -> str:
        return f"reminder {self.at:%H:%M} {self.days}"

    @classmethod
    def from_token(cls, token: str | None) -> Schedule | None:
        match = _TOKEN.fullmatch(token or "")
        return cls(time(int(match[1]), int(match[2])), match[3]) if match else None

    @property
    def rule(self) -> str:
        """The iCalendar recurrence rule the Reminders API takes."""
        timing = f"BYHOUR={self.at.hour};BYMINUTE={self.at.minute};BYSECOND=0;INTERVAL=1;"
        if self.days == "every_day":
            return f"FREQ=DAILY;{timing}"
        return f"FREQ=WEEKLY;BYDAY={','.join(DAYS[self.days])};{timing}"

    @classmethod
    def from_rule(cls, rule: str) -> Schedule | None:
        """A rule this skill wrote, read back; None for anything else."""
        fields = dict(part.split("=", 1) for part in rule.strip(";").split(";") if "=" in part)
        try:
            at = time(int(fields["BYHOUR"]), int(fields.get("BYMINUTE", 0)))
        except (KeyError, ValueError):
            return None
        if fields.get("FREQ") == "DAILY":
            return cls(at, "every_day")
        by_day = tuple(fields.get("BYDAY", "").split(","))
        days = next((name for name, codes in DAYS.items() if codes == by_day), None)
        return cls(at, days) if days else None

    def first_time(self, now: datetime) -> datetime:
        """The first reminder after ``now`` (local time), on one of the schedule's days."""
        start = datetime.combine(now.date(), self.at)
        if start <= now:
            start += timedelta(days=1)
        while _WEEKDAY_CODES[start.weekday()] not in DAYS[self.days]:
            start += timedelta(days=1)
        return start

    @property
    def clock(self) -> str:
        """'9 AM', '6:30 PM': how the time is said."""
        hour = self.at.hour % 12 or 12
        minutes = f":{self.at.minute:02d}" if self.at.minute else ""
        return f"{hour}{minutes} {'AM' if self.at.hour < 12 else 'PM'}"
