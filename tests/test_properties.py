"""Property tests (hypothesis): the review reader and rule loader never crash, and verdicts ignore input order."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from qtcheck import rules as rules_mod, verdicts
from qtcheck.claims import load_claims
from qtcheck.errors import QtcheckError
from qtcheck.prose import claims_from_text
from qtcheck.review_input import decode
from conftest import EXAMPLE, SEEDS, analyze, builtin_rules

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REVIEWISH = st.lists(st.sampled_from([
    "The result of `server->listen(\"foo\")` is not checked (Line 73).", "CWE-703", "QCOMPARE", "line -4",
    "Lines 1-99999999999999999999", "\n", "\r\n", "- ", "1. ", "**bold**", "`QFile::open`", "No issues found.",
    "Q_OBJECT is missing in SocketFactory", "\u00e9\u4e2d\U0001f600", "```cpp\nint x;\n```", "#", " ", ".",
]) | st.text(max_size=40), max_size=30).map("".join)


@FAST
@given(st.text() | REVIEWISH)
def test_review_parser_never_raises_and_is_deterministic(text):
    rules = list(builtin_rules())
    first = claims_from_text(text, "r", rules)
    second = claims_from_text(text, "r", rules)
    assert first == second
    for claim in first:
        assert claim.parts and all(isinstance(ln, int) for ln in claim.lines)


@FAST
@given(st.binary(max_size=300))
def test_review_decoding_returns_text_or_refuses(data):
    try:
        assert isinstance(decode(data, "r.txt"), str)
    except QtcheckError as exc:
        assert str(exc).startswith("r.txt: ") and "\n" not in str(exc)


VALID = yaml.safe_load((rules_mod.builtin_rules_dir() / "unchecked-result.yaml").read_text())
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.just("(unclosed")
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def _mutated(draw_key, value, drop):
    data = {k: v for k, v in VALID.items() if k != drop}
    data[draw_key] = value
    return yaml.safe_dump(data)


RULE_TEXTS = (st.text(max_size=200)
              | st.builds(_mutated, st.sampled_from(sorted(VALID) + ["extra", "matcher"]), VALUES,
                          st.sampled_from(sorted(VALID) + [None]))
              | st.builds(lambda v: yaml.safe_dump({**VALID, "matcher": {"name": "naming", "params": v}}),
                          st.dictionaries(st.sampled_from(["exempt", "style", "x"]), VALUES, max_size=2)))


@FAST
@given(RULE_TEXTS)
def test_rule_loader_loads_or_raises_its_own_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rule.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            rule = rules_mod.load_rule(path)
        except QtcheckError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        else:
            assert rule.matcher in rules_mod.MATCHERS


def _outcome(result) -> dict:
    return {(v.claim.review, v.claim.id): (v.verdict, v.reason, [e.line for e in v.evidence], v.line_note)
            for v in result}


RULES = list(builtin_rules())
CLAIMS = load_claims(str(SEEDS), RULES)


@settings(max_examples=25, deadline=None)
@given(st.permutations(RULES), st.permutations(CLAIMS))
def test_verdicts_do_not_depend_on_the_order_of_reviews_or_rules(rules, claims):
    facts, _ = analyze(EXAMPLE)
    baseline = _outcome(verdicts.judge_all(facts, RULES, rules_mod.run(facts, RULES), CLAIMS))
    shuffled = _outcome(verdicts.judge_all(facts, rules, rules_mod.run(facts, rules), claims))
    assert shuffled == baseline
