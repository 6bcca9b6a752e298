"""What a finding says must be what the code shows (issue 12, item 3): no claim the checker did not establish."""

from __future__ import annotations

from conftest import FIXTURES, analyze


def test_a_lambda_without_context_is_said_to_live_as_long_as_its_sender_nothing_more():
    _facts, sites = analyze(FIXTURES / "rules" / "connect-lambda-without-context" / "triggers.cpp")
    flagged = [s for s in sites["connect-lambda-without-context"] if s.flagged]
    assert flagged
    for site in flagged:
        assert "outlives the objects it captures" not in site.message
        assert "has no context object: the connection lasts as long as " in site.message
        assert site.message.endswith("not as long as what the lambda uses, and the lambda runs in the thread "
                                     "that emits the signal")
    first = min(flagged, key=lambda s: s.line)
    assert first.message.startswith("connect(timer, QTimer::timeout, lambda) has no context object: the "
                                    "connection lasts as long as timer,")


def test_a_lambda_with_a_context_is_not_said_to_have_none():
    _facts, sites = analyze(FIXTURES / "rules" / "connect-lambda-without-context" / "silent.cpp")
    quiet = [s for s in sites["connect-lambda-without-context"] if not s.flagged]
    assert quiet
    for site in quiet:
        assert "has no context object" not in site.message
        assert "has a context object: the connection ends when " in site.message


def test_accesses_ordered_by_start_and_wait_are_named_as_such():
    _facts, sites = analyze(FIXTURES / "rules" / "cross-thread-member-access" / "start_wait.cpp")
    limit = next(s for s in sites["cross-thread-member-access"] if s.subjects["variable"][-1] == "Summer::limit")
    assert not limit.flagged
    assert limit.message.startswith("the access(es) at line(s) 36 happen before the thread's start() or after its "
                                    "wait(); every other access to Summer::limit runs in the worker thread of Summer")
