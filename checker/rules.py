"""Rules: load the YAML files, check them against the schema, and run their matchers over facts."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import doccache, facts_unparsed, yamlio
from .errors import QtcheckError, short
from .facts import Facts
from .matchers import MATCHERS, Site
from .saferegex import RuleRegexError, compile_rule_regex
from . import matchers_decls, matchers_flow, matchers_instances, matchers_members, matchers_qtest  # noqa: F401
from . import matchers_strings, matchers_switches, matchers_threads, matchers_values, matchers_warnings  # noqa: F401
from . import matchers_checks, matchers_ctor, matchers_layouts, matchers_shifts  # noqa: F401
from . import matchers_literals  # noqa: F401
from . import matchers_guards  # noqa: F401

SEVERITIES = ["error", "warning", "note"]
CWE = {"type": "string", "pattern": r"^CWE-\d+$"}
TEXT = {"type": "string", "minLength": 1}

RULE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "severity", "message", "matcher", "docs"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "title": TEXT,
        "message": TEXT,
        "severity": {"enum": SEVERITIES},
        "cwe": {"type": "array", "items": CWE},
        "cwe_related": {"type": "array", "items": CWE},
        "tags": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "boolean"},
        "default": {"enum": [True, False, "on", "off"]},  # YAML 1.1 reads a bare on/off as a boolean
        "matcher": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "params": {"type": "object"}},
        },
        "claims": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "phrases": {"type": "array", "items": TEXT},
                "topic_phrases": {"type": "array", "items": TEXT},
                "topic_subjects": {"type": "array", "items": {"type": "string"}},
                "cwe": {"type": "array", "items": CWE},
                "subjects": {"type": "array", "items": {"type": "string"}},
                "alternatives": {"type": "array", "items": {"type": "string"}},
                # kinds that are what the rule asks about although they are where code stands ("`put()` keeps
                # the mutex locked": the function itself): a claim naming only such a name still fits the rule
                "scope_subjects": {"type": "array", "items": {"type": "string"}},
                "exhaustive": {"type": "boolean"},
                "absence_confirms": {"type": "boolean"},
                "classes_in_file": {"type": "boolean"},  # its sites are the class definitions of the main file
                "own_clause": {"type": "boolean"},  # an attribute speaks only of the names in its own clause
                "needs_subjects": {"type": "boolean"},
                "void_result": TEXT,
                "attributes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["phrases"],
                        "oneOf": [{"required": ["expects"]}, {"required": ["why"]}],
                        "properties": {
                            "phrases": {"type": "array", "items": TEXT},
                            "expects": {"type": "object"},
                            "why": TEXT,
                            "takes_object": {"type": "boolean"},
                            "takes_type": {"type": "boolean"},  # a type name in plain words: "returns a quint16"
                            "takes_number": {"type": "boolean"},  # a number after the words: "jumps to 4"
                            "subject_is_object": {"type": "boolean"},
                            "number_after": TEXT,  # "row 1 stays empty": the number after this word in its clause
                            # the phrase counts only when one of these words stands (or none stands) in its clause
                            "when_words": {"type": "array", "items": TEXT},
                            "unless_words": {"type": "array", "items": TEXT},
                            "object_is_subject": {"enum": [True, False, "before", "with"]},
                            # a premise the claim states beside the rule's own question ("lacks Q_OBJECT"): the
                            # question is still asked, so a true premise and a false conclusion make "partly"
                            "keeps_base": {"type": "boolean"},
                        },
                    },
                },
            },
        },
        "docs": {
            "type": "object",
            "additionalProperties": False,
            "required": ["what", "why", "example"],
            "properties": {"what": TEXT, "why": TEXT, "example": TEXT, "fix": TEXT},
        },
    },
}


@dataclass
class Rule:
    id: str
    title: str
    message: str
    severity: str
    matcher: str
    params: dict
    docs: dict
    source: Path
    cwe: list[str] = field(default_factory=list)
    cwe_related: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    findings: bool = True       # False: claims only, never a finding
    default_on: bool = True     # False (`default: off`): reports findings only when selected (--checks)
    builtin: bool = False       # shipped in rules/ (documented in docs/rules.md)
    claims: dict = field(default_factory=dict)

    def covers_cwe(self, cwe: str) -> bool:
        return cwe in self.cwe or cwe in self.cwe_related


def builtin_rules_dir() -> Path:
    """The built-in rules: the package data of the sub-package qtcheck.rules_data (in a wheel, qtcheck/rules_data/;
    in an editable install, the checkout's rules/, which pyproject.toml maps onto it).

    Found through qtcheck's own import path, never by a top-level name or beside the package: in site-packages a
    folder named `rules` beside qtcheck/ is another distribution's (django-rules). No YAML there is an error, never
    an empty rule set."""
    try:
        folder = importlib.resources.files(f"{__package__}.rules_data")
    except ModuleNotFoundError:
        folder = None
    if isinstance(folder, Path) and any(folder.glob("*.y*ml")):
        return folder
    raise QtcheckError("the built-in rules are missing from this installation (no YAML in qtcheck.rules_data): "
                       "reinstall qtcheck")


def _key_path(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", error.message)
        path = ".".join(filter(None, [path, *extra]))
        return f"unknown key '{short(path)}'"
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"missing key '{short('.'.join(filter(None, [path, *missing])))}'"
    return f"key '{short(path) or '(top)'}': {short(error.message)}"


def load_rule(path: Path, validate: bool = True) -> Rule:
    """One rule file. validate=False skips the schema (jsonschema takes a tenth of a second to import): only for
    the built-in rules, which ship with qtcheck and which the tests check against it
    (tests/test_shards.py::test_every_builtin_rule_passes_the_schema)."""
    return rule_from(path, yamlio.load_file(path, "rule file"), validate)


def rule_from(path: Path, data, validate: bool = True) -> Rule:
    """The rule a rule file's loaded document describes (path names it in messages)."""
    if not isinstance(data, dict):
        raise QtcheckError(f"{path}: a rule file must hold a mapping")
    if validate:
        import jsonschema

        errors = sorted(jsonschema.Draft202012Validator(RULE_SCHEMA).iter_errors(data), key=lambda e: e.path)
        if errors:
            raise QtcheckError(f"{path}: {_key_path(errors[0])}")
    name = data["matcher"]["name"]
    if name not in MATCHERS:
        raise QtcheckError(f"{path}: key 'matcher.name': unknown matcher '{name}' (known: {', '.join(sorted(MATCHERS))})")
    params = data["matcher"].get("params", {}) or {}
    schema = {"type": "object", "additionalProperties": False, "properties": MATCHERS[name].params,
              "required": list(MATCHERS[name].required)}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(params)) if validate else []
    if errors:
        raise QtcheckError(f"{path}: {_key_path(errors[0]).replace(chr(39), chr(39) + 'matcher.params.', 1)}")
    for key, schema in MATCHERS[name].params.items():
        if schema.get("x-regex"):
            for pattern in params.get(key, []):
                try:
                    compile_rule_regex(pattern)
                except RuleRegexError as exc:
                    raise QtcheckError(f"{path}: key 'matcher.params.{key}': bad regex {short(repr(pattern))} "
                                       f"({exc})") from None
    return Rule(
        id=data["id"], title=data["title"], message=data["message"], severity=data["severity"],
        matcher=name, params=params, docs=data["docs"], source=path,
        cwe=data.get("cwe", []), cwe_related=data.get("cwe_related", []), tags=data.get("tags", []),
        findings=data.get("findings", True), claims=data.get("claims", {}),
        default_on=data.get("default", True) in (True, "on"),
    )


