"""Heavy runs (frontiers, alternatives) in a process of their own, so they never hold the server.

Streamlit serves every session from one Python process. A frontier or an alternatives run builds
Pyomo models and reads plans back in Python between HiGHS calls, so run in a session's thread it
holds Python's lock for long stretches and another session's quick re-solve waits for it. Here each
heavy run is a child process (:class:`Job`), and the session's thread only waits on a pipe:

- the child is forked from a fork server that imported planner once (Linux, macOS), so a run
  starts without paying the import again; elsewhere it is spawned;
- the child sends ``("progress", done, total)`` after each step and ``("done", result)`` or
  ``("failed", error)`` at the end; the result is pickled (data frames and plans, no live model);
- :meth:`Job.stop` kills it: on Cancel, on a rerun of the page, when the session ends, when the
  run is over its time limit, and (through :mod:`multiprocessing`'s exit handler, the child being a
  daemon) when the server stops;
- the child also holds the reading end of a pipe only the server can write to, and a thread of
  the child waits on it: if the server is killed outright, the pipe closes and the child exits.

At most one job runs per session (``planner.serve.limits.SessionSolves``); the processes at once
are thus at most the sessions running a heavy run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from planner.i18n.catalog import t
from planner.serve.limits import LimitExceeded

PRELOADED = ["planner", "planner.analysis.frontier", "planner.analysis.alternatives"]
"""What the fork server imports once, so each run's child starts with them in memory."""
STOP_SECONDS = 5.0
"""How long a child gets to end after SIGTERM before it is killed."""

_context: Any = None


def context() -> Any:
    """The multiprocessing context of the workers: a preloaded fork server where there is one.

    Never plain fork: the server has threads (Tornado, one per running session), and a fork copies
    whatever locks they hold."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOADED)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _leave_with_server(lifeline: Connection) -> None:
    """Exit this child as soon as the server's end of ``lifeline`` closes (it never writes to it):
    the server stopped it, ended, or was killed outright."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(1)


def _child(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    out: Connection,
    lifeline: Connection,
) -> None:
    """The child's whole life: run ``fn(*args, progress=…, **kwargs)`` and send what happens."""
    threading.Thread(target=_leave_with_server, args=(lifeline,), daemon=True).start()

    def progress(done: int, total: int) -> None:
        out.send(("progress", done, total))

    try:
        result = fn(*args, progress=progress, **kwargs)
    except Exception as err:  # sent to the server, which raises it in the session's thread
        out.send(("failed", _sendable(err)))
    else:
        out.send(("done", result))
    out.close()


def _sendable(err: Exception) -> Exception:
    """``err`` itself when it survives pickling, else a RuntimeError carrying its words."""
    import pickle

    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err


class Job:
    """One heavy run in a child process; read its messages with :meth:`next`, end it with
    :meth:`stop` (always: a finished child is only reaped, a running one is killed)."""

    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        ctx = context()
        self._inbox, outbox = ctx.Pipe(duplex=False)
        lifeline, self._lifeline = ctx.Pipe(duplex=False)  # only this process holds the write end
        self.process = ctx.Process(
            target=_child,
            args=(fn, args, kwargs, outbox, lifeline),
            daemon=True,
            name="planner-run",
        )
        self.process.start()
        outbox.close()  # the child holds the only sending end: its death is an end of file here
        lifeline.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def next(self, wait: float) -> tuple[Any, ...] | None:
        """The child's next message, None when there is none within ``wait`` seconds.

        A child that died without saying why (killed, out of memory) is a RuntimeError."""
        if not self._inbox.poll(wait):
            return None
        try:
            message: tuple[Any, ...] = self._inbox.recv()
        except EOFError:
            self.process.join(STOP_SECONDS)
            raise RuntimeError(
                f"the run's worker process ended without a result (exit code "
                f"{self.process.exitcode})"
            ) from None
        return message

    def stop(self) -> None:
        """End the child: reaped if it finished, else terminated and, if it lingers, killed."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._inbox.close()
        self._lifeline.close()
        self.process.close()


def run_apart(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    progress: Callable[[int, int], None],
    tick: Callable[[float], None],
    limit_seconds: float,
    what: str = "the run",
    poll_seconds: float = 0.25,
) -> Any:
    """``fn(*args, progress=…, **kwargs)`` in a child process; its result, or its error raised here.

    ``progress(done, total)`` is called for each step the child reports, ``tick(elapsed)`` every
    ``poll_seconds`` (where the caller may stop the wait by raising, e.g. Streamlit's rerun); past
    ``limit_seconds`` the child is killed and :class:`LimitExceeded` says so. Whatever ends the
    wait, the child does not outlive this call."""
    job = Job(fn, args, kwargs)
    started = time.monotonic()
    try:
        while True:
            message = job.next(poll_seconds)
            elapsed = time.monotonic() - started
            if message is not None:
                kind, *rest = message
                if kind == "done":
                    return rest[0]
                if kind == "failed":
                    raise rest[0]
                progress(*rest)
            if elapsed > limit_seconds:
                raise LimitExceeded(
                    t("serve.limit.run_stopped", what=what, seconds=f"{limit_seconds:g}")
                )
            tick(elapsed)
    finally:
        job.stop()
