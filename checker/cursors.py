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
        file=file, file_ref=ctypes.byref(file), file_name=file_name, names={},
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


def new_unit() -> None:
    """Forget the file names of the last translation unit (file handles are its own): called before each facts pass."""
    (_state or _setup())["names"].clear()


def file_name(location) -> str | None:
    """location.file.name (None where location.file is None): the file of the expansion place, its name asked of
    libclang once per file of the translation unit (by the file's handle) instead of once per question; the
    names are those of the unit since the last new_unit()."""
    state = _state or _setup()
    state["expansion"](location, state["file_ref"], None, None, None)
    out = state["file"]
    if not out:
        return None
    handle = ctypes.cast(out, ctypes.c_void_p).value
    names = state["names"]
    name = names.get(handle)
    if name is None:
        name = names[handle] = state["file_name"](handle)
    return name
