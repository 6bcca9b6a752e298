"""Fuzzing: mutated reviews, claims YAML and rule YAML through qtcheck; no crash and no hang (issue #15).

Usage: .venv/bin/python bench/fuzz.py [--minutes N] [--seed S] [--out DIR] [--budget SECONDS] [--cli-share F]

The contract: bad input gets one line on stderr (`qtcheck: ...`) and exit status 2, good input a report and
exit status 0 or 1. A crash is a traceback, an `internal error`, an exit status other than 0, 1 and 2, a signal,
a refusal that is not one line, or a report with anything on stderr; a hang is a run over --budget seconds (30 for
an input up to 256 KiB, in proportion more for a larger one: a review at the 1 MiB limit gets about 2 minutes).

Seeds, read at run time: tests/reviews/own/*.md, ../shared/review-bench/*/r*_*.{txt,md}, seeds/*.yaml and
rules/*.yaml (a rule under a new id, so that --rules adds it). Each case mutates one seed one to four times
(characters and bytes, lines, splices, huge numbers, long lines, deep nesting, YAML anchors/aliases/tags/escapes,
unicode, Markdown and code-fence soup, YAML values changed in type, keys dropped or added, another matcher with
some of its params, regex metacharacters in rule patterns; and, for a good share of the YAML cases, only values
the schema accepts, so that the code after the schema check is reached) and runs it:

* in-process, in a forked child per case: `cli.main` itself with the C++ fixture's facts parsed once up front
  (only the parse is skipped), QTCHECK_DEBUG=1 so an internal error shows its traceback, SIGALRM at the budget
  and the parent killing the child a little later (a hang inside C code);
* now and then (--cli-share of the time) through the installed `qtcheck` command in a subprocess.

Failing inputs go to --out (default: a new temporary folder), minimised when a crash reproduces in-process, with
a note of the command that shows it. Nothing is written in the checkout.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import io
import json
import os
import random
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent  # qtcheck is imported as installed (make install), never from checker/

from qtcheck import cli, frontend, rules as rules_mod, yamlio  # noqa: E402
from qtcheck.claims import CLAIMS_SCHEMA, SUBJECT_KINDS  # noqa: E402
from qtcheck.matchers import MATCHERS  # noqa: E402

EXAMPLE = ROOT / "fixtures" / "example" / "tst_localsocket_bench.cpp"
QTCHECK = Path(sys.executable).parent / "qtcheck"
KINDS = ("review", "claims", "rules")
FORMATS = ("text", "json", "markdown", "sarif")

# ---------------------------------------------------------------- seeds


def load_seeds() -> dict[str, list[tuple[str, str]]]:
    """(name, text) per kind, read now from the checkout and the shared review benchmark."""
    bench = ROOT.parent / "shared" / "review-bench"
    reviews = sorted((ROOT / "tests" / "reviews" / "own").glob("*.md"))
    reviews += sorted(p for p in bench.glob("*/r*_*") if p.suffix in (".txt", ".md"))
    found = {"review": reviews, "claims": sorted((ROOT / "seeds").glob("*.yaml")),
             "rules": sorted((ROOT / "rules").glob("*.yaml"))}
    if not (bench.is_dir()):
        print(f"fuzz: {bench} not found: the review benchmark's reviews are not among the seeds", file=sys.stderr)
    return {kind: [(str(p.relative_to(ROOT.parent)), p.read_text(encoding="utf-8")) for p in paths]
            for kind, paths in found.items()}


# ---------------------------------------------------------------- mutations

UNICODE = ["\u202e", "\u202d", "\u200f", "\u200b", "\ufeff", "e\u0301\u0301\u0301\u0301", "\u2028", "\u2029",
           "\x85", "\U0001f600", "\u4e2d\u6587", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\x7f", "\t", "\r",
           "\r\n", "\ufffd", "\U0010ffff", "\u0130", "\u00df", "\ufb01", "\u00a0", "\u3000", "\u0301"]
CONTROL = ["\x00", "\x1b[31m", "\f", "\v", "\x08", "\x01"]  # refused in a review: rarely inserted
YAML_ESCAPES = [r"\ud800", r"\udfff", r"\ud83d", r"\0", r"\x85", r"\u2028", r"\e", r"\U0010ffff", r"\N", r"\_",
                r"\a", r"\x00", r"\uFEFF"]
MARKDOWN = ["```", "```cpp\n", "\n```\n", "`", "``", "**", "__", "*", "_", "# ", "###### ", "> ", ">>>>> ",
            "| a | b |\n", "|---|---|\n", "| `x` |", "- ", "* ", "+ ", "1. ", "1) ", "\u2022 ", "    ",
            "[link](http://x)", "<b>", "</b>", "<!--", "-->", "---\n", "***", "~~~", "\\", "&amp;", "Line ", "L",
            "lines ", ":", ";", "(", ")", "CWE-", "`QFile::open()`", "`server->listen()`", "Q_OBJECT", "**Issue:** ",
            "file.cpp:", "\n\n", " - "]
CLAIM_BITS = ["The result of `server->listen()` is not checked.", "Line 73: `QLocalSocket` leaks.",
              "lines 1-99999999999999999999", "Lines -5 to 3", "L0", "tst_localsocket_bench.cpp:999999999 -",
              "CWE-703", "CWE-99999999999999999999", "No issues found.", "`QCOMPARE` is unused.",
              "Q_OBJECT is missing in `SocketFactory`.", "The lambda connected to `readyRead` has no context object.",
              "`operator()`", "`~Foo()`", "`::`", "`a::b::c::d::e()`", "`->`", "``", "`" + "x" * 300 + "`",
              "is not thread-safe", "however, it is fine", "never", "doesn't", "There is no problem with `wait()`.",
              "already included in `QObject`", "`#include <QFile>` is unused", "e.g.", "i.e.", "etc.", "vs."]
REGEX_META = ["(", ")", "[", "]", "{", "}", "{1000}", "{99999}", "*", "+", "?", "*?", "|", "^", "$", "\\", "\\1",
              "(?<=x)", "(?P<n>a)", "(?i)", "\\p{L}", "\\Q", "[^]", "(a+)+", ".*.*.*", "\\w{1000}", "[\\x00-\\xff]",
              "(?:", "\\b", "\\", "[[:alpha:]]", "\\pN", "(?#x)", "(?P=n)", "\\z", "\\Z", "a{,5}", "\\x{110000}"]
YAML_TAGS = ["!!binary AAAA", "!!timestamp 2001-12-14", "!!float .nan", "!!float .inf", "!!set {a, b}",
             "!!omap [a: 1]", "!!python/object:os.system", "!custom x", "!!str", "!!int 0x1F", "!!null", "!!bool yes",
             "!<tag:yaml.org,2002:str> x", "!!merge <<", "2020-01-01", "2001-12-14t21:59:43.10-05:00", "0o17", "0x_1",
             "1_000", "1e400", "-.inf", ".NaN", "yes", "No", "off", "~", "null", "'", '"', "|", ">", "? ", "- ", ": "]


def odd_scalar(rng: random.Random):
    return rng.choice([
        None, True, False, 0, -1, 2 ** 64, -(10 ** 40), 1.5, float("inf"), float("nan"), "", " ", "x" * 5000,
        rng.choice(UNICODE) * 3, "\ud800", "\udfff" + "ab", "a\x00b", "$via", "present", "absent", "CWE-",
        "CWE-1", "(unclosed", "*", "&", "%s%n{0}", "\\", "'\"", "~", "yes", "<<", "Q_OBJECT", "QFile::open",
        "unchecked-result", "tst_localsocket_bench.cpp", datetime.date(2020, 1, 1),
        datetime.datetime(2020, 1, 1, 12, 0), b"\x00\xff", 10 ** 30, -0.0,
    ])


def odd_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return odd_scalar(rng)
    if roll < 0.8:
        return [odd_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEY_VOCAB + [1, None, True, "x"]): odd_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _schema_keys(schema, out: set) -> set:
    if isinstance(schema, dict):
        out.update(k for k in schema.get("properties", {}) if isinstance(k, str))
        for value in schema.values():
            _schema_keys(value, out)
    elif isinstance(schema, list):
        for value in schema:
            _schema_keys(value, out)
    return out


RULE_IDS = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
KEY_VOCAB = sorted(_schema_keys([CLAIMS_SCHEMA, rules_mod.RULE_SCHEMA, [m.params for m in MATCHERS.values()]], set())
                   | set(SUBJECT_KINDS) | {"present", "used", "forever", "default", "sign_conversion", "needed",
                                           "reached_from", "threads_started", "early_exit"})


def _nodes(data):
    """(container, key) of every value in a loaded YAML document."""
    if isinstance(data, dict):
        for key, value in list(data.items()):
            yield data, key
            yield from _nodes(value)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield data, i
            yield from _nodes(value)


def retype(rng: random.Random, value):
    """The same value as another YAML type: list <-> str <-> int <-> null <-> dict."""
    if isinstance(value, list):
        return rng.choice([", ".join(map(str, value)), len(value), None, {str(v): v for v in value[:3]},
                           value[0] if value else []])
    if isinstance(value, dict):
        return rng.choice([list(value), list(value.values()), str(value), None, len(value)])
    if isinstance(value, str):
        return rng.choice([[value], {value: value}, len(value), None, value.split(), True])
    if isinstance(value, bool):
        return rng.choice([str(value).lower(), int(value), [value], None])
    if isinstance(value, int):
        return rng.choice([str(value), [value], value * 10 ** 30, -value, float(value), None])
    return rng.choice(["", [], {}, 0, "null"])


def tree_mutate(rng: random.Random, text: str) -> str:
    """Load the YAML, change one value's type or content, drop or add a key, dump again."""
    data = yamlio.safe_load(text)  # limits first: deep nesting would crash libyaml in C
    nodes = list(_nodes(data))
    for _ in range(rng.randint(1, 3)):
        if not nodes:
            break
        container, key = rng.choice(nodes)
        if key not in container if isinstance(container, dict) else key >= len(container):
            continue  # dropped by an earlier change
        op = rng.choice(["retype", "odd", "drop", "add", "dup", "empty", "meta", "swap"])
        current = container[key]
        if op == "retype":
            container[key] = retype(rng, current)
        elif op == "odd":
            container[key] = odd_value(rng)
        elif op == "drop":
            del container[key]
            nodes = list(_nodes(data))
        elif op == "add":
            target = current if isinstance(current, (dict, list)) else container
            if isinstance(target, dict):
                target[rng.choice(KEY_VOCAB)] = odd_value(rng) if rng.random() < 0.5 else copy.deepcopy(current)
            else:
                target.insert(rng.randint(0, len(target)), odd_value(rng))
            nodes = list(_nodes(data))
        elif op == "dup" and isinstance(current, list) and current:
            current.extend(copy.deepcopy(current) * rng.choice([1, 5, 100]))
        elif op == "empty":
            container[key] = type(current)() if isinstance(current, (list, dict, str)) else None
        elif op == "meta" and isinstance(current, str):
            pos = rng.randint(0, len(current))
            junk = "".join(rng.choices(REGEX_META + UNICODE, k=rng.randint(1, 4)))
            container[key] = current[:pos] + junk + current[pos:]
        elif op == "swap":
            other_container, other_key = rng.choice(nodes)
            try:
                container[key] = copy.deepcopy(other_container[other_key])
            except (KeyError, IndexError):
                pass
    return yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False,
                          default_flow_style=rng.choice([False, None, True]), width=rng.choice([80, 10 ** 6]))


