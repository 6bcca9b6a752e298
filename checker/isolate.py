"""Running the parse in a child process that can be abandoned: a time limit, and a crash that stays one line.

libclang parses in C: a file that takes forever to parse (or an #include qtcheck could not see coming, such as
one spelled by a macro) cannot be interrupted from Python. So on systems with fork() the parse and the facts
pass run in a forked child (it inherits the loaded libclang, rules and caches, so it starts in milliseconds),
which sends its result back through a pipe. The parent waits at most `timeout` seconds, then kills it and
refuses the file with one line naming --parse-timeout. The child's stderr goes to /dev/null, so libclang's own
crash reports never reach the user; a child that dies is one line too. Without fork() the parse runs in this
process, without the time limit.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
from typing import Callable

from .errors import QtcheckError

DEFAULT_TIMEOUT = 120.0


def _child(write_fd: int, fn: Callable, args: tuple) -> None:
    """In the forked child: run fn, send ('ok', value) / ('refused', message) / ('error', description), exit."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once; the parent says so
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        result = _deep(fn, args)
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps(("error", f"cannot send the result back ({type(exc).__name__}: {exc})"))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]
        code = 0
    finally:
        os._exit(code)


RECURSION_LIMIT = 40_000
STACK_BYTES = 512 * 1024 * 1024  # virtual: only the pages a deep walk touches are ever used


def _deep(fn: Callable, args: tuple) -> tuple:
    """fn(*args) in a thread with a large stack and a high recursion limit: deeply nested code (lambdas in
    lambdas) is walked recursively by the facts pass and by libclang's own Python bindings."""
    box: list[tuple] = []

    def work():
        try:
            box.append(("ok", fn(*args)))
        except QtcheckError as exc:
            box.append(("refused", str(exc)))
        except Exception as exc:  # an internal error, told by the parent as one
            box.append(("error", f"{type(exc).__name__}: {exc}"))

    try:
        threading.stack_size(STACK_BYTES)
        sys.setrecursionlimit(RECURSION_LIMIT)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    except (RuntimeError, ValueError, MemoryError):  # no thread of that size here: as it is
        work()
    return box[-1] if box else ("error", "the parse thread ended without a result")


def run(fn: Callable, args: tuple, timeout: float | None, what: str):
    """fn(*args) in a forked child; at most timeout seconds (None: no limit). `what` names the file in messages."""
    if not hasattr(os, "fork"):
        return fn(*args)
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, fn, args)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    status = None
    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise QtcheckError(f"{what}: parsing took longer than {timeout:g} s (the --parse-timeout limit); "
                                   f"the parse was abandoned")
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(read_fd)
        if status is None:  # timed out or interrupted: the child goes
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    if not chunks:
        if os.WIFSIGNALED(status):
            why = f"killed by signal {os.WTERMSIG(status)}"
            if os.WTERMSIG(status) == signal.SIGINT:
                raise KeyboardInterrupt
        else:
            why = f"exit status {os.WEXITSTATUS(status)}"
        raise QtcheckError(f"{what}: the parser ended without a result ({why}; out of memory?)")
    kind, value = pickle.loads(b"".join(chunks))  # our own child's data, over a private pipe
    if kind == "ok":
        return value
    if kind == "refused":
        raise QtcheckError(value)
    raise RuntimeError(value)
