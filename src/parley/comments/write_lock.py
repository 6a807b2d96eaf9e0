"""Posters take turns for SQLite's write lock in the kernel, not in SQLite's busy handler.

SQLite's busy handler polls with sleeps of 1, 2, 5, 10 … 100 ms, so when several worker
processes post at once most of them sleep far longer than the sub-millisecond write they wait
for. Posting therefore first takes an exclusive ``flock`` on a file beside the database (and a
thread lock, since ``flock`` does not separate threads of one process); a waiter wakes the moment
the holder releases it. Other writers do not take it and still queue inside SQLite, so
correctness never depends on it; it only shortens the wait. A no-op on other databases.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.db import connection

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

_thread_lock = threading.Lock()
_files: dict[tuple[int, str], int] = {}  # (pid, path) -> fd; reopened after a fork


def _lock_fd() -> int | None:
    if fcntl is None or connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    # One file per data directory (test databases come and go; the lock file stays).
    path = os.path.join(os.path.dirname(os.path.abspath(name)), "parley-posting.lock")
    key = (os.getpid(), path)
    fd = _files.get(key)
    if fd is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        _files[key] = fd
    return fd


class PostingLock:
    """Held from before the write transaction opens until it commits (``release`` is idempotent)."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._held = False

    def __enter__(self) -> PostingLock:
        fd = _lock_fd()
        if fd is not None:
            _thread_lock.acquire()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                _thread_lock.release()
                raise
            self._fd, self._held = fd, True
        return self

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                _thread_lock.release()

    def __exit__(self, *exc: Any) -> None:
        self.release()