NAMES = ["QLocalServer", "QLocalSocket", "server->listen", "listen", "QFile::open", "open", "SocketFactory",
         "tst_QLocalSocket", "m_socketPool", "readyRead", "QIODevice::readyRead", "Q_OBJECT", "QCOMPARE", "run",
         "ServerThread::run", "ServerThread", "QThread", "waitForConnected", "QMutex", "QMetaType", "connect", "this",
         "socket", "<QtNetwork>", "QtCore/QFile", "~SocketFactory", "operator=", "main", "x", ""]


def odd_string(rng: random.Random, min_length: int = 0) -> str:
    """A string a schema accepts, chosen to be awkward: code names of the fixture, rule ids, unicode, regex."""
    text = rng.choice([
        lambda: rng.choice(NAMES), lambda: rng.choice(NAMES) + rng.choice(NAMES), lambda: rng.choice(sorted(MATCHERS)),
        lambda: rng.choice(RULE_IDS), lambda: rng.choice(SUBJECT_KINDS), lambda: rng.choice(KEY_VOCAB),
        lambda: rng.choice(UNICODE) * rng.randint(1, 3), lambda: "".join(rng.choices(REGEX_META, k=3)),
        lambda: rng.choice(CLAIM_BITS), lambda: "x" * rng.choice([1, 4001, 100_000]), lambda: "$via",
        lambda: " ", lambda: "\n\n", lambda: "a\x00b", lambda: "",
    ])()
    return text if len(text) >= min_length else text + "x" * min_length


