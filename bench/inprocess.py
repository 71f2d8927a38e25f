"""Per-turn server time in-process, and where Foot Coach's turn goes (cProfile).

Each system's Flask app is driven through Flask's test client (no sockets) by fresh users
playing the script with their session attributes carried, as Alexa carries them. The systems
take turns in rounds, after a warm-up round that is not counted. Foot Coach runs with request
verification off here, so what is compared is a turn's own work; the HTTP runs verify.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import time
from pathlib import Path
from typing import Any

from bench.apps import SYSTEMS, unverified
from bench.dialog import SCRIPT, Person
from bench.signing import NOW
from bench.stats import Stats


def _app(system: str, workdir: Path) -> Any:
    return unverified(system, str(workdir / f"turns-{system}.sqlite3"))


def play(app: Any, people: list[Person]) -> list[float]:
    """Each person plays the script once; the time of every POST /alexa."""
    client = app.test_client()
    times = []
    for person in people:
        for turn in SCRIPT:
            body = json.dumps(person.envelope(turn)).encode()
            start = time.perf_counter()
            response = client.post("/alexa", data=body, content_type="application/json")
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{turn[0]} answered {response.status_code}: {response.data!r}")
            person.heard(response.get_json())
    return times


def measure_turns(
    workdir: Path, people_per_round: int = 10, rounds: int = 8
) -> dict[str, list[Stats]]:
    """Per system, one Stats per round (round 0, the warm-up, dropped)."""
    apps = {system: _app(system, workdir) for system in SYSTEMS}
    results: dict[str, list[Stats]] = {system: [] for system in SYSTEMS}
    number = 0
    for round_number in range(rounds + 1):
        order = SYSTEMS if round_number % 2 else tuple(reversed(SYSTEMS))
        for system in order:
            people = [Person(number + i, NOW) for i in range(people_per_round)]
            number += people_per_round
            times = play(apps[system], people)
            if round_number:
                results[system].append(Stats(times))
    return results


def profile_turns(workdir: Path, people: int = 30, top: int = 18) -> str:
    """cProfile over Foot Coach playing the script: the functions that cost most, as text."""
    app = _app("footcoach", workdir)
    play(app, [Person(500_000 + i, NOW) for i in range(3)])  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    play(app, [Person(600_000 + i, NOW) for i in range(people)])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    return text[text.index("   ncalls") :] if "   ncalls" in text else text
