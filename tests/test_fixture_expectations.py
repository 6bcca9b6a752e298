"""Inline expectations in fixtures/rules/**.cpp: `// expect: RULE` flags the next line, `// ok: RULE` keeps it silent.

For every rule a fixture file mentions, the lines the rule flags must be exactly the
lines marked `expect`. A new rule is tested by adding a fixture; nothing here changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, analyze

MARK = re.compile(r"//\s*(expect|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
FILES = sorted((FIXTURES / "rules").rglob("*.cpp"))


def expectations(path: Path) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    expect: dict[str, set[int]] = {}
    ok: dict[str, set[int]] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for kind, names in MARK.findall(line):
            target = number + 1 if line.strip().startswith("//") else number
            for rule in (n.strip() for n in names.split(",")):
                (expect if kind == "expect" else ok).setdefault(rule, set()).add(target)
    return expect, ok


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture(path):
    expect, ok = expectations(path)
    assert expect or ok, f"{path} has no // expect: or // ok: marks"
    facts, sites = analyze(path)
    errors = [d for d in facts.error_lines()]
    assert not errors, f"fixture does not compile: {errors[0]}"
    for rule in set(expect) | set(ok):
        assert rule in sites, f"unknown rule {rule} in {path}"
        flagged = {s.line for s in sites[rule] if s.flagged}
        assert flagged == expect.get(rule, set()), f"{rule}: flagged {sorted(flagged)}, expected {sorted(expect.get(rule, set()))}"
        assert not (flagged & ok.get(rule, set()))


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
