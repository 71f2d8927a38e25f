"""Cold start: a new process imports a Lambda-style handler, builds its skill, answers a launch.

Timed from process start to the first answer on stdout, for each system in turn, repeated.
Two settings: from the repository's virtualenv (bytecode cached, the content fingerprinted by
``footcoach check`` as a deploy does: the repository's own modules are byte-compiled first, as
``pip install`` compiles the libraries', since an editable install under
``PYTHONDONTWRITEBYTECODE`` would otherwise compile Foot Coach from source at every start while
the references' libraries load bytecode), and, given a zip from ``footcoach build-lambda``, the
Lambda way: a Python that sees only the unpacked zip and the standard library (``-I -S -B``),
the references' module copied beside it (they need only ask-sdk-core, which the zip has).
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.apps import SYSTEMS
from bench.dialog import SCRIPT, SKILL_ID, Person
from bench.signing import NOW
from bench.stats import Stats

ROOT = Path(__file__).resolve().parent.parent
ANSWER = """
import json, sys
{path}from {module} import handler
answer = handler(json.loads(sys.argv[1]), None)
sys.stdout.write(answer["response"]["outputSpeech"]["ssml"][:60] + "\\n")
sys.stdout.flush()
"""
MODULES = {
    "hello": "bench.hello_skill",
    "hello_sqlite": "bench.hello_skill",
    "footcoach": "skill.lambda_function",
}


def _once(command: list[str], event: dict[str, Any], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, json.dumps(event)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    elapsed = time.perf_counter() - start
    _, errors = process.communicate(timeout=60)
    if process.returncode != 0 or not line.startswith("<speak>"):
        raise RuntimeError(f"{command} did not answer: {errors}")
    return elapsed


def _environment(system: str, db: Path, base: dict[str, str]) -> dict[str, str]:
    env = {**base, "FOOTCOACH_SKILL_ID": SKILL_ID}
    if system == "footcoach":
        env["FOOTCOACH_DB"] = str(db)
    elif system == "hello_sqlite":
        env["BENCH_HELLO_DB"] = str(db)
    return env


def measure(workdir: Path, runs: int = 20, unpacked: Path | None = None) -> dict[str, list[Stats]]:
    """Per system, one single-sample Stats per run (run 0 warms the file cache, dropped)."""
    if unpacked is None:
        for package in ("skill", "bench"):  # Foot Coach's and the references' own modules
            compileall.compile_dir(ROOT / package, quiet=1)
        commands = {
            s: [sys.executable, "-c", ANSWER.format(path="", module=MODULES[s])] for s in SYSTEMS
        }
        base = dict(os.environ)
        cwd = ROOT
    else:
        beside = workdir / "references"
        (beside / "bench").mkdir(parents=True, exist_ok=True)
        (beside / "bench" / "__init__.py").write_text("")
        shutil.copyfile(ROOT / "bench" / "hello_skill.py", beside / "bench" / "hello_skill.py")
        paths = f"sys.path[:0] = [{str(unpacked)!r}, {str(beside)!r}]\n"
        commands = {
            s: [
                sys.executable,
                "-I",
                "-S",
                "-B",
                "-c",
                ANSWER.format(path=paths, module=MODULES[s]),
            ]
            for s in SYSTEMS
        }
        base = {"PATH": os.environ.get("PATH", "")}
        cwd = workdir
    results: dict[str, list[Stats]] = {s: [] for s in SYSTEMS}
    for run in range(runs + 1):
        order = SYSTEMS if run % 2 else tuple(reversed(SYSTEMS))
        for system in order:
            db = workdir / f"cold-{system}-{run}.sqlite3"  # a first-ever open, as a new container
            event = Person(200_000 + run, NOW).envelope(SCRIPT[0])
            elapsed = _once(commands[system], event, _environment(system, db, base), cwd)
            if run:
                results[system].append(Stats([elapsed]))
    return results


def unpack(zip_path: Path) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="footcoach-lambda-"))
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(directory)
    return directory
