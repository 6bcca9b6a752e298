"""Reading input files: regular files only, never more than a limit, never blocking on a FIFO or a device.

A FIFO named x.cpp blocks open() until a writer comes; x.cpp as a symlink to /dev/zero reads without end. Every
input qtcheck reads (sources, reviews, claims and rule YAML) is opened with O_NONBLOCK, checked on the open
descriptor to be a regular file (so a swap between a check and the open cannot slip through), and read to at
most limit + 1 bytes, so "over the limit" is told without reading the rest.
"""

from __future__ import annotations

import os
import stat

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotRegular(OSError):
    """The path is not a regular file; kind says what it is ('a FIFO', 'a character device', ...)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind

    def __str__(self) -> str:
        return f"not a regular file ({self.kind})"


def kind(mode: int) -> str:
    """What a file of this st_mode is, for a message."""
    for test, name in KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_bounded(path, limit: int) -> bytes:
    """At most limit + 1 bytes of a regular file. NotRegular for anything else; OSError when it cannot be read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(kind(mode))
        return handle.read(limit + 1)


def regular_kind(path) -> str | None:
    """None when path is a regular file (following symlinks) or missing; else what it is."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else kind(mode)
