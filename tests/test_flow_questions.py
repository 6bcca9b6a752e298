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
