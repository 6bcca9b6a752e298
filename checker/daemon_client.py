"""The client side of `qtcheck --daemon`: where the daemon's socket is, and one check sent to it.

Imported by the command's entry point before anything else, so it uses the standard library only: a check that a
daemon answers costs the interpreter's start and this module, not qtcheck's imports. The daemon itself is
`checker/daemon.py`.

A check request is one JSON line (never pickle) with the command's arguments, its current folder, environment,
umask and the encodings of its standard streams; the streams themselves (file descriptors 0, 1 and 2) go along
as SCM_RIGHTS, so the daemon's worker writes the report to the very terminal, pipe or file the command was given,
exactly as the one-shot command would. The daemon answers `{"ok": true}`, the client says `{"go": true}` (from
then on it waits for the end, it never runs the check itself), and the daemon answers `{"status": N}` when its
worker has ended. Any failure before "go" (no daemon, a stale socket, another qtcheck's daemon, a folder that is not
private) means the caller runs the check itself: the one-shot command is always correct on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys

from . import __version__

ENV_DIR = "QTCHECK_DAEMON_DIR"  # the daemon's folder (tests, or a user's choice)
ENV_USE = "QTCHECK_DAEMON"  # 1: every qtcheck command asks the daemon first, as --use-daemon does
USE_FLAG = "--use-daemon"
HANDSHAKE_TIMEOUT = 5.0  # seconds to wait for the daemon's "ok"; a daemon that does not answer is not used
MAX_MESSAGE = 4 * 1024 * 1024


class NotPrivate(Exception):
    """The daemon's folder is not a folder of this user's that only this user can enter: never used."""


def installation_id() -> str:
    """This qtcheck: its package folder, version and interpreter. A daemon serves only the qtcheck that started it
    (two checkouts or virtual environments of one user each get their own)."""
    here = os.path.dirname(os.path.realpath(__file__))
    material = "\0".join([here, __version__, os.path.realpath(sys.executable)])
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def daemon_dir() -> str:
    """$QTCHECK_DAEMON_DIR, else $XDG_RUNTIME_DIR/qtcheck, else /tmp/qtcheck-UID."""
    if os.environ.get(ENV_DIR):
        return os.environ[ENV_DIR]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "qtcheck")
    return os.path.join("/tmp", f"qtcheck-{os.getuid()}")


def check_private(folder: str, create: bool = False) -> None:
    """The folder exists (made with mode 0700 when create), is a real folder (not a symlink), is owned by this user
    and nobody else may enter it; NotPrivate naming what is wrong otherwise."""
    if create:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise NotPrivate(f"{folder}: cannot create the daemon's folder ({exc.strerror})") from None
    try:
        st = os.lstat(folder)
    except OSError as exc:
        raise NotPrivate(f"{folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise NotPrivate(f"{folder}: not a folder (a symlink or a file); the daemon needs a private folder")
    if st.st_uid != os.getuid():
        raise NotPrivate(f"{folder}: owned by another user (uid {st.st_uid}); the daemon needs a folder of its own")
    if st.st_mode & 0o077:
        raise NotPrivate(f"{folder}: other users may enter it (mode {stat.S_IMODE(st.st_mode):o}); the daemon "
                         f"needs mode 700 (chmod 700 {folder})")


def socket_path(folder: str | None = None) -> str:
    return os.path.join(folder or daemon_dir(), f"daemon-{installation_id()}.sock")


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (SO_PEERCRED)."""
    data = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", data)[1]


def send_json(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8", "surrogateescape")
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    if data:
        sock.sendall(data)


def read_json(sock: socket.socket, buffer: bytearray, fds: list[int] | None = None) -> dict | None:
    """The next JSON line from sock (None at the end of the stream); file descriptors passed with it into fds."""
    while b"\n" not in buffer:
        if fds is not None:
            chunk, got, _flags, _addr = socket.recv_fds(sock, 65536, 3)
            fds.extend(got)
        else:
            chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
        if len(buffer) > MAX_MESSAGE:
            raise ValueError("message too long")
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    value = json.loads(line.decode("utf-8", "surrogateescape"))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def connect(timeout: float = HANDSHAKE_TIMEOUT) -> socket.socket | None:
    """A connection to this qtcheck's daemon, or None (none running, a stale socket, a folder that is not private,
    a socket another user's process holds)."""
    folder = daemon_dir()
    try:
        check_private(folder)
    except NotPrivate:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(socket_path(folder))
        if peer_uid(sock) != os.getuid():
            raise OSError("another user's socket")
    except OSError:
        sock.close()
        return None
    return sock


def _stream_setup() -> dict | None:
    """The encodings of the standard streams, as the worker must recreate them; None when one is closed (the
    one-shot command then runs: it tells a closed stream in its own words)."""
    out = {}
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            return None
        try:
            os.fstat(stream.fileno())
        except (OSError, ValueError, AttributeError):
            return None
        out[name] = [stream.encoding, stream.errors]
    return out


def wanted(argv: list[str]) -> tuple[bool, list[str]]:
    """Whether this command asks for the daemon (--use-daemon before any `--`, or QTCHECK_DAEMON=1), and argv
    without the flag."""
    end = argv.index("--") if "--" in argv else len(argv)
    flagged = USE_FLAG in argv[:end]
    rest = [a for i, a in enumerate(argv) if not (i < end and a == USE_FLAG)]
    return flagged or os.environ.get(ENV_USE, "") == "1", rest


def run(argv: list[str]) -> int | None:
    """The exit status of the check run by the daemon, or None when no daemon took it (the caller runs it)."""
    streams = _stream_setup()
    if streams is None:
        return None
    sock = connect()
    if sock is None:
        return None
    buffer = bytearray()
    with sock:
        try:
            umask = os.umask(0o022)
            os.umask(umask)
            send_json(sock, {"op": "check", "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                             "umask": umask, "streams": streams}, [0, 1, 2])
            answer = read_json(sock, buffer)
            if not answer or not answer.get("ok"):
                return None  # a daemon of older code, one shutting down: the check runs here
            send_json(sock, {"go": True})
        except (OSError, ValueError):
            return None
        # From here on the daemon's worker runs the check: wait for it however long it takes.
        sock.settimeout(None)
        try:
            end = read_json(sock, buffer)
        except (OSError, ValueError):
            end = None
        if end is None or not isinstance(end.get("status"), int):
            sys.stderr.write("qtcheck: the daemon ended before the check did (see qtcheck --daemon status); "
                             "run it again without --use-daemon\n")
            return 2
        return end["status"]


def control(op: str) -> dict | None:
    """Send stop / status to the daemon; its answer, or None when none is running."""
    sock = connect()
    if sock is None:
        return None
    with sock:
        try:
            send_json(sock, {"op": op})
            return read_json(sock, bytearray())
        except (OSError, ValueError):
            return None
