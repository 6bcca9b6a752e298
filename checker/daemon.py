"""`qtcheck --daemon`: a long-lived process per user (as dmypy and clangd are) that has paid once for what every
one-shot command pays again: the interpreter's start, qtcheck's imports (with the ones a run loads lazily: the
text report, the prose reader, the schema checker), libclang loaded, the built-in rules read.

Each check request (see `checker/daemon_client.py` for the protocol) is run by a worker forked from the daemon: it
takes the client's standard streams, folder, environment and umask, and runs the one-shot command's own code
(`cli.main`) on them, so its output and exit status are the one-shot command's by construction. The daemon's own
state never changes between requests (a worker's work dies with it): the preamble cache and the facts cache on
the disk, with their checks of every header's mtime and size and of the compile arguments, decide what is reused,
exactly as in a one-shot run, and the daemon does not grow. What a kept translation unit would add was measured
and is not worth its risk (README, Speed): a parse of the edited file on its cached preamble takes 0.14 s of CPU
once the preamble is built without the headers' function bodies, and a `reparse()` on an in-memory preamble 0.12 s.

The socket lives in a private folder (mode 0700, owned by the user, checked before use) and answers only its
user's processes (SO_PEERCRED). A change to qtcheck's code or built-in rules makes the daemon refuse the next
request and exit (the client then runs the check itself); it also exits after IDLE_SECONDS without a request.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
import time
from pathlib import Path

from . import __version__, daemon_client as client
from .errors import QtcheckError

IDLE_SECONDS = 4 * 3600
MAX_WORKERS = 8  # requests run at once; more wait in the socket's backlog
START_TIMEOUT = 60.0


def _preload() -> None:
    """Everything a run may import or read that does not depend on the client's folder or environment."""
    from . import cli, toolchain  # noqa: F401
    from . import prose, shards  # noqa: F401  (--review, --shard / merge)
    from .reports import text  # noqa: F401  (the default format)
    import jsonschema  # noqa: F401  (claims files)
    import rich.console  # noqa: F401
    import rich.progress  # noqa: F401

    from . import rules

    toolchain.cindex()
    toolchain.libclang_version()
    rules.load_rules()  # the built-in rules, read again by a worker only if a file of theirs changed


def _code_stamp() -> dict[str, list[int] | None]:
    """mtime and size of qtcheck's loaded modules and of its data (built-in rules, prose words): a daemon started
    before an edit or an upgrade must not answer for the new code."""
    here = Path(__file__).resolve().parent
    names = {os.path.realpath(m.__file__) for m in list(sys.modules.values())
             if getattr(m, "__file__", None) and os.path.realpath(m.__file__).startswith(str(here))}
    from .rules import builtin_rules_dir

    names |= {str(p) for p in Path(builtin_rules_dir()).glob("*.y*ml")}
    names |= {str(p) for p in here.glob("*.yaml")}
    out = {}
    for name in sorted(names):
        try:
            st = os.stat(name)
            out[name] = [st.st_mtime_ns, st.st_size]
        except OSError:
            out[name] = None
    return out


