"""The `qtcheck` command's entry point: the CLI's imports (libclang, YAML ...) happen inside it, so a
Ctrl-C while they load ends with one line, like one during the run, never a traceback."""

from __future__ import annotations

import signal
import sys


def main() -> int:
    # While the CLI's modules load, a Ctrl-C is only noted: raised inside the import machinery (a module lock's
    # weakref callback), a KeyboardInterrupt is printed by CPython as "Exception ignored ... Traceback" and lost.
    interrupted: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    noting = previous is signal.default_int_handler  # an ignored SIGINT (a background job) stays ignored
    if noting:
        signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
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
