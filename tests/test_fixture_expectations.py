"""Inline expectations in fixtures/rules/**.cpp: `// expect: RULE` flags the next line, `// ok: RULE` keeps it silent.

For every rule a fixture file mentions, the lines the rule flags must be exactly the
lines marked `expect`. A mark may add the site's attributes: `// expect: manual-delete early_exit=true`
or `// ok: unbounded-read bound=undecided` (true, false and none are read as such; anything else is a string).
A new rule is tested by adding a fixture; nothing here changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, analyze

MARK = re.compile(r"//\s*(expect|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)((?:\s+[a-z_]+=[\w-]+)*)")
VALUES = {"true": True, "false": False, "none": None}
FILES = sorted((FIXTURES / "rules").rglob("*.cpp"))


def expectations(path: Path) -> tuple[dict[str, set[int]], dict[str, set[int]], dict[tuple[str, int], dict]]:
    expect: dict[str, set[int]] = {}
    ok: dict[str, set[int]] = {}
    attrs: dict[tuple[str, int], dict] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for kind, names, pairs in MARK.findall(line):
            target = number + 1 if line.strip().startswith("//") else number
            for rule in (n.strip() for n in names.split(",")):
                (expect if kind == "expect" else ok).setdefault(rule, set()).add(target)
                for pair in pairs.split():
                    key, value = pair.split("=", 1)
                    attrs.setdefault((rule, target), {})[key] = VALUES.get(value, value)
    return expect, ok, attrs


def unused_suppressions(path: Path, sites: dict) -> list:
    """unused-suppression's sites: made after the other rules ran, from the findings of the default selection."""
    from qtcheck import rules as rules_mod, suppressions
    from conftest import builtin_rules

    rules = list(builtin_rules())
    selected = rules_mod.default_selection(rules) | {"unused-suppression"}
    return suppressions.apply(path.read_text(), rules_mod.findings(sites, rules, selected), selected,
                              [r.id for r in rules]).unused


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture(path):
    expect, ok, attrs = expectations(path)
    assert expect or ok, f"{path} has no // expect: or // ok: marks"
    facts, sites = analyze(path)
    errors = [d for d in facts.error_lines()]
    assert not errors, f"fixture does not compile: {errors[0]}"
    if "unused-suppression" in set(expect) | set(ok):
        sites = {**sites, "unused-suppression": unused_suppressions(path, sites)}
    for rule in set(expect) | set(ok):
        assert rule in sites, f"unknown rule {rule} in {path}"
        flagged = {s.line for s in sites[rule] if s.flagged and s.reported}  # a site that answers claims only
        # (a call outside unchecked-result's list) is marked `ok:` with the attributes it answers with
        assert flagged == expect.get(rule, set()), f"{rule}: flagged {sorted(flagged)}, expected {sorted(expect.get(rule, set()))}"
        assert not (flagged & ok.get(rule, set()))
    for (rule, line), wanted in attrs.items():
        at = [s for s in sites[rule] if s.line == line]
        assert at, f"{rule}: no site at line {line} to have {wanted}"
        have = {key: at[0].attrs.get(key) for key in wanted}
        assert have == wanted, f"{rule} at line {line}: {have}, expected {wanted}"


def test_every_rule_has_a_triggering_and_a_silent_fixture():
    from conftest import builtin_rules

    for rule in builtin_rules():
        folder = FIXTURES / "rules" / rule.id
        if not rule.findings:
            continue
        triggers = [p for p in folder.glob("*.cpp") if f"expect: {rule.id}" in p.read_text()]
        silent = [p for p in folder.glob("*.cpp") if f"expect: {rule.id}" not in p.read_text()
                  and f"ok: {rule.id}" in p.read_text()]
        assert triggers, f"{rule.id}: no fixture in {folder} triggers it"
        assert silent, f"{rule.id}: no fixture in {folder} must stay silent"
