"""The lookups that keep a check linear (checker/spans.py, matchers._merge) give exactly what the scans they replace gave."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from qtcheck.spans import ByLine, Spans

spans = st.lists(st.tuples(st.integers(1, 30), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1])), max_size=40)


@settings(max_examples=300, deadline=None)
@given(spans, st.integers(0, 45), st.booleans())
def test_innermost_is_the_scan_that_keeps_the_greatest_start(items, point, later_wins):
    index = Spans(items, lambda s: s[0], lambda s: s[1], later_wins)
    best = None
    for i, (a, b) in enumerate(items):
        if a <= point <= b and (best is None or (a > items[best][0] if not later_wins else a >= items[best][0])):
            best = i
    got = index.innermost(point)
    assert (got is None) == (best is None)
    if best is not None:
        assert got is items[best]


@settings(max_examples=300, deadline=None)
@given(spans, st.integers(0, 45))
def test_holding_lists_every_span_holding_the_point_in_list_order(items, point):
    index = Spans(items, lambda s: s[0], lambda s: s[1], True)
    assert [id(x) for x in index.holding(point)] == [id(x) for x in items if x[0] <= point <= x[1]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 20)), max_size=40), st.integers(0, 21),
       st.integers(0, 21))
def test_by_line_keeps_list_order(items, low, high):
    index = ByLine(items, lambda r: r[0], lambda r: r[1])
    for key in "abcd":
        assert [id(x) for x in index.between(key, low, high)] == [id(x) for x in items
                                                                  if x[0] == key and low <= x[1] <= high]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["function", "class", "callee"]),
                                st.lists(st.sampled_from(["", "a", "b", "a::b", "c"]), max_size=5), max_size=3),
                max_size=5))
def test_merge_keeps_what_the_list_scan_kept(dicts):
    """matchers._merge with a set per key: the same lists as looking each value up in the list built so far."""
    from qtcheck.matchers import _merge

    expected: dict = {}
    for d in dicts:
        for key, values in d.items():
            expected.setdefault(key, [])
            expected[key] += [v for v in values if v and v not in expected[key]]
    assert _merge(*dicts) == expected


def test_per_check_builds_once_and_again_when_the_facts_grow():
    from pathlib import Path

    from qtcheck.facts import Facts
    from qtcheck.records import StmtFact
    from qtcheck.spans import per_check

    facts = Facts(Path("a.cpp"), ["int x;"], "6.5", [])
    built = []

    def build():
        built.append(len(facts.stmts))
        return len(facts.stmts)

    assert per_check(facts, "n", build) == 0 and per_check(facts, "n", build) == 0
    assert built == [0]  # one build, shared by every later question
    facts.stmts.append(StmtFact(1, "COMPOUND_STMT", "root", None, 1, 1, "f", None))
    assert per_check(facts, "n", build) == 1 and built == [0, 1]  # a grown list is a new stamp
    assert not any(k.startswith("_") for k in facts.__getstate__())  # never pickled with the facts