_BUILTIN: list = [None, []]  # the stamps of the built-in rule files when last read, and what was read


def _builtin_rules(directory: Path, cache_dir: Path | None = None) -> list[tuple[Path, Rule]]:
    """The built-in rules, read again only when a file of theirs changed: a process that checks many times (the
    daemon's workers, forked from a process that read them once) reads them once, and with a cache folder a
    one-shot run reads their documents from one JSON file kept there (reading the YAML files was a fifth of a run
    on an unchanged file). A Rule is never changed after it is read."""
    paths = sorted(directory.glob("*.y*ml"))
    stamps = []
    for path in paths:
        st = path.stat()
        stamps.append((str(path), st.st_mtime_ns, st.st_size, st.st_ino))
    if _BUILTIN[0] != stamps:
        entry = doccache.key("built-in rules", stamps)  # their names, times, sizes and inodes
        documents = doccache.load(cache_dir, "rules", entry) if cache_dir else None
        if not (isinstance(documents, list) and len(documents) == len(paths)
                and all(isinstance(d, dict) for d in documents)):
            documents = [yamlio.load_file(path, "rule file") for path in paths]
            if cache_dir:
                doccache.store(cache_dir, "rules", entry, documents)
        _BUILTIN[1] = [(path, rule_from(path, data, validate=False)) for path, data in zip(paths, documents)]
        _BUILTIN[0] = stamps
    return _BUILTIN[1]


def load_rules(extra_dirs: list[str] | None = None, cache_dir: Path | None = None) -> list[Rule]:
    """The built-in rules plus any --rules DIR; a duplicate id is an error (the same folder twice is read once).
    With cache_dir the built-in rules' documents are kept there between runs."""
    builtin = builtin_rules_dir()
    dirs, seen = [], set()
    for directory in [builtin] + [Path(d) for d in (extra_dirs or [])]:
        key = directory.resolve() if directory.is_dir() else directory
        if key not in seen:
            seen.add(key)
            dirs.append(directory)
    rules: dict[str, Rule] = {}
    for directory in dirs:
        if not directory.is_dir():
            raise QtcheckError(f"{directory}: rules directory not found")
        for path, rule in (_builtin_rules(directory, cache_dir) if directory is builtin else
                           [(p, load_rule(p)) for p in sorted(directory.glob("*.y*ml"))]):
            rule.builtin = directory is builtin
            if rule.id in rules:
                raise QtcheckError(f"{path}: key 'id': duplicate rule id '{rule.id}' (also in {rules[rule.id].source})")
            rules[rule.id] = rule
    return list(rules.values())


def run(facts: Facts, rules: list[Rule]) -> dict[str, list[Site]]:
    """Every rule's sites over one file's facts."""
    out = {}
    for rule in rules:
        sites = MATCHERS[rule.matcher].fn(facts, rule.params)
        for site in sites:
            site.rule = rule.id
        out[rule.id] = sorted(sites, key=lambda s: (s.line, s.col))
    facts_unparsed.mark_sites(facts, out)  # what depends on code clang could not parse is no finding
    return out


def default_selection(rules: list[Rule]) -> set[str]:
    """The rules that report findings when nothing is selected: all but claims-only and `default: off` ones."""
    return {r.id for r in rules if r.findings and r.default_on}


def findings(sites: dict[str, list[Site]], rules: list[Rule], selected: set[str] | None = None) -> list[Site]:
    """The flagged sites of the selected rules (default: the rules on by default), in line order."""
    if selected is None:
        selected = default_selection(rules)
    reportable = {r.id for r in rules if r.findings and r.id in selected}
    return sorted((s for rid, ss in sites.items() if rid in reportable for s in ss
                   if s.flagged and s.reported and not s.unparsed),
                  key=lambda s: (s.line, s.col, s.rule))
