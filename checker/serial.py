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

from . import digraph as nx


class Mismatch(ValueError):
    """The data does not have the shape the records declare."""


def encode(value):
    """value as JSON data: dataclasses as objects of their fields, lists and tuples as lists, Paths as strings,
    graphs as nodes and edges."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool or kind is float:
        return value
    write = _WRITERS.get(kind)
    if write is None:
        write = _WRITERS[kind] = _writer(kind)
    return write(value)


_WRITERS: dict = {}


def _writer(kind):
    """The function that writes a value of this type: the type is looked at once, not at every value (a million
    values at 20k lines; dataclasses.is_dataclass and fields() per value were most of the facts cache's write)."""
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
        return lambda value: {name: encode(getattr(value, name)) for name in names}
    if issubclass(kind, (list, tuple)):
        return lambda value: [encode(v) for v in value]
    if issubclass(kind, dict):
        return lambda value: {str(k): encode(v) for k, v in value.items()}
    if issubclass(kind, Path):
        return str
    if issubclass(kind, nx.DiGraph):
        return lambda value: {"nodes": sorted(value.nodes),
                              "edges": [[a, b, d.get("line")]
                                        for a, b, d in sorted(value.edges(data=True), key=lambda e: e[:2])]}
    if issubclass(kind, (str, int, float, bool)):
        return lambda value: value

    def refuse(value):
        raise Mismatch(f"cannot store a {type(value).__name__}")
    return refuse


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls, vars(__import__(cls.__module__, fromlist=["*"])))


def decode(tp, data):
    """A value of type tp built from data, or Mismatch."""
    return _reader(tp)(data)


@functools.lru_cache(maxsize=None)
def _reader(tp):
    """The function that reads a value of type tp: the type is looked at once, not at every value of a cached
    file's facts (a million values at 20k lines)."""
    origin = typing.get_origin(tp)
    if tp is typing.Any:
        return lambda data: data
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        nullable = type(None) in options
        readers = [_reader(option) for option in options if option is not type(None)]

        def read_union(data):
            if data is None and nullable:
                return None
            for read in readers:
                try:
                    return read(data)
                except Mismatch:
                    continue
            raise Mismatch(f"{data!r:.40} fits none of {tp}")
        return read_union
    if origin is list:
        (item,) = typing.get_args(tp) or (typing.Any,)
        read_item = _reader(item)

        def read_list(data):
            if not isinstance(data, list):
                raise Mismatch("expected a list")
            return [read_item(v) for v in data]
        return read_list
    if origin is tuple:
        args = typing.get_args(tp)
        varying = bool(args) and args[-1] is Ellipsis
        readers = [_reader(a) for a in (args[:1] if varying else args)]

        def read_tuple(data):
            if not isinstance(data, list) or (args and not varying and len(args) != len(data)):
                raise Mismatch("expected a tuple")
            if varying:
                return tuple(readers[0](v) for v in data)
            return tuple(read(v) for read, v in zip(readers, data))
        return read_tuple
    if origin is dict:
        key_t, val_t = typing.get_args(tp) or (str, typing.Any)
        read_key, read_value = _reader(key_t), _reader(val_t)

        def read_dict(data):
            if not isinstance(data, dict):
                raise Mismatch("expected a mapping")
            return {read_key(k): read_value(v) for k, v in data.items()}
        return read_dict
    if dataclasses.is_dataclass(tp):
        fields: list = []  # (name, reader), filled at the first value: a record type may name itself

        def read_record(data):
            if not isinstance(data, dict):
                raise Mismatch(f"expected a {tp.__name__}")
            if not fields:
                hints = _hints(tp)
                fields.extend((f.name, _reader(hints[f.name])) for f in dataclasses.fields(tp))
            if len(data) != len(fields) or any(name not in data for name, _ in fields):
                raise Mismatch(f"{tp.__name__}: fields differ")
            return tp(**{name: read(data[name]) for name, read in fields})
        return read_record
    if tp is Path:
        def read_path(data):
            if not isinstance(data, str):
                raise Mismatch("expected a path")
            return Path(data)
        return read_path
    if tp is nx.DiGraph:
        read_nodes, read_edges = _reader(list[str]), _reader(list[tuple[str, str, int | None]])

        def read_graph(data):
            if not isinstance(data, dict) or set(data) != {"nodes", "edges"}:
                raise Mismatch("expected a graph")
            graph = nx.DiGraph()
            graph.add_nodes_from(read_nodes(data["nodes"]))
            for a, b, line in read_edges(data["edges"]):
                graph.add_edge(a, b, line=line)
            return graph
        return read_graph
    if tp is bool:
        def read_bool(data):
            if not isinstance(data, bool):
                raise Mismatch("expected true or false")
            return data
        return read_bool
    if tp is int:
        def read_int(data):
            if not isinstance(data, int) or isinstance(data, bool):
                raise Mismatch("expected an integer")
            return data
        return read_int
    if tp is float:
        def read_float(data):
            if not isinstance(data, (int, float)) or isinstance(data, bool):
                raise Mismatch("expected a number")
            return float(data)
        return read_float
    if tp is str:
        def read_str(data):
            if not isinstance(data, str):
                raise Mismatch("expected a string")
            return data
        return read_str
    if tp is type(None):
        def read_none(data):
            if data is not None:
                raise Mismatch("expected null")
            return None
        return read_none

    def no_reader(_data):
        raise Mismatch(f"no reader for {tp}")
    return no_reader
