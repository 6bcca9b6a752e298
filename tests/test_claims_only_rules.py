"""The claims-only rules (symbol-use, include-reachability) report no findings: their sites decide claims."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, analyze, builtin_rules
from qtcheck import rules as rules_mod

INCLUDES = FIXTURES / "rules" / "include-reachability" / "includes.cpp"
USES = FIXTURES / "rules" / "symbol-use" / "uses.cpp"


@pytest.fixture(scope="module")
def include_sites():
    facts, sites = analyze(INCLUDES)
    assert not facts.error_lines()
    return {s.subjects["header"][0]: s for s in sites["include-reachability"]}


@pytest.fixture(scope="module")
def use_sites():
    facts, sites = analyze(USES)
    assert not facts.error_lines()
    return {s.message.split(" is used")[0]: s for s in sites["symbol-use"]}


def test_claims_only_rules_report_no_findings():
    for path in (INCLUDES, USES):
        _facts, sites = analyze(path)
        found = {s.rule for s in rules_mod.findings(sites, list(builtin_rules()))}
        assert not found & {"symbol-use", "include-reachability"}


def test_lower_case_header_is_reached_from_its_camel_case_header(include_sites):
    site = include_sites["QtCore/qobject.h"]
    assert (site.line, site.flagged) == (6, True)
    assert site.attrs["reached_from"] == ["QtCore/QObject", "QtCore/QTimer", "QtNetwork/QLocalSocket"]


def test_camel_case_header_is_reached_through_what_it_forwards_to(include_sites):
    site = include_sites["QtCore/QObject"]
    assert (site.line, site.flagged) == (5, True)
    assert site.attrs["reached_from"] == ["QtCore/qobject.h", "QtCore/QTimer", "QtNetwork/QLocalSocket"]


def test_a_header_included_earlier_is_still_reached_from_a_later_include(include_sites):
    # QObject (line 5) brings qstring.h first; QString (line 9) is reached from it, and from the later ones
    # too: the include graph keeps the edges an include guard skipped.
    site = include_sites["QtCore/QString"]
    assert site.line == 9
    assert site.attrs["reached_from"] == ["QtCore/QObject", "QtCore/qobject.h", "QtCore/QTimer",
                                          "QtNetwork/QLocalSocket"]


def test_qtnetwork_is_not_reached_from_qtcore(include_sites):
    site = include_sites["QtNetwork/QLocalSocket"]
    assert (site.line, site.flagged, site.attrs["reached_from"], site.attrs["found"]) == (8, False, [], True)
    assert site.message.startswith("QtNetwork/QLocalSocket is not reached by any other include")
    assert include_sites["QtCore/QTimer"].attrs["reached_from"] == []


def test_macro_uses_are_listed_with_their_lines(use_sites):
    site = use_sites["QCOMPARE"]
    assert (site.line, site.flagged, site.evidence) == (18, False, [19])
    assert site.attrs == {"used": True, "uses": 2, "kind": "macro"}
    assert site.subjects["function"] == ["tst_Uses::compares", "compares"]


def test_a_call_counts_once_per_place(use_sites):
    site = use_sites["twice"]
    assert (site.line, site.attrs["uses"], site.attrs["kind"], site.evidence) == (18, 2, "call", [19])


def test_signal_and_type_uses(use_sites):
    signal = use_sites["QTimer::timeout"]
    assert (signal.line, signal.attrs["kind"]) == (25, "signal")
    assert signal.subjects["signal"] == ["QTimer::timeout", "timeout"]
    timer = use_sites["QTimer"]
    assert (timer.line, timer.attrs["kind"], timer.evidence) == (23, "type", [25])


def test_a_symbol_the_file_never_uses_has_no_site(use_sites):
    assert "QDebug" not in use_sites and "QVERIFY" not in use_sites


HEADER_CLASSES = FIXTURES / "rules" / "qobject-macro" / "header_classes.cpp"


@pytest.mark.parametrize("text, verdict, lines, reason", [
    ("`Announcer` lacks the `Q_OBJECT` macro.", "refuted", [5],
     "Announcer needs its Q_OBJECT: it declares signals (announced) at header_classes.h:12 (the class is defined in "
     "header_classes.h, Q_OBJECT at header_classes.h:8)"),
    ("`Listener` is missing `Q_OBJECT`.", "confirmed", [7],
     "Listener declares slots (hear) at header_classes.h:20 but has no Q_OBJECT: moc will not see them (the class "
     "is defined in header_classes.h)"),
])
def test_q_object_of_a_class_in_the_files_own_header(text, verdict, lines, reason):
    # the class is defined in the project's header, its constructor in the .cpp: the header's class is asked
    from qtcheck import prose, verdicts
    facts, sites = analyze(HEADER_CLASSES)
    rules = list(builtin_rules())
    [claim] = prose.claims_from_text(f"- {text}\n", "r.md", rules)
    got = verdicts.Judge(facts, rules, sites).decide(claim)
    assert (got.verdict, [e.line for e in got.evidence], got.reason) == (verdict, lines, reason)
    assert not {s.rule for s in rules_mod.findings(sites, rules)} & {"qobject-macro"}  # never a finding here
