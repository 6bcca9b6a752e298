"""The same seed claims on a later revision of the example (fixes applied, lines moved).

Claims resolve by subject, so they still find their constructs; where the code was fixed,
the verdicts change with it.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, judge

FIXED = FIXTURES / "revision" / "tst_localsocket_bench_fixed.cpp"
R000 = "000_9d6af4e87f410c30.txt"
R003 = "003_53d45f972b1944f2.txt"
R004 = "004_7b69e615ccdd5cab.txt"


@pytest.fixture(scope="module")
def verdicts():
    return judge(FIXED)


def test_checked_listen_refutes_the_unchecked_claim(verdicts):
    v = verdicts[(R004, "2")]
    assert v.verdict == "refuted"
    assert v.reason == "the result of QLocalServer::listen() is checked by QVERIFY2"
    assert [e.line for e in v.evidence] == [40]
    assert v.line_note == "cited line(s) 73 do not hold what the claim is about; it stands at line(s) 40"


def test_stack_server_refutes_the_raw_pointer_claim(verdicts):
    v = verdicts[(R004, "1")]
    assert v.verdict == "refuted"
    assert [p.verdict for p in v.parts] == ["refuted", "refuted", "unverifiable", "unverifiable", "unverifiable"]
    assert "`server` is a QLocalServer on the stack of run(): it is destroyed when its block ends at line 42" \
        in v.parts[0].reason
    assert [e.line for e in v.parts[0].evidence] == [30, 42]  # QLocalServer server; and where its block ends


def test_assert_only_bound_is_still_an_overflow_in_release_builds(verdicts):
    v = verdicts[(R003, "4")]
    assert v.verdict == "refuted"
    assert "only bound by buffer.size() is a Q_ASSERT (line 35)" in v.parts[0].reason
    assert [e.line for e in v.parts[0].evidence] == [36, 35, 34]  # the read, the assert, where n comes from


def test_qverify2_in_run_is_a_finding_no_review_names():
    from conftest import analyze

    facts, sites = analyze(FIXED)
    flagged = [(s.line, s.attrs["macro"], s.attrs["context"]) for s in sites["qtest-macro-outside-test-function"]
               if s.flagged]
    assert (40, "QVERIFY2", "thread-run") in flagged


def test_clamped_read_is_not_flagged():
    from conftest import analyze

    facts, sites = analyze(FIXED)
    assert [(s.line, s.attrs["bound"]) for s in sites["unbounded-read"]] == [(36, "assert"), (64, "checked")]
