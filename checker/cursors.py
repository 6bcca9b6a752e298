"""The questions the facts pass asks of every cursor, asked of libclang with fewer Python objects per answer.

libclang's Python bindings wrap each answer in objects: `cursor.get_children()` makes a new C callback per call
and asks libclang twice more per child (an assertion that the child is not the null cursor); `location.line`
makes four ctypes out-parameters and a `File` for the one number. The facts pass asks these of each of the
tens of thousands of cursors of a large file, several times each. The answers here are the bindings' own (the
same libclang functions: a location's line and column are its expansion place, as `SourceLocation.line` and
`.column` give), with one callback for the whole run and the out-parameters made once.

Not thread-safe (the out-parameters are shared): the facts pass runs in one thread at a time.
"""

from __future__ import annotations

import bisect
import ctypes
import re

from . import toolchain

_state: dict = {}


def _setup() -> dict:
    ci = toolchain.cindex()
    lib = ci.conf.lib

    def visit(child, _parent, data):
        child._tu = data[1]  # as the bindings do: the translation unit outlives the cursor
        data[0].append(child)
        return 1  # CXChildVisit_Continue

    line, column = ctypes.c_uint(), ctypes.c_uint()
    file = ci.c_object_p()  # the out-parameter's type in the bindings' prototype (a pointer to void)
    # a second handle on clang_getFileName that takes the CXFile as a plain pointer (the bindings' takes a File)
    file_name = ctypes.CDLL(lib._name).clang_getFileName
    file_name.argtypes = [ctypes.c_void_p]
    file_name.restype = ci._CXString
    file_name.errcheck = ci._CXString.from_result
    _state.update(
        callback=ci.callbacks["cursor_visit"](visit),
        visit_children=lib.clang_visitChildren,
        expansion=lib.clang_getInstantiationLocation,
        line=line, column=column, line_ref=ctypes.byref(line), column_ref=ctypes.byref(column),
        file=file, file_ref=ctypes.byref(file), file_name=file_name, names={}, main=None,
    )
    return _state


def children(cursor) -> list:
    """cursor.get_children(), as a list (a new list each call; the cursors in it are those kept by keep_children
    while the facts pass is inside that cursor, so what was read of them is read once)."""
    kept = cursor.__dict__.get("_children")
    if kept is not None:
        return kept[:]
    state = _state or _setup()
    out: list = []
    state["visit_children"](cursor, state["callback"], (out, cursor._tu))
    return out


def keep_children(cursor) -> list:
    """The children of a cursor the facts pass is entering, kept on it until drop_children(cursor): the handlers
    ask for the children of the cursors around the one they look at (an operator's operands, a call's callee) and
    would otherwise get new cursor objects, asked again of libclang for their kind, spelling and place."""
    state = _state or _setup()
    out: list = []
    state["visit_children"](cursor, state["callback"], (out, cursor._tu))
    cursor.__dict__["_children"] = out
    return out


def drop_children(cursor) -> None:
    cursor.__dict__.pop("_children", None)


def preorder(cursor):
    """cursor.walk_preorder(): the cursor, then each child's preorder."""
    yield cursor
    for child in children(cursor):
        yield from preorder(child)


class MainFile:
    """Places in the main file told from a location's own fields, without a call into libclang.

    A CXSourceLocation holds its unit's SourceManager (ptr_data[0]) and clang's raw encoding of the place
    (int_data): for a place in a file (not in a macro expansion) the raw encoding is the file's start in the unit's
    address space plus the byte offset, so a location of this unit whose encoding lies within the main file's
    range is that offset, and its line and byte column follow from where each line starts (clang ends a line at
    CR, LF or CRLF; LF then CR is two ends). Set up only when libclang's own answers for the file's first and last place agree with this
    reading; every other location is asked of libclang as before."""

    def __init__(self, manager: int, start: int, size: int, name: str, data: bytes):
        self.manager, self.start, self.size, self.name = manager, start, size, name
        ends = list(LINE_END_RE.finditer(data))
        self.line_starts = [0] + [m.end() for m in ends]
        # clang gives the LF of a CRLF the column of its CR
        self.second_of_pair = {m.end() - 1 for m in ends if m.end() - m.start() == 2}

    def offset(self, location) -> int | None:
        if location.ptr_data[0] != self.manager:
            return None
        offset = location.int_data - self.start
        return offset if 0 <= offset <= self.size else None

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + (offset not in self.second_of_pair)


