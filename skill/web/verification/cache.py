"""Remember validated chains, and download each chain URL once at a time.

Alexa uses the same chain URL for many requests, so downloading and validating it every time
would add latency and load on S3. Only chains that passed validation are stored, keyed by the
canonical URL (``chain_url``), so a failure never displaces a known-good chain and spelling
variants of one URL cannot fill the cache. ``SingleFlight`` makes concurrent requests for a
chain that is not cached yet share one download instead of each holding a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from cryptography import x509

from skill.values import Value, value_class
from skill.web.verification.errors import VerificationError

#: Even a still-valid chain is re-downloaded after this long, so a revoked/rotated certificate
#: stops being trusted eventually without a restart.
DEFAULT_CACHE_MAX_AGE = timedelta(hours=1)


@value_class
class _CacheEntry(Value):
    leaf: x509.Certificate
    #: ``leaf.not_valid_before_utc``, read once: the certificate makes a new datetime per read
    not_before: datetime
    expires_at: datetime


class CertChainCache:
    """A small thread-safe cache of *validated* chains, keyed by chain URL.

    Alexa uses the same chain URL for many requests, so downloading and validating it every time
    would add latency and load on S3. Only chains that passed validation are stored (so a bad
    chain is never trusted later). An entry expires when the leaf (or any other certificate in
    the chain) expires, or after ``max_age``, whichever comes first, so an expired or rotated
    certificate is never used from the cache.
    """

    def __init__(self, max_age: timedelta = DEFAULT_CACHE_MAX_AGE, max_entries: int = 16) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_age = max_age
        self.max_entries = max_entries
        self._entries: dict[str, _CacheEntry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, url: str, now: datetime) -> x509.Certificate | None:
        """Return the cached, still-valid leaf for ``url``, or None (evicting stale entries)."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            # The not_valid_before check only matters if the clock went backwards.
            if now >= entry.expires_at or now < entry.not_before:
                del self._entries[url]
                return None
            return entry.leaf

    def put(self, url: str, chain: Sequence[x509.Certificate], now: datetime) -> None:
        """Remember a chain that has just been validated at ``now``."""
        expires_at = min([now + self.max_age, *(cert.not_valid_after_utc for cert in chain)])
        with self._lock:
            self._entries.pop(url, None)
            if len(self._entries) >= self.max_entries:
                for key in [k for k, e in self._entries.items() if now >= e.expires_at]:
                    del self._entries[key]
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]  # oldest insertion first
            leaf = chain[0]
            self._entries[url] = _CacheEntry(leaf, leaf.not_valid_before_utc, expires_at)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


T = TypeVar("T")


class _Flight(Generic[T]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.reason: str | None = None


class SingleFlight(Generic[T]):
    """Run ``work`` for a key once at a time; callers that arrive meanwhile share its result.

    Without this, every request carrying an uncached chain URL starts its own download, and a
    burst of them holds as many threads as it has requests. Followers wait at most
    ``wait_seconds`` (a little more than the download's own deadline), then fail fast.
    """

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._flights: dict[str, _Flight[T]] = {}
        self._lock = threading.Lock()

    def run(self, key: str, work: Callable[[], T]) -> T:
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            return self._follow(flight)
        try:
            flight.result = work()
            return flight.result
        except VerificationError as exc:
            flight.reason = exc.reason
            raise
        except BaseException:
            flight.reason = "could not fetch certificate chain"
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def _follow(self, flight: _Flight[T]) -> T:
        if not flight.done.wait(self.wait_seconds):
            raise VerificationError("certificate chain download is still in progress")
        if flight.reason is not None or flight.result is None:
            raise VerificationError(flight.reason or "could not fetch certificate chain")
        return flight.result