def from_schema(rng: random.Random, schema: dict, depth: int = 0):
    """A value that passes the JSON schema (mostly), with awkward content."""
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            return "CWE-" + rng.choice(["0", "1", "703", "9" * 30, "0" * 5])
        return odd_string(rng, schema.get("minLength", 0))
    if kind == "integer":
        return rng.choice([0, -1, 1, 6, 73, 10 ** 9, -(10 ** 18), 2 ** 63, 10 ** 30])
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "array":
        count = rng.choice([0, 1, 1, 2, 5, 200]) if depth < 3 else 0
        return [from_schema(rng, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = list(schema.get("required", []))
        if "oneOf" in schema:
            required += rng.choice(schema["oneOf"]).get("required", [])
        out = {}
        for key, sub in props.items():
            if key in required or rng.random() < 0.3:
                out[key] = from_schema(rng, sub, depth + 1)
        extra = schema.get("additionalProperties", True)
        if not props and depth < 4:
            for _ in range(rng.choice([0, 1, 2, 3])):
                key = rng.choice(KEY_VOCAB + [odd_string(rng)])
                out[key] = from_schema(rng, extra, depth + 1) if isinstance(extra, dict) else odd_value(rng, depth)
        return out
    return odd_value(rng, depth)


def _schema_slots(data, schema: dict, out: list) -> list:
    """(container, key, schema) of every value the schema describes, present or an optional key left out."""
    if isinstance(data, dict) and isinstance(schema, dict):
        props = schema.get("properties", {})
        for key, sub in props.items():
            out.append((data, key, sub))
            if key in data:
                _schema_slots(data[key], sub, out)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key in data:
                if key not in props:
                    out.append((data, key, extra))
                    _schema_slots(data[key], extra, out)
    elif isinstance(data, list) and isinstance(schema, dict) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            out.append((data, i, schema["items"]))
            _schema_slots(value, schema["items"], out)
    return out


def conform(rng: random.Random, text: str) -> str:
    """Replace or add one value with another the schema accepts: reaches the code after the schema check."""
    data = yamlio.safe_load(text)
    if not isinstance(data, dict):
        return text
    if "matcher" in data:
        schema = copy.deepcopy(rules_mod.RULE_SCHEMA)
        name = data["matcher"].get("name") if isinstance(data["matcher"], dict) else None
        if name in MATCHERS:
            schema["properties"]["matcher"]["properties"]["params"] = {
                "type": "object", "properties": MATCHERS[name].params, "required": list(MATCHERS[name].required)}
    else:
        schema = CLAIMS_SCHEMA
    for _ in range(rng.choice([1, 1, 2, 4])):
        slots = _schema_slots(data, schema, [])
        if not slots:
            break
        container, key, sub = rng.choice(slots)
        if isinstance(container, dict) or key < len(container):
            container[key] = from_schema(rng, sub)
    return yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False, width=10 ** 6)


def matcher_swap(rng: random.Random, text: str) -> str:
    """Another matcher's name, its params dropped, kept, or some of the new matcher's params (missing keys)."""
    data = yamlio.safe_load(text)  # limits first: deep nesting would crash libyaml in C
    if not isinstance(data, dict):
        return text
    name = rng.choice(sorted(MATCHERS))
    params = {}
    keys = sorted(MATCHERS[name].params)
    for key in rng.sample(keys, rng.randint(0, len(keys))):
        schema = MATCHERS[name].params[key]
        params[key] = {"array": lambda: [rng.choice(["QFile::open", "wait", "", "x" * 300, "(a+)+$", "\u202e"])
                                        for _ in range(rng.randint(0, 3))],
                       "boolean": lambda: rng.random() < 0.5, "integer": lambda: rng.choice([0, -1, 6, 10 ** 20]),
                       "object": lambda: rng.choice([{}, {"QFile": ["exists"]}, {"make": "parent"}, {"x": []}])
                       }.get(schema.get("type"), lambda: odd_value(rng))()
    data["matcher"] = {"name": name, **({"params": params} if params or rng.random() < 0.5 else {})}
    return yaml.safe_dump(data, sort_keys=False)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def char_flip(rng, text, ctx):
    if not text:
        return rng.choice(UNICODE)
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice([chr(rng.randint(0, 0x7f)), chr(rng.randint(0x80, 0x2fff)), rng.choice(UNICODE),
                               rng.choice(MARKDOWN), "", chars[i] * 2])
    return "".join(chars)


def insert_line(rng, text, ctx):
    lines = _lines(text)
    pool = ctx["pool"]
    line = rng.choice([rng.choice(_lines(rng.choice(pool))), rng.choice(CLAIM_BITS), rng.choice(MARKDOWN),
                       rng.choice(YAML_TAGS), "".join(rng.choices(MARKDOWN + UNICODE + CLAIM_BITS, k=6))])
    lines.insert(rng.randint(0, len(lines)), line)
    return "\n".join(lines)


def delete_lines(rng, text, ctx):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    del lines[i:i + rng.choice([1, 1, 2, 5, 20])]
    return "\n".join(lines)


def duplicate_lines(rng, text, ctx):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    chunk = lines[i:i + rng.choice([1, 3, 10])]
    lines[i:i] = chunk * rng.choice([1, 2, 50, 500])
    return "\n".join(lines)


def swap_lines(rng, text, ctx):
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def indent(rng, text, ctx):
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines[i] = rng.choice([" ", "  ", "\t", " " * 40, ""]) + (lines[i].lstrip() if rng.random() < 0.5 else lines[i])
    return "\n".join(lines)


def splice(rng, text, ctx):
    other = rng.choice(ctx["pool"] + ctx["other_pool"])
    a, b = rng.randint(0, len(text)), rng.randint(0, len(other))
    if rng.random() < 0.5:  # at line boundaries
        la, lb = _lines(text), _lines(other)
        return "\n".join(la[:rng.randint(0, len(la))] + lb[rng.randint(0, len(lb)):])
    return text[:a] + other[b:]


def huge_number(rng, text, ctx):
    big = rng.choice(["9" * rng.choice([10, 19, 20, 309, 4300, 5000]), "-1", "-0", "0", "1e400", "0x7fffffffffffffff",
                      "18446744073709551616", "\u0663\u0663", "\uff11\uff12", "\u2212" + "7", "1_000", ".5", "nan"])
    spots = [m.span() for m in re.finditer(r"\d+", text)]
    if spots and rng.random() < 0.7:
        a, b = rng.choice(spots)
        return text[:a] + big + text[b:]
    pos = rng.randint(0, len(text))
    return text[:pos] + rng.choice(["Line ", "lines 1-", "L", "line ", "CWE-", ":", " "]) + big + " " + text[pos:]


def long_line(rng, text, ctx):
    n = rng.choice([4001, 10_000, 100_000, 300_000])
    unit = rng.choice(["x", "a_", "`a`", "`listen()` is unchecked, but ", "((((", "[", "{", "- ", "**", "\\", "e\u0301",
                       "\u202e", " ", "Line 9 ", "CWE-1 ", "a::", "Q_", "`QFile::open` ", ": ", "| x ", "\t", "1. "])
    line = (unit * (n // len(unit) + 1))[:n]
    lines = _lines(text)
    lines.insert(rng.randint(0, len(lines)), line)
    return "\n".join(lines)


def deep_nesting_review(rng, text, ctx):
    n = rng.choice([50, 500, 3000])
    shape = rng.choice(["list", "quote", "fence", "parens", "emph", "ticks"])
    block = {"list": "".join("  " * i + "- item `f()` is not checked\n" for i in range(n)),
             "quote": ">" * n + " The result of `open()` is ignored.\n",
             "fence": "```\n" * n,
             "parens": "(" * n + "`open()`" + ")" * n + " is unchecked.\n",
             "emph": "**" * n + "Issue" + "**" * n + ": leak\n",
             "ticks": "`" * n + "x" + "`" * n + "\n"}[shape]
    pos = rng.randint(0, len(text))
    return text[:pos] + "\n" + block + text[pos:]


def markdown_soup(rng, text, ctx):
    soup = "".join(rng.choices(MARKDOWN + CLAIM_BITS + UNICODE, k=rng.randint(5, 60)))
    pos = rng.randint(0, len(text))
    return text[:pos] + soup + text[pos:]


def unicode_insert(rng, text, ctx):
    chars = list(text)
    pool = UNICODE + CONTROL if rng.random() < 0.1 else UNICODE
    for _ in range(rng.randint(1, 10)):
        chars.insert(rng.randint(0, len(chars)), rng.choice(pool) * rng.choice([1, 1, 3, 100]))
    return "".join(chars)


def truncate(rng, text, ctx):
    return text[:rng.randint(0, len(text))]


def yaml_deep(rng, text, ctx):
    n = rng.choice([5, 50, 98, 99, 100, 101, 500, 10_000])
    value = rng.choice(["[" * n + "x" + "]" * n, "{a: " * n + "1" + "}" * n, "[" * n, "- " * n + "x"])
    return _replace_value(rng, text, value)


def _replace_value(rng, text, value) -> str:
    lines = _lines(text)
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*(?:- )?[\w-]+:\s*\S", line)]
    if not spots:
        return text + "\n" + value
    i = rng.choice(spots)
    lines[i] = re.sub(r":\s*\S.*$", lambda _m: ": " + value, lines[i], count=1)
    return "\n".join(lines)


def yaml_anchors(rng, text, ctx):
    lines = _lines(text)
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*(?:- )?[\w-]+:\s*\S", line)]
    if len(spots) < 2:
        return text
    a, b = rng.choice(spots), rng.choice(spots)
    name = rng.choice(["a", "x" * 200, "\u00e9", "1"])
    lines[a] = re.sub(r":\s*", f": &{name} ", lines[a], count=1)
    choice = rng.random()
    if choice < 0.5:
        lines[b] = re.sub(r":\s*\S.*$", f": *{name}", lines[b], count=1)
    elif choice < 0.7:
        lines[b] = re.sub(r":\s*\S.*$", f": *undefined", lines[b], count=1)
    else:
        pad = re.match(r"^\s*(?:- )?", lines[b]).group(0).replace("-", " ")
        lines.insert(b, f"{pad}<<: *{name}")
    return "\n".join(lines)


def yaml_tags(rng, text, ctx):
    return _replace_value(rng, text, rng.choice(YAML_TAGS))


def yaml_escapes(rng, text, ctx):
    value = '"' + "".join(rng.choices(YAML_ESCAPES + ["a", " ", "QFile::open"], k=rng.randint(1, 6))) + '"'
    return _replace_value(rng, text, value)


def yaml_structure(rng, text, ctx):
    return rng.choice([
        lambda: "%YAML 1.1\n---\n" + text, lambda: text + "\n---\n" + text, lambda: "\ufeff" + text,
        lambda: text.replace("  ", "\t", 1), lambda: "--- !!map\n" + text, lambda: text + "\n...\n",
        lambda: "? [a, b]\n: c\n" + text, lambda: "[" + text + "]", lambda: "- " + text.replace("\n", "\n  "),
        lambda: text.replace(": ", ":", 1), lambda: "%TAG ! tag:x,2000:\n---\n" + text,
    ])()


def tree(rng, text, ctx):
    return tree_mutate(rng, text)


def regex_meta(rng, text, ctx):
    """Regex metacharacters in a rule's patterns and phrases (`exempt`, `phrases`, ...)."""
    lines = _lines(text)
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*- ", line) or "[" in line]
    if not spots:
        return text
    i = rng.choice(spots)
    junk = "".join(rng.choices(REGEX_META, k=rng.randint(1, 5)))
    quoted = "'" + junk.replace("'", "''") + "'"
    if re.match(r"^\s*- ", lines[i]):
        lines[i] = re.sub(r"^(\s*- ).*$", lambda m: m.group(1) + quoted, lines[i])
    else:
        lines[i] = lines[i].replace("[", "[" + quoted + ", ", 1)
    return "\n".join(lines)


def swap_matcher(rng, text, ctx):
    return matcher_swap(rng, text)


def schema_value(rng, text, ctx):
    return conform(rng, text)


COMMON = [char_flip, insert_line, delete_lines, duplicate_lines, swap_lines, splice, huge_number, long_line,
          unicode_insert, truncate, indent]
MUTATORS = {
    "review": COMMON + [markdown_soup, markdown_soup, deep_nesting_review, deep_nesting_review, insert_line],
    "claims": COMMON + [schema_value] * 12 + [tree] * 4 + [yaml_deep, yaml_anchors, yaml_anchors, yaml_tags,
                                                          yaml_escapes, yaml_structure],
    "rules": COMMON + [schema_value] * 12 + [tree] * 4 + [yaml_deep, yaml_anchors, yaml_tags, yaml_escapes,
                                                         yaml_structure, regex_meta, regex_meta, swap_matcher,
                                                         swap_matcher],
}


def to_bytes(rng: random.Random, kind: str, text: str) -> tuple[bytes, str]:
    """The file's bytes: UTF-8 mostly; for reviews also UTF-16, cp1252 and broken bytes."""
    data = text.encode("utf-8", "surrogatepass")
    roll = rng.random()
    if kind == "review" and roll < 0.1:
        encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "utf-8-sig"])
        try:
            return text.encode(encoding), encoding
        except UnicodeError:
            return data, "utf-8"
    if roll < (0.15 if kind == "review" else 0.04):
        raw = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            if raw:
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return bytes(raw), "bytes flipped"
    return data, "utf-8"


def rename_rule(text: str) -> str:
    """A built-in rule under a new id, so the --rules folder adds it instead of repeating its id."""
    return re.sub(r"^id:\s*([a-z][a-z0-9-]*)", r"id: fuzz-\1", text, count=1, flags=re.M)


@dataclass
class Case:
    kind: str
    seed_name: str
    mutations: list[str]
    data: bytes
    encoding: str
    args: list[str] = field(default_factory=list)  # options besides the mutated file's and the formats
    formats: list[str] = field(default_factory=lambda: ["text"])  # the first on stdout, the others to files


def make_case(rng: random.Random, kind: str, seeds: dict) -> Case:
    name, text = rng.choice(seeds[kind])
    if kind == "rules" and rng.random() < 0.95:
        text = rename_rule(text)
    ctx = {"pool": [t for _, t in seeds[kind]],
           "other_pool": [t for k in KINDS if k != kind for _, t in seeds[k]]}
    names = []
    if kind != "review" and rng.random() < 0.4:  # values the schema accepts only: the code after the schema check
        chain = [schema_value] * rng.randint(1, 3)
    else:
        chain = [rng.choice(MUTATORS[kind]) for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4]))]
    for mutate in chain:
        try:
            text = mutate(rng, text, ctx)
        except (yaml.YAMLError, RecursionError, TypeError, ValueError):  # the fuzzer's own YAML reading or writing
            continue
        names.append(mutate.__name__)
    data, encoding = to_bytes(rng, kind, text)
    if len(data) > 1_000_000:  # the review limit; YAML this large only costs time
        data = data[:1_000_000]
    formats = rng.sample(FORMATS, rng.randint(1, len(FORMATS)))
    args = []
    if rng.random() < 0.3:
        args.append("-v")
    if rng.random() < 0.3:
        args += ["--fail-on", rng.choice(["finding", "refuted,unverifiable", "confirmed,partly"])]
    if kind != "claims" and rng.random() < 0.5:
        args += ["--claims", str(ROOT / "seeds")]
    if kind != "review" and rng.random() < 0.6:
        args += ["--review", str(ROOT.parent / rng.choice(seeds["review"])[0])]
    return Case(kind, name, names, data, encoding, args, formats)


