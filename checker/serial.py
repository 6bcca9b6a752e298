"""Facts to and from JSON, driven by the records' type hints: data that cannot run code when it is read back.

The facts cache used pickle, and unpickling a planted file runs whatever it says. JSON read back through
the declared field types can only ever give the records' own plain values; anything that does not fit the
types raises ValueError and the entry is rebuilt.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from pathlib import Path

import networkx as nx


class Mismatch(ValueError):
    """The data does not have the shape the records declare."""


def encode(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, nx.DiGraph):
        return {"nodes": sorted(value.nodes),
                "edges": [[a, b, d.get("line")] for a, b, d in sorted(value.edges(data=True), key=lambda e: e[:2])]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise Mismatch(f"cannot store a {type(value).__name__}")


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls, vars(__import__(cls.__module__, fromlist=["*"])))


def decode(tp, data):
    """A value of type tp built from data, or Mismatch."""
    origin = typing.get_origin(tp)
    if tp is typing.Any:
        return data
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return decode(option, data)
            except Mismatch:
                continue
        raise Mismatch(f"{data!r:.40} fits none of {tp}")
    if origin is list:
        if not isinstance(data, list):
            raise Mismatch("expected a list")
        (item,) = typing.get_args(tp) or (typing.Any,)
        return [decode(item, v) for v in data]
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list) or (args and args[-1] is not Ellipsis and len(args) != len(data)):
            raise Mismatch("expected a tuple")
        if args and args[-1] is Ellipsis:
            return tuple(decode(args[0], v) for v in data)
        return tuple(decode(a, v) for a, v in zip(args, data))
    if origin is dict:
        if not isinstance(data, dict):
            raise Mismatch("expected a mapping")
        key_t, val_t = typing.get_args(tp) or (str, typing.Any)
        return {decode(key_t, k): decode(val_t, v) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise Mismatch(f"expected a {tp.__name__}")
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        if set(data) != names:
            raise Mismatch(f"{tp.__name__}: fields differ")
        return tp(**{name: decode(hints[name], data[name]) for name in names})
    if tp is Path:
        if not isinstance(data, str):
            raise Mismatch("expected a path")
        return Path(data)
    if tp is nx.DiGraph:
        if not isinstance(data, dict) or set(data) != {"nodes", "edges"}:
            raise Mismatch("expected a graph")
        graph = nx.DiGraph()
        graph.add_nodes_from(decode(list[str], data["nodes"]))
        for a, b, line in decode(list[tuple[str, str, int | None]], data["edges"]):
            graph.add_edge(a, b, line=line)
        return graph
    if tp is bool:
        if not isinstance(data, bool):
            raise Mismatch("expected true or false")
        return data
    if tp is int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise Mismatch("expected an integer")
        return data
    if tp is float:
        if not isinstance(data, (int, float)) or isinstance(data, bool):
            raise Mismatch("expected a number")
        return float(data)
    if tp is str:
        if not isinstance(data, str):
            raise Mismatch("expected a string")
        return data
    if tp is type(None):
        if data is not None:
            raise Mismatch("expected null")
        return None
    raise Mismatch(f"no reader for {tp}")
