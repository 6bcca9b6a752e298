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

import ctypes

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
    _state.update(
        callback=ci.callbacks["cursor_visit"](visit),
        visit_children=lib.clang_visitChildren,
        expansion=lib.clang_getInstantiationLocation,
        line=line, column=column, line_ref=ctypes.byref(line), column_ref=ctypes.byref(column),
    )
    return _state


def children(cursor) -> list:
    """cursor.get_children(), as a list."""
    state = _state or _setup()
    out: list = []
    state["visit_children"](cursor, state["callback"], (out, cursor._tu))
    return out


def preorder(cursor):
    """cursor.walk_preorder(): the cursor, then each child's preorder."""
    yield cursor
    for child in children(cursor):
        yield from preorder(child)


def position(location) -> tuple[int, int]:
    """(location.line, location.column): the expansion place, the column in bytes."""
    state = _state or _setup()
    state["expansion"](location, None, state["line_ref"], state["column_ref"], None)
    return state["line"].value, state["column"].value


def line(location) -> int:
    """location.line."""
    state = _state or _setup()
    state["expansion"](location, None, state["line_ref"], None, None)
    return state["line"].value
