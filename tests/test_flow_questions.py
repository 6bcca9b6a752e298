"""The sites of the flow questions that fixture marks cannot state (lists, the loop a call runs in), on real parses."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, analyze

RULES = FIXTURES / "rules"


@pytest.fixture(scope="module")
def loop_sites():
    return analyze(RULES / "loops" / "waits.cpp")[1]


def test_call_arguments_lists_the_constants_by_full_and_short_name():
    sites = analyze(RULES / "call-arguments" / "constants.cpp")[1]["call-arguments"]
    assert {s.line: s.attrs["arguments"] for s in sites} == {
        8: ["QDataStream::Qt_5_10", "Qt_5_10"], 10: ["1000"], 11: ['"fortune"']}
    assert all(not s.flagged for s in sites)  # claims only: nothing is a finding


def test_a_loop_names_the_wait_of_every_pass_and_the_deadline_that_ends_it(loop_sites):
    [retry] = [s for s in loop_sites["loops"] if s.line == 21]
    assert (retry.attrs["busy"], retry.attrs["bounded"]) == (False, True)
    assert retry.attrs["evidence_for"]["bounded"] == [25, 26]   # the deadline's if and the return it guards
    assert retry.attrs["evidence_for"]["busy"] == [23]          # waitForConnected(1000) on every pass
    assert "connectToServer" in retry.subjects["callee"]


def test_a_call_in_a_loop_knows_the_loop(loop_sites):
    by_line = {s.line: s for s in loop_sites["calls-in-loops"] if "msleep" in s.subjects["callee"]}
    assert by_line[27].attrs["loop_line"] == 21 and by_line[27].attrs["every_pass"] is True
    assert by_line[43].attrs["loop_line"] == 36 and by_line[43].attrs["every_pass"] is False  # under an if


def test_a_class_defined_in_a_header_may_be_derived_from_elsewhere(tmp_path):
    header = tmp_path / "widget.h"
    header.write_text("#include <QtCore/QObject>\nclass Widget : public QObject\n{\n    int x = 0;\n};\n")
    [site] = analyze(header)[1]["class-derivation"]
    assert site.attrs["derived"] is None and "may" in site.message


def test_assigned_values_lists_the_constants_and_marks_a_computed_variable_open():
    sites = {s.subjects["variable"][0]: s for s in analyze(RULES / "assigned-values" / "values.cpp")[1]["assigned-values"]}
    assert (sites["pass"].attrs["assigned"], sites["pass"].attrs["open"]) == (["0", "4"], ["assigned"])
    assert sites["pass"].attrs["evidence_for"]["assigned"] == [8, 10, 11]  # the init, the if, the assignment
    assert (sites["mode"].attrs["assigned"], sites["mode"].attrs["open"]) == (["1", "2"], [])


def test_a_value_after_a_loop_is_at_least_the_bound_of_its_condition():
    sites = analyze(RULES / "value-after-loop" / "values.cpp")[1]["value-after-loop"]
    decided = {s.line: s.attrs["at_least"] for s in sites if not s.attrs.get("undecided")}
    assert decided == {15: 2000, 35: 3, 57: 4}
    assert all(s.attrs["can_be_zero"] is None for s in sites if s.line in (25, 46))  # a restart, a break


def test_a_pair_answered_for_one_operand_is_asked_by_the_second_call_only():
    sites = analyze(RULES / "call-after-failure" / "calls.cpp")[1]["call-after-failure"]
    [short] = [s for s in sites if s.line == 16 and "runs_after_failure" in s.attrs]
    assert "QUdpSocket::bind" not in short.subjects["callee"]
    assert short.attrs["evidence_for"]["runs_after_failure"] == [16, 17]
    [alone] = [s for s in sites if s.line == 16 and "not_asked" in s.attrs]
    assert "bind" in alone.subjects["callee"]


def test_a_read_after_a_bytes_available_guard_can_count_on_its_bytes():
    sites = {s.line: s for s in analyze(RULES / "read-guard" / "reads.cpp")[1]["read-guard"]}
    assert sites[21].attrs["excluded"]["runs_with_fewer_than"] == ["1", "2", "3", "4"]  # sizeof(quint32) through the stream
    assert sites[21].attrs["evidence_for"]["runs_with_fewer_than"] == [19, 20, 21]
    assert sites[22].attrs["excluded"]["runs_with_fewer_than"][-1] == "4"              # the socket read directly
    assert sites[29].attrs["runs_with_fewer_than"] is None                           # a bound that is a variable


def test_an_exit_between_two_calls_leaves_still_called_undecided():
    sites = analyze(RULES / "call-after-failure" / "calls.cpp")[1]["call-after-failure"]
    pairs = {s.attrs["then"]: s for s in sites if s.line == 77 and "then" in s.attrs}
    assert pairs["QAbstractSocket::state"].attrs["runs_after_failure"] is True
    join = pairs["QUdpSocket::joinMulticastGroup"]
    assert join.attrs["runs_after_failure"] is None and join.attrs["evidence_for"]["runs_after_failure"] == [77, 79, 80]
