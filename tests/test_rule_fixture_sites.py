"""What the rule fixtures' flagged sites say: the attributes claims assert on and the evidence lines."""

from __future__ import annotations

from conftest import FIXTURES, analyze

RULES = FIXTURES / "rules"


def sites_of(rule: str, name: str):
    facts, sites = analyze(RULES / rule / name)
    assert not facts.error_lines()
    return {s.line: s for s in sites[rule]}


def test_unbounded_read_says_how_each_read_is_bounded():
    sites = sites_of("unbounded-read", "triggers.cpp")
    assert {line: s.attrs["bound"] for line, s in sites.items()} == {
        11: "none", 17: "none", 25: "assert", 32: "none", 41: "unguarded", 51: "none"}
    assert sites[25].attrs["debug_only"] is True and sites[25].evidence == [23]
    assert "is a Q_ASSERT (line 23), gone in release builds" in sites[25].message
    assert sites[41].evidence == [38]
    assert "the check against buffer.size() at line 38 neither leaves, clamps the count nor encloses" \
        in sites[41].message


def test_unbounded_read_silent_bounds_name_their_lines():
    sites = sites_of("unbounded-read", "silent.cpp")
    assert {line: (s.attrs["bound"], s.evidence) for line, s in sites.items()} == {
        11: ("checked", [9]), 18: ("checked", [16]), 27: ("checked", [24]), 33: ("checked", []),
        47: ("checked", [45]), 56: ("checked", [53]), 63: ("checked", [62]), 72: ("checked", [69])}


def test_manual_delete_lists_the_exits_between_new_and_delete():
    sites = sites_of("manual-delete", "triggers.cpp")
    # parse(): the return at 24 follows a delete at 23; without a CFG that path is undecided, never "leaks"
    assert sites[21].attrs["early_exit"] is None
    assert sites[21].attrs["exits_between"] == ["return at line 24"]
    assert sites[21].evidence == [23, 26, 24]
    assert sites[12].attrs["early_exit"] is False and sites[12].evidence == [14]
    # load(): the return leaves before any delete: a real leak path
    assert sites[41].attrs["early_exit"] is True
    assert sites[41].attrs["exits_between"] == ["return at line 43"]


def test_qtest_macros_return_from_where_they_stand():
    sites = sites_of("qtest-macro-outside-test-function", "triggers.cpp")
    assert {line: s.attrs["context"] for line, s in sites.items()} == {
        10: "helper", 18: "constructor", 29: "thread-run", 44: "lambda", 48: "lambda", 57: "helper"}
    assert {s.attrs["exits_by"] for s in sites.values()} == {"return"}
    assert sites[44].message == ("QCOMPARE in the lambda at line 41: a failure returns from that lambda only, "
                                 "and the test goes on")


def test_metatype_uses_qt6_registers_itself_are_not_required():
    sites = sites_of("metatype-registration", "silent.cpp")
    assert sites[31].message == ("Point in an argument of signal moved needs no Q_DECLARE_METATYPE: "
                                 "Qt 6.4.2 registers it on use (QMetaType::fromType)")
    assert (sites[31].attrs["custom"], sites[31].attrs["required"]) == (True, False)
    assert sites[74].attrs["registered"] is True  # qRegisterMetaType<Reading>()
    flagged = sites_of("metatype-registration", "triggers.cpp")[25]
    assert flagged.message == ("Sample is used in Q_ARG(Sample, ...) of a queued invokeMethod (looked up by name) "
                               "without Q_DECLARE_METATYPE(Sample)")


def test_unchecked_result_names_a_stored_result_nobody_reads():
    sites = sites_of("unchecked-result", "triggers.cpp")
    assert sites[34].message == "the result of QFile::open() is stored in opened and never read"
    assert sites[28].attrs["callee"] == "QIODevice::open"
    silent = sites_of("unchecked-result", "silent.cpp")
    assert silent[53].message == "the result of QFile::open() is checked by QVERIFY"
    assert silent[24].attrs["result"] == "voided"


def test_allocation_owner_after_setparent():
    sites = sites_of("unowned-qobject-allocation", "silent.cpp")
    assert (sites[21].attrs["owner"], sites[21].attrs["parent"]) == ("parent", "this")
    assert sites[46].attrs["owner"] == "transferred"
