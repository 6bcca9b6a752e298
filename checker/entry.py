"""The `qtcheck` command's entry point: the CLI's imports (libclang, networkx, YAML ...) happen inside it, so a
Ctrl-C while they load ends with one line, like one during the run, never a traceback."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    return run()


if __name__ == "__main__":
    sys.exit(main())
