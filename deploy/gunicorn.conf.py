"""gunicorn settings for the Foot Coach web endpoint.

    gunicorn -c deploy/gunicorn.conf.py skill.wsgi:app

Run it behind nginx with deploy/nginx/footcoach.conf (Alexa only calls https:// endpoints with
a trusted certificate, and gunicorn's threads must not be held by slow clients: nginx buffers
whole requests first); gunicorn itself listens on loopback by default. Every number here follows
from Alexa's contract: the person is waiting, and Alexa gives up on an answer after about 8 s.

Environment (all optional):
    FOOTCOACH_BIND      where to listen: HOST:PORT, unix:PATH or fd://FD (127.0.0.1:8000)
    WEB_CONCURRENCY     worker processes (2 x CPUs + 1, at most MAX_WORKERS)
    FOOTCOACH_THREADS   threads per worker (THREADS)
    FOOTCOACH_ACCESS_LOG  where access lines go: "-" for stdout (default), a file, or "off"
    FOOTCOACH_CONTROL_SOCKET  a path for gunicorn's control socket (``gunicornc``); off if unset
plus the app's own FOOTCOACH_DB, FOOTCOACH_SKILL_ID and FOOTCOACH_VERIFY.
"""

from __future__ import annotations

import gc
import os

#: A turn is a few milliseconds of CPU; past this many processes a small host only adds memory
#: and SQLite lock contention, not throughput.
MAX_WORKERS = 9
#: Threads cover the waits inside a turn (the store, the first download of Amazon's
#: certificate chain) without one slow call holding up a whole process.
THREADS = 4


def _cpus() -> int:
    """CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    number = int(value)
    if number < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")
    return number


bind = [os.environ.get("FOOTCOACH_BIND") or "127.0.0.1:8000"]
workers = _positive_int("WEB_CONCURRENCY", min(2 * _cpus() + 1, MAX_WORKERS))
worker_class = "gthread"
threads = _positive_int("FOOTCOACH_THREADS", THREADS)

# Alexa waits about 8 s for the whole answer, proxy included: a worker silent for 6 s is stuck,
# and is restarted while there is still time to answer the next request.
timeout = 6
# On a restart or deploy, turns in flight get this long to finish before workers are killed.
graceful_timeout = 10
# The reverse proxy keeps connections open between turns; keep them a little longer than the
# proxy does, so the proxy never writes into a connection we are closing.
keepalive = 75

# Load content and open the store once in the master: broken content stops the deploy at
# start-up, and the workers share the loaded library's memory.
preload_app = True


def when_ready(server: object) -> None:
    """After the app is loaded (preload), before the first worker forks: freeze what it made.

    What the master loads lives as long as the workers, yet every full collection in every
    worker walked all of it (about 25 us a turn in bench/) and wrote to each object's GC
    header, copying the pages the workers share. ``gc.freeze`` (as Python documents for a
    fork) moves it out of all later collections.
    """
    gc.freeze()


# The heartbeat file on tmpfs, so a slow disk cannot make healthy workers look stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn's control socket (resize, reload at run time) is opt-in: its default path is one per
# user, so two servers on one host (a deploy's old and new, a test beside a dev server) would
# take it from each other.
_control_socket = os.environ.get("FOOTCOACH_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket

# Access lines name the request, status, size and time, never who asked: Alexa's user and
# device ids travel only in the (signed) body, and %(u)s (the HTTP auth user) is left out.
_access_log = os.environ.get("FOOTCOACH_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = "info"

# Alexa requests are small; refuse absurd request lines and headers before the app sees them.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
