"""Thread affinity and the thread rules: seed verdicts on the example, and the model on the rule fixtures."""

from __future__ import annotations

from conftest import EXAMPLE, FIXTURES, analyze, judge

from qtcheck.threads import MAIN, ThreadModel, worker

MEMBER = FIXTURES / "rules" / "cross-thread-member-access"
OBJECT = FIXTURES / "rules" / "cross-thread-object-use"


def _site(path, rule, variable):
    _, sites = analyze(path)
    return next(s for s in sites[rule] if variable in s.subjects["variable"])


def test_shared_buffer_claim_is_refuted_with_the_thread_of_every_access():
    verdict = judge(EXAMPLE)[("003_53d45f972b1944f2.txt", "2")]
    part = verdict.parts[0]
    assert (verdict.verdict, part.verdict) == ("refuted", "refuted")
    assert [e.line for e in part.evidence] == [31, 40, 41, 62, 68, 72, 75]
    assert part.reason.startswith("the constructor's write(s) at line(s) 31 happen before start(); every other "
                                  "access to ServerThread::buffer runs in the worker thread of ServerThread")
    assert "peer comes from nextPendingConnection() at line 37, in the worker thread of ServerThread" in part.reason


def test_socket_factory_buffer_stays_in_the_main_thread():
    site = _site(EXAMPLE, "cross-thread-member-access", "SocketFactory::buffer")
    assert not site.flagged
    assert site.attrs["threads"] == [MAIN]
    assert "SocketFactory is created at line(s) 114, 140, in the main thread" in site.message


def test_same_socket_in_different_threads_claim_is_refuted():
    verdict = judge(EXAMPLE)[("004_7b69e615ccdd5cab.txt", "5")]
    assert verdict.verdict == "refuted"
    assert [e.line for e in verdict.parts[0].evidence] == [39, 40, 41, 68, 71, 72, 75, 81]
    facts, sites = analyze(EXAMPLE)
    homes = {s.subjects["variable"][0]: s.attrs["threads"] for s in sites["cross-thread-object-use"]}
    assert homes == {"server": [worker("ServerThread")], "peer": [worker("ServerThread")], "socket": [MAIN]}


def test_early_return_leak_claim_is_refuted_with_the_path():
    part = judge(EXAMPLE)[("003_53d45f972b1944f2.txt", "1")].parts[2]
    assert part.verdict == "refuted"
    assert [e.line for e in part.evidence] == [35, 46]
    assert ("every path from line 35 out of run() passes a delete (the exits at line(s) 40, 41 leave a nested "
            "lambda only)") in part.reason


def test_member_written_in_run_and_read_by_the_creating_thread_is_a_race():
    site = _site(MEMBER / "triggers.cpp", "cross-thread-member-access", "Counter::total")
    assert (site.flagged, site.line, site.evidence) == (True, 13, [10, 15])
    assert site.attrs == {"threads": [MAIN, worker("Counter")], "unguarded_write": True, "cross_thread": True,
                          "undecided": False}
    assert site.message.endswith("line 13 writes in the worker thread of Counter; line 15 reads in the main thread")


def test_queued_lambda_to_a_moved_object_runs_in_its_thread():
    site = _site(MEMBER / "triggers.cpp", "cross-thread-member-access", "Sink::received")
    assert (site.flagged, site.line) == (True, 38)
    assert site.attrs["threads"] == [MAIN, "the thread of QThread thread"]


def test_worker_only_member_and_locked_member_are_not_races():
    echo = _site(MEMBER / "silent.cpp", "cross-thread-member-access", "Echo::buffer")
    assert (echo.flagged, echo.attrs["threads"]) == (False, [worker("Echo")])
    hits = _site(MEMBER / "silent.cpp", "cross-thread-member-access", "Guarded::hits")
    assert (hits.flagged, hits.attrs["cross_thread"], hits.attrs["unguarded_write"]) == (False, True, False)
    tally = _site(MEMBER / "silent.cpp", "cross-thread-member-access", "Tally::count")
    assert (tally.flagged, tally.attrs["threads"]) == (False, [MAIN])