def case_argv(case: Case, folder: Path) -> list[str]:
    """The command line of a case, its mutated file written into folder."""
    if case.kind == "review":
        target = folder / "review.md"
        option = ["--review", str(target)]
    elif case.kind == "claims":
        target = folder / "claims.yaml"
        option = ["--claims", str(target)]
    else:
        (folder / "rules").mkdir(exist_ok=True)
        target = folder / "rules" / "rule.yaml"
        option = ["--rules", str(folder / "rules")]
    target.write_bytes(case.data)
    first, *others = case.formats
    reports = [a for fmt in others for a in ("--format", fmt, "--output", str(folder / f"report.{fmt}"))]
    return [str(EXAMPLE), *option, *case.args, "--format", first, *reports]


# ---------------------------------------------------------------- running


class Hang(BaseException):
    """The per-case time budget ran out (raised by SIGALRM in the child)."""


FACTS = None
_real_load_rule = rules_mod.load_rule
_builtin_rules: dict = {}


def _cached_load_rule(path: Path, validate: bool = True):
    """The built-in rule files never change during a run: load each once (the mutated one every time)."""
    if path.parent == rules_mod.builtin_rules_dir():
        if path not in _builtin_rules:
            _builtin_rules[path] = _real_load_rule(path, validate=validate)
        return copy.deepcopy(_builtin_rules[path])
    return _real_load_rule(path, validate=validate)


