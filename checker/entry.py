"""The `qtcheck` command's entry point: the CLI's imports (libclang, YAML ...) happen inside it, so a
Ctrl-C while they load ends with one line, like one during the run, never a traceback."""

from __future__ import annotations

import sys

try:  # `signal` loads `enum`: a Ctrl-C that early, before any handler can be set, still ends in one line
    import signal
except KeyboardInterrupt:
    sys.stderr.write("qtcheck: interrupted\n")
    raise SystemExit(2) from None


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--daemon"]:  # qtcheck --daemon start|stop|status|run
        try:
            from .daemon import command
        except KeyboardInterrupt:
            print("qtcheck: interrupted", file=sys.stderr)
            return 2
        return command(argv[1:])
    try:  # --use-daemon (or QTCHECK_DAEMON=1): a running daemon checks; without one, this command does
        from . import daemon_client

        use, argv = daemon_client.wanted(argv)
        if use:
            status = daemon_client.run(argv)
            if status is not None:
                return status
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    # While the CLI's modules load, a Ctrl-C is only noted: raised inside the import machinery (a module lock's
    # weakref callback), a KeyboardInterrupt is printed by CPython as "Exception ignored ... Traceback" and lost.
    interrupted: list[int] = []
    try:  # a Ctrl-C may come while the handler is being set, too
        previous = signal.getsignal(signal.SIGINT)
        noting = previous is signal.default_int_handler  # an ignored SIGINT (a background job) stays ignored
        if noting:
            signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    finally:
        if noting:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