class Server:
    def __init__(self, path: str):
        self.path = path
        self.started = time.time()
        self.last = time.monotonic()
        self.served = 0
        self.stopping = False
        self.workers: dict[int, socket.socket] = {}  # worker pid -> the client's connection
        self.code = _code_stamp()
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.wake_r, self.wake_w = os.pipe()
        self.inode: int | None = None

    # ---- setup ----
    def bind(self) -> None:
        try:
            os.unlink(self.path)  # a stale socket of a daemon that died (the caller made sure none answers)
        except FileNotFoundError:
            pass
        old = os.umask(0o177)
        try:
            self.listener.bind(self.path)
        finally:
            os.umask(old)
        self.inode = os.stat(self.path).st_ino
        self.listener.listen(16)
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop through the pipe
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        self.selector.register(self.listener, selectors.EVENT_READ, "listen")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")

    # ---- the loop ----
    def serve(self) -> None:
        import gc

        gc.collect()
        gc.freeze()  # workers inherit the loaded modules without the collector touching (copying) their pages
        while True:
            if self.stopping and not self.workers:
                break
            if not self.workers and time.monotonic() - self.last > IDLE_SECONDS:
                break
            for key, _ in self.selector.select(timeout=60):
                if key.data == "listen":
                    self._accept()
                elif key.data == "wake":
                    try:
                        while os.read(self.wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
                else:  # a waiting client's connection: readable means it went away (Ctrl-C)
                    self._client_gone(key.fileobj, key.data)
            self._reap()
        self.close()

    def close(self) -> None:
        try:
            if self.inode is not None and os.stat(self.path).st_ino == self.inode:  # ours, not a newer daemon's
                os.unlink(self.path)
        except OSError:
            pass
        self.listener.close()

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        try:
            if client.peer_uid(conn) != os.getuid():
                conn.close()  # another user's process: no answer at all
                return
            conn.settimeout(client.HANDSHAKE_TIMEOUT)
            fds: list[int] = []
            buffer = bytearray()
            try:
                request = client.read_json(conn, buffer, fds)
                if request is None:
                    return
                self._handle(conn, request, fds, buffer)
            finally:
                for fd in fds:
                    os.close(fd)
        except (OSError, ValueError):
            pass
        if conn.fileno() != -1 and conn not in self.workers.values():
            conn.close()

    def _handle(self, conn: socket.socket, request: dict, fds: list[int], buffer: bytearray) -> None:
        op = request.get("op")
        if op == "status":
            client.send_json(conn, self.status())
            return
        if op == "stop":
            self.stopping = True
            client.send_json(conn, {"ok": True, "pid": os.getpid()})
            self.selector.unregister(self.listener)
            self.close()
            return
        if op != "check" or len(fds) != 3 or self.stopping:
            client.send_json(conn, {"ok": False})
            return
        if _code_stamp() != self.code:  # qtcheck was edited or upgraded since the daemon started
            client.send_json(conn, {"ok": False, "stale": True})
            self.stopping = True
            self.selector.unregister(self.listener)
            self.close()
            return
        while len(self.workers) >= MAX_WORKERS:
            self._reap(block=True)
        client.send_json(conn, {"ok": True})
        go = client.read_json(conn, buffer)
        if not go or not go.get("go"):
            return
        self.last = time.monotonic()
        self.served += 1
        pid = os.fork()
        if pid == 0:
            self._worker(conn, request, fds)  # never returns
        try:
            os.setpgid(pid, pid)  # as the worker does: killpg() reaches it and its parse process from the start
        except OSError:
            pass
        conn.setblocking(False)
        self.workers[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def _client_gone(self, conn: socket.socket, pid: int) -> None:
        try:
            data = conn.recv(1)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data and pid in self.workers:
            try:
                os.killpg(pid, signal.SIGKILL)  # the worker and its parse process
            except OSError:
                pass

    def _reap(self, block: bool = False) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            block = False
            conn = self.workers.pop(pid, None)
            if conn is None:
                continue
            self.selector.unregister(conn)
            code = os.waitstatus_to_exitcode(status)
            try:
                conn.setblocking(True)
                conn.settimeout(client.HANDSHAKE_TIMEOUT)
                client.send_json(conn, {"status": code} if code >= 0 else {"signal": -code})
            except OSError:
                pass
            conn.close()

    def status(self) -> dict:
        usage = os.times()
        return {"ok": True, "pid": os.getpid(), "version": __version__, "socket": self.path,
                "uptime": round(time.time() - self.started, 1), "served": self.served, "running": len(self.workers),
                "cpu": round(usage.user + usage.system + usage.children_user + usage.children_system, 3)}

    # ---- a worker: the one-shot command on the client's streams ----
    def _worker(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        code = 2
        try:
            os.setpgid(0, 0)
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for fd in (self.wake_r, self.wake_w):
                os.close(fd)
            self.listener.close()
            self.selector.close()
            for other in self.workers.values():
                other.close()
            conn.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            for fd in fds:
                if fd > 2:
                    os.close(fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update({str(k): str(v) for k, v in request.get("env", {}).items()})
            os.umask(int(request.get("umask", 0o022)))
            code = _run_cli(request)
        except BaseException as exc:  # noqa: BLE001 - a worker never lets anything out; one line on the client's stderr
            code = 2
            try:
                os.write(2, f"qtcheck: the daemon could not run the check ({type(exc).__name__}: {exc}); run it "
                            f"without --use-daemon\n".encode("utf-8", "replace"))
            except OSError:
                pass
        finally:
            os._exit(code)


def _run_cli(request: dict) -> int:
    import io

    streams = request.get("streams", {})

    def stream(fd: int, name: str, mode: str):
        encoding, errors = (streams.get(name) or ["utf-8", "strict"])[:2]
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="\n",
                                line_buffering=mode == "w" and (name == "stderr" or os.isatty(fd)))

    sys.stdin, sys.stdout, sys.stderr = stream(0, "stdin", "r"), stream(1, "stdout", "w"), stream(2, "stderr", "w")
    sys.argv = ["qtcheck", *request["argv"]]
    from .cli import main

    try:
        code = main([str(a) for a in request["argv"]])
    except SystemExit as exc:  # --help, --version
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # QTCHECK_DEBUG=1 lets an internal error out: shown as Python would show it
        import traceback

        traceback.print_exc()
        code = 1
    for out in (sys.stdout, sys.stderr):
        try:
            out.flush()
        except (OSError, ValueError):
            pass
    return code


# ---- qtcheck --daemon start|stop|status|run ----
def command(argv: list[str]) -> int:
    try:
        action = argv[0] if argv else "start"
        if len(argv) > 1 or action not in ("start", "stop", "status", "run"):
            raise QtcheckError("--daemon takes one of start, stop, status, run (see README, The daemon)")
        folder = client.daemon_dir()
        if action == "status":
            answer = client.control("status")
            if answer is None:
                print(f"qtcheck: no daemon running (socket {client.socket_path(folder)})")
                return 1
            print(f"qtcheck: daemon running: pid {answer['pid']}, up {answer['uptime']:g} s, "
                  f"{answer['served']} check(s) served, {answer['running']} running, CPU {answer['cpu']:g} s, "
                  f"socket {answer['socket']}")
            return 0
        if action == "stop":
            answer = client.control("stop")
            if answer is None:
                print("qtcheck: no daemon running")
                return 0
            _wait_gone(int(answer["pid"]))
            print(f"qtcheck: daemon stopped (pid {answer['pid']})")
            return 0
        try:
            client.check_private(folder, create=True)
        except client.NotPrivate as exc:
            raise QtcheckError(str(exc)) from None
        running = client.control("status")
        if running is not None:
            print(f"qtcheck: daemon already running (pid {running['pid']}, socket {running['socket']})")
            return 0
        path = client.socket_path(folder)
        if action == "run":  # in the foreground (a service manager, a terminal to watch)
            return _serve(path)
        return _start_detached(path)
    except QtcheckError as exc:
        print(f"qtcheck: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2


def _serve(path: str) -> int:
    _preload()
    server = Server(path)
    try:
        server.bind()
    except OSError as exc:
        raise QtcheckError(f"{path}: cannot listen there ({exc.strerror})") from None
    server.serve()
    return 0


def _start_detached(path: str) -> int:
    """Fork a daemon detached from the terminal and the session; return once its socket answers."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the intermediate child: a new session, then the daemon forked from it (never a session leader)
        os.close(read_fd)
        try:
            os.setsid()
            if os.fork() != 0:
                os._exit(0)
            os.chdir("/")
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            _preload()
            server = Server(path)
            server.bind()
            os.write(write_fd, b"ok\n")
            os.close(write_fd)
            server.serve()
        except BaseException as exc:  # noqa: BLE001
            try:
                os.write(write_fd, f"{type(exc).__name__}: {exc}\n".encode())
            except OSError:
                pass
            os._exit(1)
        os._exit(0)
    os.close(write_fd)
    os.waitpid(pid, 0)
    answer = b""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        chunk = os.read(read_fd, 4096)
        if not chunk:
            break
        answer += chunk
        if answer.endswith(b"\n"):
            break
    os.close(read_fd)
    if answer != b"ok\n":
        why = answer.decode(errors="replace").strip() or "it ended without a word"
        raise QtcheckError(f"the daemon did not start ({why})")
    running = client.control("status")
    if running is None:
        raise QtcheckError("the daemon started but does not answer on its socket")
    print(f"qtcheck: daemon started (pid {running['pid']}, socket {running['socket']})")
    return 0


def _wait_gone(pid: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        time.sleep(0.05)


def main() -> int:  # python -m qtcheck.daemon status
    return command(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
