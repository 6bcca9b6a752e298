"""What the rule fixtures' flagged sites say: the attributes claims assert on and the evidence lines."""

from __future__ import annotations

from conftest import FIXTURES, analyze

RULES = FIXTURES / "rules"


def sites_of(rule: str, name: str):
    facts, sites = analyze(RULES / rule / name)
    assert not facts.error_lines()
    return {s.line: s for s in sites[rule] if s.reported}  # a line holds one call the rule lists


def test_unbounded_read_says_how_each_read_is_bounded():
    sites = sites_of("unbounded-read", "triggers.cpp")
    assert {line: s.attrs["bound"] for line, s in sites.items()} == {
        11: "none", 17: "none", 25: "assert", 32: "none", 41: "some-paths", 51: "none"}
    assert sites[25].attrs["debug_only"] is True and sites[25].evidence == [23, 22]
    assert "is a Q_ASSERT (line 23), gone in release builds" in sites[25].message
    # warnedOnly(): the if's false branch bounds the count, its true branch (the warning) goes on to the read
    assert sites[41].evidence == [38, 37, 39]
    assert sites[41].message.endswith("the bound by buffer.size() at line 38 holds on some paths only: on the "
                                      "path 37 -> 38 -> 39 -> 41 the count is not bounded")
    # checkedOutsideTheLambda(): n comes into the lambda from outside; the check before it says nothing then
    assert sites[51].attrs["path"] == "start -> 51"


def test_unbounded_read_silent_bounds_name_their_lines():
    sites = sites_of("unbounded-read", "silent.cpp")
    assert {line: (s.attrs["bound"], s.evidence) for line, s in sites.items()} == {
        11: ("checked", [9]), 18: ("checked", [16]), 27: ("checked", [24]), 33: ("checked", []),
        47: ("checked", [45]), 56: ("checked", [53, 54]), 63: ("checked", [62]), 72: ("checked", [69])}


def test_manual_delete_lists_the_exits_between_new_and_delete():
    sites = sites_of("manual-delete", "triggers.cpp")
    # parse(): the return at 24 follows the delete at 23 on the only path that reaches it
    assert (sites[21].attrs["early_exit"], sites[21].attrs["exits_between"]) == (False, [])
    assert sites[21].evidence == [23, 26]
    assert sites[21].message.endswith("every path from line 21 out of parse() passes a delete")
    assert sites[12].attrs["early_exit"] is False and sites[12].evidence == [14]
    # load(): the return leaves before any delete: a real leak path, shown line by line
    assert sites[41].attrs["early_exit"] is True
    assert sites[41].attrs["exits_between"] == ["return at line 43"]
    assert sites[41].evidence == [42, 43, 44]
    assert sites[41].message.endswith("load() can leave between them: return at line 43 (path 41 -> 42 -> 43)")


def test_manual_delete_paths_name_the_way_out():
    sites = sites_of("manual-delete", "paths.cpp")
    assert sites[74].message.endswith("the delete is skipped on the path 74 -> 75 -> end, which leaves "
                                      "deletedOnOnePathOnly() with it alive")
    assert sites[83].attrs["leak_path"] == [83, 84, 85, 81]  # continue goes back to the loop's condition
    assert sites[93].attrs["exits_between"] == ["throw at line 95"]
    assert sites[43].message.endswith("every path from line 43 out of cleanupByGoto() passes a delete")


def test_unchecked_result_paths_name_the_path_that_misses_the_read():
    sites = sites_of("unchecked-result", "paths.cpp")
    assert sites[10].message == ("the result of QLocalServer::listen() is stored in listening and read on some "
                                 "paths only: the path 10 -> 11 -> 13 leaves readOnOnePathOnly() without reading it")
    assert sites[10].evidence == [11, 13]
    assert sites[19].message.endswith("stored in opened and overwritten before any read (path 19 -> 20)")
    # server.listen(...) then a test of server.isListening() on every path after it: the same check
    assert sites[40].message.endswith("checked by testing server.isListening() on every path after it (line 41)")
    # `strict && !server.isListening()`: the query runs only when strict is true, so not on every path
    assert (sites[48].flagged, sites[48].attrs["partial"]) == (True, True)
    assert sites[48].message.endswith("is discarded; server.isListening() is tested on some paths only (line 49)")


def test_unbounded_read_paths_name_the_unbounded_path():
    sites = sites_of("unbounded-read", "paths.cpp")
    assert sites[14].attrs["path"] == "8 -> 9 -> 14" and sites[14].evidence == [10, 8, 9]
    assert sites[42].attrs["path"] == "40 -> 42"  # from the store that grew it, past the check at 38
    assert sites[94].message.endswith("qtcheck cannot read the check at line 90")


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
