"""--list-rules, --explain RULE and the rules page docs/rules.md, all from the rule YAML files."""

from __future__ import annotations

import json
import textwrap

from .errors import QtcheckError
from .rules import Rule
from .selection import suggest

# The generated rules page (docs/rules.md, `make docs`) as published with the repository; SARIF's helpUri points at
# a rule's anchor on it. OWNER as in the README's install lines: set it where the repository is published.
RULES_PAGE = "https://github.com/OWNER/qtcheck/blob/main/docs/rules.md"
FORMATS = ("text", "json", "markdown")
LABELS = [("what", "What it finds"), ("why", "Why it matters"), ("example", "Example"), ("fix", "How to fix")]
WIDTH = 100


def help_uri(rule: Rule) -> str | None:
    """The rule's anchor on the rules page; None for a rule of the user's own (--rules, a config's rules)."""
    return f"{RULES_PAGE}#{rule.id}" if rule.builtin else None


def default_word(rule: Rule) -> str:
    if not rule.findings:
        return "claims"
    return "on" if rule.default_on else "off"


def _state(rule: Rule, selected: set[str]) -> str:
    """on / off as selected for this run (the default when nothing selects), claims for a claims-only rule."""
    if not rule.findings:
        return "claims"
    return "on" if rule.id in selected else "off"


def _record(rule: Rule, selected: set[str], severity: dict[str, str]) -> dict:
    return {"id": rule.id, "title": rule.title, "severity": severity.get(rule.id, rule.severity),
            "default_severity": rule.severity, "default": default_word(rule), "selected": rule.id in selected,
            "findings": rule.findings, "cwe": rule.cwe, "tags": rule.tags, "source": str(rule.source),
            "help_uri": help_uri(rule)}


def list_rules(rules: list[Rule], fmt: str, selected: set[str], severity: dict[str, str]) -> str:
    """One rule a line: id, severity, on/off (claims: answers claims only, never a finding), title."""
    if fmt not in FORMATS:
        raise QtcheckError(f"--list-rules: format '{fmt}' is not one of {', '.join(FORMATS)}")
    ordered = sorted(rules, key=lambda r: r.id)
    if fmt == "json":
        return json.dumps([_record(r, selected, severity) for r in ordered], indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return rules_page(ordered, selected, severity)
    width = max(len(r.id) for r in ordered)
    return "".join(f"{r.id:<{width}}  {severity.get(r.id, r.severity):<7}  {_state(r, selected):<6}  {r.title}\n"
                   for r in ordered)


def find_rule(rules: list[Rule], name: str) -> Rule:
    for rule in rules:
        if rule.id == name:
            return rule
    raise QtcheckError(f"--explain: no rule '{name}'{suggest(name, sorted(r.id for r in rules))}")


def _paragraphs(text: str, indent: str) -> list[str]:
    out = []
    for para in text.strip().split("\n\n"):
        out += textwrap.wrap(" ".join(para.split()), WIDTH, initial_indent=indent, subsequent_indent=indent) or [""]
        out.append("")
    return out[:-1]


def _facts_line(rule: Rule, selected: set[str], severity: dict[str, str]) -> str:
    level = severity.get(rule.id, rule.severity)
    state = {"claims": "claims only (answers claims, reports no finding)",
             "on": "on by default", "off": "off by default (select it with --checks)"}[default_word(rule)]
    if rule.findings and (rule.id in selected) != rule.default_on:
        state += f"; {'on' if rule.id in selected else 'off'} here (config or --checks)"
    cwe = ", ".join(rule.cwe)
    related = ", ".join(rule.cwe_related)
    return "; ".join(filter(None, [f"severity {level}", state, cwe and f"CWE: {cwe}",
                                   related and f"related CWE: {related}",
                                   rule.tags and f"tags: {', '.join(rule.tags)}"]))


def explain(rule: Rule, fmt: str, selected: set[str], severity: dict[str, str]) -> str:
    """A rule's documentation, as `ruff rule` prints one: what, why, an example and the fix."""
    if fmt not in FORMATS:
        raise QtcheckError(f"--explain: format '{fmt}' is not one of {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps({**_record(rule, selected, severity), "docs": rule.docs}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return "\n".join(_section(rule, selected, severity)) + "\n"
    out = [f"{rule.id}: {rule.title}", _facts_line(rule, selected, severity), ""]
    for key, label in LABELS:
        if key not in rule.docs:
            continue
        out.append(f"{label}:")
        if key == "example":
            out += ["    " + line if line.strip() else "" for line in rule.docs[key].rstrip().splitlines()]
        else:
            out += _paragraphs(rule.docs[key], "    ")
        out.append("")
    uri = help_uri(rule)
    out.append(f"More: {uri}" if uri else f"Defined in {rule.source}")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _section(rule: Rule, selected: set[str], severity: dict[str, str]) -> list[str]:
    out = [f'<a id="{rule.id}"></a>', "", f"## {rule.id}", "", f"**{_cell(rule.title)}**", "",
           _facts_line(rule, selected, severity) + ".", ""]
    for key, label in LABELS:
        if key not in rule.docs:
            continue
        if key == "example":
            out += [f"**{label}:**", "", "```cpp", rule.docs[key].rstrip(), "```", ""]
        else:
            out += [f"**{label}:** " + " ".join(rule.docs[key].split()), ""]
    return out


def rules_page(rules: list[Rule], selected: set[str], severity: dict[str, str]) -> str:
    """docs/rules.md: a table of every rule, then one section (and anchor) per rule id."""
    out = ["# qtcheck rules", "",
           "Generated from `rules/*.yaml` by `make docs` (`qtcheck --list-rules --format markdown --no-config`); "
           "`tests/test_rule_docs.py` fails when this page is out of date. `default`: `on` rules report findings "
           "unless deselected, `off` rules only when selected (`--checks`, `checks:` in `.qtcheck.yaml`), "
           "`claims` rules never report a finding and only answer review claims. Every rule answers claims, "
           "whatever is selected.", "",
           "| rule | severity | default | title |", "| --- | --- | --- | --- |"]
    out += [f"| [`{r.id}`](#{r.id}) | {severity.get(r.id, r.severity)} | {_state(r, selected)} | {_cell(r.title)} |"
            for r in rules]
    out.append("")
    for rule in rules:
        out += _section(rule, selected, severity)
    return "\n".join(out).rstrip("\n") + "\n"
