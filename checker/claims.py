"""Claims: what a review says, as records. Loaded from claims YAML (seeds/) and checked against the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import doccache, yamlio
from .errors import QtcheckError, short
from .rules import Rule

NAMES = {"type": "array", "items": {"type": "string"}}
# text: words the claim quotes from a string of the code; address: an IP address; placeholder: a %N of an arg() format
SUBJECT_KINDS = ["class", "function", "callee", "macro", "variable", "type", "header", "symbol", "signal", "context",
                 "text", "address", "placeholder"]

PART_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["says"],
    "properties": {
        "says": {"type": "string", "minLength": 1},
        "rule": {"type": "string"},
        "rules": NAMES,
        "tags": NAMES,
        "cwe": {"type": "array", "items": {"type": "string", "pattern": r"^CWE-\d+$"}},
        "asserts": {"enum": ["present", "absent"]},
        "subjects": {"type": "object", "additionalProperties": False,
                     "properties": {k: NAMES for k in SUBJECT_KINDS}},
        "lines": {"type": "array", "items": {"type": "integer"}},
        "expects": {"type": "object"},
        "opinion": {"type": "boolean"},
        "why": {"type": "string"},
    },
}
CLAIMS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["review", "claims"],
    "properties": {
        "review": {"type": "string"},
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "quote", "parts"],
                "properties": {
                    "id": {"type": "string"},
                    "quote": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "integer"}},
                    "parts": {"type": "array", "minItems": 1, "items": PART_SCHEMA},
                },
            },
        },
    },
}


@dataclass
class Part:
    says: str
    rules: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    cwe: list[str] = field(default_factory=list)
    asserts: str = "present"
    subjects: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    expects: dict = field(default_factory=dict)
    opinion: bool = False
    why: str = ""
    polarity: str = ""   # defect, fine or unsure: what the review says of the code (empty: from claims YAML)
    reading: str = ""    # the words the polarity was read from
    denied: list[str] = field(default_factory=list)  # names the claim says are absent or unused ("never uses X")
    unplaced: list[str] = field(default_factory=list)  # code the claim names that its rule cannot look up
    words: str = ""      # the review's own words for what it states of the code ("never given an initial value")
    maybe_signals: list[str] = field(default_factory=list)  # calls the reader took for signals, to be checked
    maybe_names: list[str] = field(default_factory=list)  # plain capitalized words: names only if the file defines them
    premise: bool = False  # read from a "since ..." / "because ..." clause: the claim's reason, not its statement


@dataclass
class Claim:
    review: str
    id: str
    quote: str
    lines: list[int]
    parts: list[Part]
    # a pull request comment's claim: judged on that file only ({path: absolute, file: as shown, line, comment: N})
    pin: dict = field(default_factory=dict)


def _part(data: dict) -> Part:
    rules = list(data.get("rules", [])) + ([data["rule"]] if data.get("rule") else [])
    return Part(says=data["says"], rules=rules, tags=data.get("tags", []), cwe=data.get("cwe", []),
                asserts=data.get("asserts", "present"), subjects=data.get("subjects", {}),
                lines=data.get("lines", []), expects=data.get("expects", {}), opinion=data.get("opinion", False),
                why=data.get("why", ""))


def load_claims_file(path: Path, rules: list[Rule], cache_dir: Path | None = None) -> list[Claim]:
    """The claims of one YAML file, checked against the schema. With cache_dir a file whose text passed the check
    before is read from the cache (no YAML, no jsonschema: a tenth of a second of a run)."""
    entry = None
    if cache_dir:
        text = yamlio.read_text(path, "claims file")
        entry = doccache.key("claims file", {"text": text, "schema": CLAIMS_SCHEMA})
        data = doccache.load(cache_dir, "claims", entry)
        if isinstance(data, dict) and isinstance(data.get("claims"), list):
            return _claims_of(path, data, rules)
    data = yamlio.load_file(path, "claims file")
    if not isinstance(data, dict):
        raise QtcheckError(f"{path}: a claims file must hold a mapping with 'review' and 'claims'")
    import jsonschema  # here: a run without --claims never needs it

    errors = sorted(jsonschema.Draft202012Validator(CLAIMS_SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise QtcheckError(f"{path}: key '{short(where)}': {short(errors[0].message)}")
    if entry:
        doccache.store(cache_dir, "claims", entry, data)
    return _claims_of(path, data, rules)


def _claims_of(path: Path, data: dict, rules: list[Rule]) -> list[Claim]:
    known = {r.id for r in rules}
    claims = []
    for item in data["claims"]:
        parts = [_part(p) for p in item["parts"]]
        for part in parts:
            for rid in part.rules:
                if rid not in known:
                    raise QtcheckError(f"{path}: claim {item['id']} refers to unknown rule '{rid}'")
        claims.append(Claim(data["review"], str(item["id"]), item["quote"], item.get("lines", []), parts))
    return claims


def load_claims(location: str, rules: list[Rule], cache_dir: Path | None = None) -> list[Claim]:
    """Claims from one YAML file or every *.yaml in a folder."""
    path = Path(location)
    if path.is_dir():
        files = sorted(path.glob("*.y*ml"))
        if not files:
            raise QtcheckError(f"{path}: no claims YAML files in this folder")
    elif path.exists():
        files = [path]  # a FIFO or a device is refused when read, with what it is
    else:
        raise QtcheckError(f"{path}: claims file or folder not found")
    out: list[Claim] = []
    for file in files:
        out += load_claims_file(file, rules, cache_dir)
    return out
