"""All YAML qtcheck reads goes through here: safe loading, with limits checked before any node is built.

Claims and rule files are untrusted. libyaml's composer and PyYAML's constructor recurse once per nesting level
(100,000 levels: a RecursionError or a crash in C), and aliases of aliases (a "billion laughs" of a few hundred
bytes) expand to billions of nodes once the schema check walks them. So the text is first read as a stream of
parser events, which libyaml produces without recursion: nesting deeper than MAX_DEPTH or a document that
would expand (aliases counted at their full size) to more than MAX_NODES nodes is refused with one line, and only
then is the document loaded.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import files
from .errors import QtcheckError, short

MAX_DEPTH = 100        # nesting of mappings and sequences; qtcheck's own files use under 10
MAX_NODES = 200_000    # nodes after expanding every alias; the largest seed claims file has about 500
MAX_FILE_BYTES = 16 * 1024 * 1024


class YamlLimit(Exception):
    """A document over a limit; the message says which."""


_LIB: dict = {}


def _yaml() -> dict:
    """PyYAML, its safe loader (libyaml's C one when available) and qtcheck's loader on it, imported at the first
    YAML read: a run whose rules come from the cache and that reads no claims or config reads no YAML (a tenth of
    its imports)."""
    if _LIB:
        return _LIB
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(safe):
        """The safe loader, whose value constructors' own errors become YAML errors with the value's line.

        PyYAML makes `!!float .`, `!!int x`, `!!bool maybe`, `!!timestamp 2020-02-30` or a plain integer of 5,000
        digits with float(), int() or datetime and lets their ValueError, KeyError or AttributeError out."""

        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError) as exc:
                tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
                value = node.value if isinstance(node.value, str) else "..."
                why = f" ({short(str(exc), 80)})" if isinstance(exc, (ValueError, OverflowError)) else ""
                problem = f"{short(tag, 40)} value '{short(value, 40)}' cannot be read{why}"
                raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    _LIB.update(yaml=yaml, safe=safe, loader=Loader)
    return _LIB


class NotJsonShaped(ValueError):
    """A value (or key) of a loaded document that JSON has no form for; the message names its key."""


def check_limits(text: str) -> None:
    """Raise YamlLimit when the document nests deeper than MAX_DEPTH, expands to over MAX_NODES nodes or holds
    itself through an alias; yaml.YAMLError when it is malformed. Reads parser events only: no recursion, no
    expansion."""
    yaml = _yaml()["yaml"]
    sizes: dict[str, int] = {}         # anchor -> expanded size of its node
    stack: list[tuple] = []            # open collections: (anchor, count when it opened)
    count = 0                          # nodes so far, every alias at its expanded size
    loader = _yaml()["safe"](text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlLimit(f"nests deeper than {MAX_DEPTH} levels (line {event.start_mark.line + 1}; "
                                    f"the YAML nesting limit)")
                stack.append((event.anchor, count))
                count += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, opened = stack.pop()
                if anchor is not None:
                    sizes[anchor] = count - opened
            elif isinstance(event, yaml.ScalarEvent):
                count += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in stack):
                    raise YamlLimit(f"holds itself through the alias *{event.anchor:.40} "
                                    f"(line {event.start_mark.line + 1})")
                count += sizes.get(event.anchor, 0)  # an undefined alias: the loader below says so
            if count > MAX_NODES:
                raise YamlLimit(f"expands to over {MAX_NODES} nodes (aliases counted at their full size; "
                                f"the YAML size limit)")
    finally:
        loader.dispose()


def safe_load(text: str):
    """yaml.safe_load after check_limits, on libyaml's C loader when available."""
    check_limits(text)
    loader = _yaml()["loader"](text)  # what yaml.safe_load does, with the C loader
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_text(path: Path, what: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most max_bytes, read without ever blocking on a FIFO or a device."""
    try:
        data = files.read_bounded(path, max_bytes)
    except files.NotRegular as exc:
        raise QtcheckError(f"{path}: {exc}; a {what} must be one") from None
    except OSError as exc:
        raise QtcheckError(f"{path}: cannot read {what} ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise QtcheckError(f"{path}: {what} is over the limit of {max_bytes} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QtcheckError(f"{path}: {what} is not UTF-8 (byte {exc.start})") from None


YAML_ONLY = {"date": "a YAML timestamp", "datetime": "a YAML timestamp", "bytes": "YAML binary data (!!binary)",
             "set": "a YAML set (!!set)", "tuple": "a YAML pair"}


def _what(value) -> str | None:
    """None for a value JSON has (string, finite number, true/false, null, list, mapping); else what it is."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if value is None or isinstance(value, (str, bool, int, float, list, dict)):
        return None
    shown = str(value) if type(value).__name__ in ("date", "datetime") else repr(value)
    return f"{short(shown)} is {YAML_ONLY.get(type(value).__name__, 'a ' + type(value).__name__)}"


def check_json_shaped(data) -> None:
    """Raise NotJsonShaped naming the first value (or mapping key) that has no JSON form: a timestamp, binary data,
    a set, NaN or infinity, a key that is not a string. qtcheck's YAML is read as JSON data (the schemas are JSON
    schemas, and values reach the JSON and SARIF reports). Iterative: the document is already within the limits."""
    stack = [((), data)]
    while stack:
        where, value = stack.pop()
        key = short(".".join(map(str, where))) or "(top)"
        problem = _what(value)
        if problem:
            raise NotJsonShaped(f"key '{key}': {problem}, where qtcheck takes only strings, numbers, true/false, "
                                f"null, lists and mappings (quote it to make it a string)")
        if isinstance(value, dict):
            odd = next((k for k in value if not isinstance(k, str)), None)
            if odd is not None or None in value:
                kind = {"NoneType": "null", "bool": "true or false", "int": "a number", "float": "a number"}.get(
                    type(odd).__name__, type(odd).__name__)
                raise NotJsonShaped(f"key '{short('.'.join(map(str, where + (odd,))))}': a mapping key that is {kind}, "
                                    f"not a string (quote it)")
            stack += reversed([(where + (k,), item) for k, item in value.items()])  # in document order
        elif isinstance(value, list):
            stack += reversed([(where + (i,), item) for i, item in enumerate(value)])


def load_file(path: Path, what: str):
    """The JSON-shaped data of a YAML file, or one line saying why it is refused (never an echo of its content)."""
    text = read_text(path, what)
    yaml = _yaml()["yaml"]
    try:
        data = safe_load(text)
        check_json_shaped(data)
        return data
    except YamlLimit as exc:
        raise QtcheckError(f"{path}: {what} {exc}") from None
    except NotJsonShaped as exc:
        raise QtcheckError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        raise QtcheckError(f"{path}: malformed YAML{f' at line {mark.line + 1}' if mark else ''}"
                           f"{f': {short(problem)}' if problem else ''}") from None
    except RecursionError:  # a limit above should make this impossible; one line all the same
        raise QtcheckError(f"{path}: {what} nested too deeply to read") from None