LINE_END_RE = re.compile(rb"\r\n|\r|\n")


def _main_file(tu, name: str, data: bytes) -> MainFile | None:
    """The MainFile of tu when its reading of locations agrees with libclang's at the file's first and last place
    (and at a line start in between); None otherwise."""
    ci = toolchain.cindex()
    try:
        handle = ci.conf.lib.clang_getFile(tu, name)
        if not handle:
            return None
        file = ci.File(handle)
        first = ci.SourceLocation.from_offset(tu, file, 0)
        main = MainFile(first.ptr_data[0], first.int_data, len(data), name, data)
        state = _state or _setup()
        starts = main.line_starts
        for offset in sorted({0, len(data), starts[len(starts) // 2], max(0, len(data) - 1),
                              min(main.second_of_pair, default=0)}):
            location = ci.SourceLocation.from_offset(tu, file, offset)
            if main.offset(location) != offset:
                return None
            state["expansion"](location, state["file_ref"], state["line_ref"], state["column_ref"], None)
            if (state["line"].value, state["column"].value) != main.position(offset) or _file_name(state) != name:
                return None
        return main
    except Exception:  # an unexpected answer: every location asked of libclang
        return None


def position(location) -> tuple[int, int]:
    """(location.line, location.column): the expansion place, the column in bytes."""
    state = _state or _setup()
    main = state["main"]
    if main is not None:
        offset = main.offset(location)
        if offset is not None:
            return main.position(offset)
    state["expansion"](location, None, state["line_ref"], state["column_ref"], None)
    return state["line"].value, state["column"].value


def main_range(extent) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(start, end) of a range as position() gives them, read from the range's own fields (a CXSourceRange holds
    its unit's SourceManager and the raw encodings of both ends, as clang_getRangeStart/End return them) when both
    ends are places in the main file MainFile tells; None otherwise (ask position(extent.start), ...)."""
    state = _state or _setup()
    main = state["main"]
    if main is None or extent.ptr_data[0] != main.manager:
        return None
    start, end = extent.begin_int_data - main.start, extent.end_int_data - main.start
    if 0 <= start <= main.size and 0 <= end <= main.size:
        return main.position(start), main.position(end)
    return None


def lines(extent) -> tuple[int, int]:
    """(extent.start.line, extent.end.line)."""
    both = main_range(extent)
    if both is not None:
        return both[0][0], both[1][0]
    return line(extent.start), line(extent.end)


def line(location) -> int:
    """location.line."""
    state = _state or _setup()
    main = state["main"]
    if main is not None:
        offset = main.offset(location)
        if offset is not None:
            return main.position(offset)[0]
    state["expansion"](location, None, state["line_ref"], None, None)
    return state["line"].value


def new_unit(tu=None, main: str | None = None, data: bytes | None = None) -> None:
    """Forget the file names of the last translation unit (file handles are its own): called before each facts
    pass, with the unit, its main file's name and text so that places in that file are told without libclang."""
    state = _state or _setup()
    state["names"].clear()
    state["main"] = None
    if tu is not None and main is not None and data is not None:
        state["main"] = _main_file(tu, main, data)


def main_file() -> MainFile | None:
    """The unit's MainFile since the last new_unit() (None: its places are asked of libclang)."""
    return (_state or _setup())["main"]


def file_name(location) -> str | None:
    """location.file.name (None where location.file is None): the file of the expansion place, its name asked of
    libclang once per file of the translation unit (by the file's handle) instead of once per question; the
    names are those of the unit since the last new_unit()."""
    state = _state or _setup()
    main = state["main"]
    if main is not None and main.offset(location) is not None:
        return main.name
    state["expansion"](location, state["file_ref"], None, None, None)
    return _file_name(state)


def _file_name(state) -> str | None:
    out = state["file"]
    if not out:
        return None
    handle = ctypes.cast(out, ctypes.c_void_p).value
    names = state["names"]
    name = names.get(handle)
    if name is None:
        name = names[handle] = state["file_name"](handle)
    return name