def test_started_signal_and_move_to_thread_put_uses_in_other_threads():
    socket = _site(OBJECT / "triggers.cpp", "cross-thread-object-use", "socket")
    assert (socket.flagged, socket.line) == (True, 14)
    timer = _site(OBJECT / "triggers.cpp", "cross-thread-object-use", "timer")
    assert (timer.flagged, timer.line, timer.attrs["threads"]) == (True, 23, [MAIN, "the thread of QThread other"])


def test_an_object_passed_in_from_outside_is_undecidable():
    facts, _ = analyze(OBJECT / "silent.cpp")
    model = ThreadModel(facts)
    affinity = model.object("device", "main", None)
    assert affinity.threads is None
    assert "passed in or obtained from outside" in affinity.why


def test_claims_about_objects_from_outside_the_file_are_unverifiable():
    fixture = FIXTURES / "threads" / "passed_in.cpp"
    verdicts = judge(fixture, FIXTURES / "threads" / "passed_in.claims.yaml")
    socket, member = verdicts[("passed_in.txt", "1")], verdicts[("passed_in.txt", "2")]
    assert (socket.verdict, member.verdict) == ("unverifiable", "unverifiable")
    assert socket.reason == ("device (QLocalSocket): which thread uses it is not decidable: device is passed in or "
                             "obtained from outside this function: its thread is not decidable from the file")
    assert [e.line for e in socket.parts[0].evidence] == [10, 11]
    assert member.parts[0].reason == ("Relay::last: the thread of the access at line 11 is not decidable: the file "
                                      "never creates a Relay: where it lives is decided outside the file")


def test_a_member_of_instances_in_two_threads_is_not_called_a_race():
    site = _site(FIXTURES / "threads" / "two_instances.cpp", "cross-thread-member-access", "Box::count")
    assert (site.flagged, site.attrs["undecided"], site.attrs["cross_thread"]) == (False, True, False)
    assert site.message.endswith("which instance it touches is not decided")
    assert "Box::bump is called only at line(s) 18, 25, in the main thread and the worker thread of Worker" \
        in site.message


def test_a_qtest_macro_between_new_and_delete_is_an_exit_unless_inside_a_lambda():
    _, sites = analyze(FIXTURES / "flow" / "leak_paths.cpp")
    by_line = {s.line: s for s in sites["manual-delete"]}
    leaks, safe = by_line[8], by_line[16]
    assert (leaks.attrs["early_exit"], leaks.attrs["exits_between"]) == (True, ["qtest at line 9"])
    assert leaks.message.endswith("; leaksOnFailure() can leave between them: qtest at line 9 (path 8 -> 9)")
    assert (safe.attrs["early_exit"], safe.attrs["exits_between"]) == (False, [])
    assert safe.message.endswith("every path from line 16 out of exitsOnlyInTheLambda() passes a delete (the "
                                 "exits at line(s) 18 leave a nested lambda only)")


def test_early_return_leak_claim_is_confirmed_when_a_qtest_macro_stands_between():
    v = judge(FIXTURES / "flow" / "leaky_server_thread.cpp")[("003_53d45f972b1944f2.txt", "1")]
    part = v.parts[2]
    assert (part.says, part.verdict) == ("an early return before the delete would leak it", "confirmed")
    assert [e.line for e in part.evidence] == [13, 14, 18, 20]  # the new, the path to the QVERIFY, the delete
    assert "run() can leave between them: qtest at line 18 (path 13 -> 14 -> 18)" in part.reason
    assert "(the exits at line(s) 16 leave a nested lambda only)" in part.reason
    assert v.parts[3].verdict == "unverifiable"  # the exception part: whether a call throws is not decided