def _cached_parse(target: Path, text: str, options) -> tuple:
    """cli._parse_and_collect for the one fixture every case checks: the facts parsed once. Everything after
    the parse (settings, rules, suppressions, claims, reports) is the CLI's own code."""
    return FACTS, []


def prepare() -> None:
    global FACTS
    path = EXAMPLE.resolve()
    FACTS, _ = cli._parse_and_collect(path, path.read_text(encoding="utf-8"), frontend.Options())
    rules_mod.load_rule = _cached_load_rule
    cli._parse_and_collect = _cached_parse
    rules_mod.load_rules()  # fill the cache before the children fork


def contract(status: int | None, out: str, err: str) -> str | None:
    """What breaks the contract in one run's outcome, or None."""
    if status is None:
        return "no exit status"
    if "Traceback" in err or "internal error" in err:
        return "internal error: " + (err.strip().splitlines() or [""])[-1][:300]
    if status < 0:
        return f"killed by signal {-status} ({signal.Signals(-status).name})"
    if status not in (0, 1, 2):
        return f"exit status {status}"
    if status == 2:
        if not err.startswith("qtcheck: ") or err.count("\n") != 1 or not err.endswith("\n"):
            return f"a refusal that is not one line: {err[:300]!r}"
        if out:
            return "a refusal with a report on stdout"
    elif err:
        return f"a report with stderr: {err[:300]!r}"
    elif not out:
        return "a report that is empty"
    return None


