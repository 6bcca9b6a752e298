"""qtcheck --daemon: a check sent to it prints what the one-shot command prints (stdout, stderr, exit status, byte
for byte), also after the file is edited; without a daemon, a stale socket or a folder others may enter, the
command checks on its own, with no traceback. No timing here: speed is measured in bench/run.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BAD

QTCHECK = str(Path(sys.executable).parent / "qtcheck")


def qtcheck(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([QTCHECK, *args], capture_output=True, env=env, cwd=cwd, timeout=300)


def served(env: dict, cwd: Path) -> int:
    status = qtcheck("--daemon", "status", env=env, cwd=cwd)
    assert status.returncode == 0, status
    return int(status.stdout.decode().split(" check(s) served")[0].rsplit(", ", 1)[1])


@pytest.fixture
def daemon_env(tmp_path):
    env = {**os.environ, "NO_COLOR": "1", "QTCHECK_DAEMON_DIR": str(tmp_path / "daemon")}
    yield env
    qtcheck("--daemon", "stop", env=env, cwd=tmp_path)


def same_as_one_shot(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    """The check through the daemon (asserting the daemon ran it), then the one-shot command; both alike."""
    before = served(env, cwd)
    daemon = qtcheck("--use-daemon", *args, env=env, cwd=cwd)
    assert served(env, cwd) == before + 1, "the daemon did not run the check"
    alone = qtcheck(*args, env=env, cwd=cwd)
    assert (daemon.returncode, daemon.stdout, daemon.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    return daemon


def test_the_daemon_prints_what_the_one_shot_command_prints_also_after_an_edit(tmp_path, daemon_env):
    source = tmp_path / "settings.cpp"
    source.write_text(BAD, encoding="utf-8")
    started = qtcheck("--daemon", "start", env=daemon_env, cwd=tmp_path)
    assert started.returncode == 0 and b"daemon started" in started.stdout, started
    folder = Path(daemon_env["QTCHECK_DAEMON_DIR"])
    assert folder.stat().st_mode & 0o777 == 0o700
    assert qtcheck("--daemon", "start", env=daemon_env, cwd=tmp_path).stdout.startswith(b"qtcheck: daemon already")

    first = same_as_one_shot([source.name, "--format", "json", "--fail-on", "finding"], daemon_env, tmp_path)
    assert first.returncode == 1 and b'"unchecked-result"' in first.stdout
    text = same_as_one_shot([source.name, "--fail-on", "finding"], daemon_env, tmp_path)
    assert b"settings.cpp:7:" in text.stdout and b"unchecked-result" in text.stdout

    # the file is edited (the daemon first: its facts are not cached yet): the result is fixed, exit status 0
    source.write_text(BAD.replace("    file.open(QIODevice::ReadOnly);\n",
                                  "    if (!file.open(QIODevice::ReadOnly))\n        return false;\n"),
                      encoding="utf-8")
    fixed = same_as_one_shot([source.name, "--format", "json", "--fail-on", "finding"], daemon_env, tmp_path)
    assert fixed.returncode == 0 and b'"unchecked-result"' not in fixed.stdout
    # a report written to a file, relative to the client's folder, and a refusal: one line, status 2
    same_as_one_shot([source.name, "--format", "sarif", "--output", "out.sarif"], daemon_env, tmp_path)
    assert (tmp_path / "out.sarif").read_bytes().startswith(b"{")
    refused = same_as_one_shot(["missing.cpp"], daemon_env, tmp_path)
    assert refused.returncode == 2 and refused.stderr == b"qtcheck: missing.cpp: no such file\n"

    stopped = qtcheck("--daemon", "stop", env=daemon_env, cwd=tmp_path)
    assert stopped.returncode == 0 and b"daemon stopped" in stopped.stdout
    status = qtcheck("--daemon", "status", env=daemon_env, cwd=tmp_path)
    assert status.returncode == 1 and status.stdout.startswith(b"qtcheck: no daemon running")
    assert not list(folder.glob("*.sock"))


def test_a_stale_socket_or_none_means_the_one_shot_check(tmp_path, daemon_env):
    source = tmp_path / "settings.cpp"
    source.write_text(BAD, encoding="utf-8")
    args = [source.name, "--format", "json"]
    alone = qtcheck(*args, env=daemon_env, cwd=tmp_path)
    assert alone.returncode == 0 and b'"unchecked-result"' in alone.stdout
    # no daemon folder at all
    none = qtcheck("--use-daemon", *args, env=daemon_env, cwd=tmp_path)
    assert (none.returncode, none.stdout, none.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    # a socket a dead daemon left behind: nobody listens on it
    folder = Path(daemon_env["QTCHECK_DAEMON_DIR"])
    folder.mkdir(mode=0o700)
    probe = subprocess.run([sys.executable, "-c", "from qtcheck import daemon_client; print(daemon_client.socket_path())"],
                           capture_output=True, text=True, env=daemon_env, check=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(probe.stdout.strip())
    dead.close()
    assert Path(probe.stdout.strip()).exists()
    stale = qtcheck("--use-daemon", *args, env=daemon_env, cwd=tmp_path)
    assert (stale.returncode, stale.stdout, stale.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    # QTCHECK_DAEMON=1 asks the same way
    by_env = qtcheck(*args, env={**daemon_env, "QTCHECK_DAEMON": "1"}, cwd=tmp_path)
    assert (by_env.returncode, by_env.stdout, by_env.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    # a daemon started over the stale socket replaces it and answers
    assert qtcheck("--daemon", "start", env=daemon_env, cwd=tmp_path).returncode == 0
    same_as_one_shot(args, daemon_env, tmp_path)


def test_a_daemon_folder_others_may_enter_is_never_used(tmp_path, daemon_env):
    folder = Path(daemon_env["QTCHECK_DAEMON_DIR"])
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    started = qtcheck("--daemon", "start", env=daemon_env, cwd=tmp_path)
    assert started.returncode == 2 and b"Traceback" not in started.stderr
    assert started.stderr.decode().count("\n") == 1 and "mode 755" in started.stderr.decode(), started.stderr
    assert not list(folder.iterdir())
    bad = qtcheck("--daemon", "bogus", env=daemon_env, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith(b"qtcheck: --daemon takes one of start, stop, status, run")


def test_ctrl_c_in_the_client_ends_the_daemons_worker_with_one_line(tmp_path, daemon_env):
    """SIGINT to the client while the daemon's worker parses: `qtcheck: interrupted`, status 2, as the one-shot
    command; the worker (and its parse process) is killed, the daemon goes on."""
    import signal
    import time

    from conftest import EXAMPLE

    assert qtcheck("--daemon", "start", env=daemon_env, cwd=tmp_path).returncode == 0
    proc = subprocess.Popen([QTCHECK, "--use-daemon", str(EXAMPLE), "--no-cache"], env=daemon_env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.0)  # a plain parse of the example takes seconds
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (2, "qtcheck: interrupted\n")
    for _ in range(50):  # the daemon reaps the killed worker
        status = qtcheck("--daemon", "status", env=daemon_env, cwd=tmp_path).stdout.decode()
        if " 0 running" in status:
            break
        time.sleep(0.1)
    assert "1 check(s) served, 0 running" in status, status
