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
    return run()


if __name__ == "__main__":
    sys.exit(main())