def _child(case: Case, folder: Path, budget: float, write_fd: int) -> None:
    """Run cli.main on the case in this forked child; write {status, problem, detail, seconds} to write_fd."""
    result: dict = {}
    start = time.monotonic()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        vm = int(re.search(r"VmSize:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vm + 3 * 1024 ** 3, hard))  # a memory bomb: a MemoryError
        os.environ["QTCHECK_DEBUG"] = "1"  # an unexpected exception propagates, with its traceback
        os.environ["NO_COLOR"] = "1"
        argv = case_argv(case, folder)
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
        stderr = io.StringIO()
        sys.stdout, sys.stderr = stdout, stderr

        def alarm(signum, frame):
            raise Hang()

        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            status = cli.main(argv)
            signal.setitimer(signal.ITIMER_REAL, 0)
            out = stdout.buffer.getvalue().decode("utf-8")
            problem = contract(status, out, stderr.getvalue())
            result = {"status": status, "problem": problem, "detail": stderr.getvalue()[:2000]}
        except Hang:
            result = {"status": None, "problem": "hang", "detail": traceback.format_exc()[-3000:]}
        except BaseException as exc:  # noqa: BLE001 - anything is a finding
            signal.setitimer(signal.ITIMER_REAL, 0)
            tb = traceback.extract_tb(exc.__traceback__)
            inner = next((f for f in reversed(tb) if "/checker/" in f.filename), tb[-1] if tb else None)
            where = f"{Path(inner.filename).name}:{inner.lineno}" if inner else "?"
            result = {"status": None, "problem": f"crash: {type(exc).__name__} at {where}",
                      "detail": traceback.format_exc()[-4000:]}
    except BaseException as exc:  # noqa: BLE001 - the harness itself
        result = {"status": None, "problem": f"harness: {type(exc).__name__}: {exc}", "detail": ""}
    result["seconds"] = time.monotonic() - start
    payload = json.dumps(result).encode()
    view = memoryview(payload)
    while view:
        written = os.write(write_fd, view)
        view = view[written:]


def run_inprocess(case: Case, budget: float) -> dict:
    """The case in a forked child; a child that outlives the budget by 10 s, dies or says nothing is a finding."""
    with tempfile.TemporaryDirectory(prefix="qtcheck-fuzz-case-") as tmp:
        read_fd, write_fd = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_fd)
                _child(case, Path(tmp), budget, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        chunks = []
        deadline = start + budget + 10
        killed = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        os.close(read_fd)
        _, wait_status = os.waitpid(pid, 0)
        seconds = time.monotonic() - start
    if killed:
        return {"status": None, "problem": "hang", "detail": "killed: no answer within the budget + 10 s",
                "seconds": seconds}
    code = os.waitstatus_to_exitcode(wait_status)
    if code != 0 or not chunks:
        what = f"signal {-code}" if code < 0 else f"exit status {code}"
        return {"status": None, "problem": f"crash: the child died ({what})", "detail": "", "seconds": seconds}
    result = json.loads(b"".join(chunks))
    if result.get("problem") != "hang" and result["seconds"] > budget:
        result["problem"] = "hang"
    return result


def run_cli_case(case: Case, budget: float) -> dict:
    """The case through the installed qtcheck command."""
    with tempfile.TemporaryDirectory(prefix="qtcheck-fuzz-cli-") as tmp:
        argv = case_argv(case, Path(tmp))
        start = time.monotonic()
        try:
            proc = subprocess.run([str(QTCHECK), *argv], capture_output=True, timeout=budget, cwd=tmp,
                                  env={**os.environ, "NO_COLOR": "1", "QTCHECK_DEBUG": ""})
        except subprocess.TimeoutExpired:
            return {"status": None, "problem": "hang", "detail": f"over {budget} s",
                    "seconds": time.monotonic() - start}
        seconds = time.monotonic() - start
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    return {"status": proc.returncode, "problem": contract(proc.returncode, out, err), "detail": err[:2000],
            "seconds": seconds}


def budget_for(case: Case, base: float) -> float:
    """base seconds for an input up to 256 KiB, as much again for every 256 KiB more: a review at the 1 MiB
    limit is read in linear time, but not in 30 s."""
    return base * max(1.0, len(case.data) / 262144)


def signature(kind: str, problem: str) -> str:
    return f"{kind}: {re.sub(r'/tmp/[^ :]*', '<tmp>', problem)[:200]}"


def minimise(case: Case, problem: str, budget: float, seconds: float = 60, tries: int = 400) -> Case:
    """Drop chunks of lines, then of characters, while the in-process run fails the same way."""
    want = signature(case.kind, problem)
    deadline = time.monotonic() + seconds
    count = 0

    def same(data: bytes) -> bool:
        nonlocal count
        count += 1
        trial = Case(case.kind, case.seed_name, case.mutations, data, case.encoding, case.args, case.formats)
        got = run_inprocess(trial, budget)
        return got["problem"] is not None and signature(case.kind, got["problem"]) == want

    data = case.data
    for unit in (b"\n", None):
        pieces = data.split(b"\n") if unit else [bytes([b]) for b in data]
        joiner = b"\n" if unit else b""
        size = max(1, len(pieces) // 2)
        while size >= 1 and time.monotonic() < deadline and count < tries:
            i = 0
            while i < len(pieces) and time.monotonic() < deadline and count < tries:
                trial = pieces[:i] + pieces[i + size:]
                if trial and same(joiner.join(trial)):
                    pieces = trial
                else:
                    i += size
            size //= 2
        data = joiner.join(pieces)
        if len(data) > 20_000:  # characters one by one would take too long
            break
    return Case(case.kind, case.seed_name, case.mutations, data, case.encoding, case.args, case.formats)


def save(out: Path, number: int, case: Case, result: dict, how: str, budget: float, minimise_ok: bool) -> Path:
    ext = {"review": ".md", "claims": ".yaml", "rules": ".yaml"}[case.kind]
    small = case
    if minimise_ok and result["problem"].startswith("crash"):
        small = minimise(case, result["problem"], budget)
    stem = out / f"{number:03d}-{case.kind}"
    Path(f"{stem}{ext}").write_bytes(small.data)
    option = {"review": "--review", "claims": "--claims", "rules": "--rules DIR_WITH_IT"}[case.kind]
    Path(f"{stem}.txt").write_text(
        f"problem: {result['problem']}\nfound: {how}, {result['seconds']:.2f} s\nseed file: {case.seed_name}\n"
        f"mutations: {', '.join(case.mutations)} ({case.encoding})\nminimised: {small is not case} "
        f"({len(case.data)} -> {len(small.data)} bytes)\n"
        f"repeat: qtcheck {EXAMPLE.relative_to(ROOT)} {option} {stem.name}{ext} {' '.join(case.args)} "
        f"{' '.join('--format ' + f for f in case.formats)} (all but the first with --output)\n\n"
        f"{result['detail']}\n", encoding="utf-8")
    return Path(f"{stem}{ext}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="how long to run (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    parser.add_argument("--out", default=None, help="folder for failing inputs (default: a new temporary folder)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds a case of up to 256 KiB may take, in proportion more for larger ones "
                             "(default 30)")
    parser.add_argument("--cli-share", type=float, default=0.25,
                        help="share of the time spent running the real qtcheck command (default 0.25)")
    parser.add_argument("--no-minimise", action="store_true", help="save failing inputs as they are")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else int(time.time())
    rng = random.Random(seed)
    out = Path(options.out) if options.out else Path(tempfile.mkdtemp(prefix="qtcheck-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    seeds = load_seeds()
    print(f"fuzz: seed {seed}; {', '.join(f'{len(v)} {k}' for k, v in seeds.items())} seed files; "
          f"budget {options.budget:g} s a case; failing inputs to {out}", flush=True)
    prepare()
    seed_claims = (ROOT.parent / seeds["claims"][0][0]).read_bytes()
    warm = run_cli_case(Case("claims", "warm-up", [], seed_claims, "utf-8", [], ["json"]), 900)  # a cold cache: minutes
    if warm["problem"]:
        print(f"fuzz: the unmutated warm-up run fails: {warm['problem']}", file=sys.stderr)
        return 2

    stats = {how: {k: {"cases": 0, "report": 0, "refused": 0, "crash": 0, "hang": 0, "seconds": 0.0} for k in KINDS}
             for how in ("in-process", "cli")}
    found: dict[str, Path] = {}
    slowest = (0.0, "")
    started = time.monotonic()
    end = started + options.minutes * 60
    cli_seconds = 0.0
    next_progress = started + 60
    while time.monotonic() < end:
        kind = rng.choice(KINDS)
        case = make_case(rng, kind, seeds)
        how = "cli" if cli_seconds < options.cli_share * (time.monotonic() - started) else "in-process"
        budget = budget_for(case, options.budget)
        t0 = time.monotonic()
        result = run_cli_case(case, budget) if how == "cli" else run_inprocess(case, budget)
        if how == "cli":
            cli_seconds += time.monotonic() - t0
        row = stats[how][kind]
        row["cases"] += 1
        row["seconds"] += result["seconds"]
        if time.monotonic() > next_progress:
            next_progress += 60
            done = sum(r["cases"] for k in stats.values() for r in k.values())
            print(f"fuzz: {(time.monotonic() - started) / 60:.0f} min, {done} cases, {len(found)} problem(s)",
                  flush=True)
        if result["seconds"] > slowest[0]:
            slowest = (result["seconds"], f"{how} {kind} case from {case.seed_name} "
                                          f"({', '.join(case.mutations)}; {len(case.data)} bytes)")
        problem = result["problem"]
        if problem is None:
            row["report" if result["status"] in (0, 1) else "refused"] += 1
            continue
        row["hang" if problem == "hang" else "crash"] += 1
        sig = signature(kind, problem)
        if sig not in found:
            found[sig] = save(out, len(found) + 1, case, result, how, budget, not options.no_minimise)
            print(f"fuzz: {problem} ({how}, {kind}) -> {found[sig]}", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(f"\nfuzz: {minutes:.1f} min, seed {seed}, {datetime.date.today().isoformat()}")
    print("| run | kind | cases | report (0/1) | refused (2) | crashes | hangs | mean s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    totals = {"cases": 0, "crash": 0, "hang": 0}
    for how, kinds in stats.items():
        for kind, row in kinds.items():
            mean = row["seconds"] / row["cases"] if row["cases"] else 0.0
            print(f"| {how} | {kind} | {row['cases']} | {row['report']} | {row['refused']} | {row['crash']} | "
                  f"{row['hang']} | {mean:.2f} |")
            for key in totals:
                totals[key] += row[key]
    print(f"total: {totals['cases']} cases, {totals['crash']} crashes, {totals['hang']} hangs; "
          f"{len(found)} distinct problem(s)")
    print(f"slowest case: {slowest[0]:.2f} s, {slowest[1]}")
    for sig, path in found.items():
        print(f"  {sig} -> {path}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
