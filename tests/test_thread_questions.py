"""The thread questions of issue #11 on their fixtures, parsed for real: objects the file never creates, namespace-scope
variables, condition waits re-checked or not, lock scopes, data functions, console programs, locals' destruction."""

from __future__ import annotations

import functools

from conftest import FIXTURES, analyze

from qtcheck.threads import MAIN, ThreadModel, creator, home, surely_distinct, worker

OUTSIDE = FIXTURES / "rules" / "cross-thread-member-access" / "outside.cpp"
WAITS = FIXTURES / "rules" / "wait-recheck" / "waits.cpp"
SCOPE = FIXTURES / "rules" / "lock-scope" / "scope.cpp"
TESTS = FIXTURES / "rules" / "test-data" / "tests.cpp"
UI = FIXTURES / "rules" / "user-interface"


@functools.lru_cache(maxsize=None)
def _analyzed(path):
    return analyze(path)


def _site(path, rule, **subjects):
    _, sites = _analyzed(path)
    return next(s for s in sites[rule] if all(v in s.subjects.get(k, []) for k, v in subjects.items()))


def test_a_qthread_subclass_made_elsewhere_lives_in_the_thread_that_made_it_never_its_worker():
    facts, _ = _analyzed(OUTSIDE)
    model = ThreadModel(facts)
    assert model.code("Painter::halt", None).threads == {creator("Painter")}
    assert model.code("Painter::run", None).threads == {worker("Painter")}
    assert surely_distinct({creator("Painter"), worker("Painter")})
    assert not surely_distinct({creator("Painter"), MAIN})  # the main thread may well be the one that made it
    site = _site(OUTSIDE, "cross-thread-member-access", variable="Painter::m_stop")
    assert (site.flagged, site.line, site.attrs["cross_thread"]) == (True, 33, True)
    assert ("line 26 writes in the thread that created the Painter (outside the file) (guarded); line 33 reads in "
            "the worker thread of Painter") in site.message


def test_which_thread_runs_a_method_of_a_thread_object_made_elsewhere_is_not_decided():
    site = _site(OUTSIDE, "thread-of", function="Painter::paint")
    assert site.attrs["other_thread"] is None
    assert site.message.startswith("which thread runs paint() is not decided: Painter::paint is a member of the "
                                   "QThread subclass Painter")


def test_slots_connected_with_their_own_object_run_in_the_one_thread_it_lives_in():
    facts, _ = _analyzed(OUTSIDE)
    assert ThreadModel(facts).code("Poller::tick", None).threads == {home("Poller")}
    site = _site(OUTSIDE, "cross-thread-member-access", variable="Poller::m_ticks")
    assert (site.flagged, site.attrs["cross_thread"], site.attrs["undecided"]) == (False, False, False)
    assert "Poller::tick is called only as a slot connected at line(s) 49 with its own object as receiver" \
        in site.message


def test_namespace_scope_variables_in_one_thread_are_decided_and_in_two_without_a_lock_are_not():
    served = _site(OUTSIDE, "cross-thread-member-access", variable="served")
    assert (served.flagged, served.attrs["threads"]) == (False, [MAIN])
    assert "serve() is called only at line(s) 104, 105, in the main thread" in served.message
    ring = _site(OUTSIDE, "cross-thread-member-access", variable="ring")
    assert (ring.flagged, ring.attrs["undecided"]) == (False, True)
    assert ring.message.startswith("ring is touched from the worker thread of Consumer and the worker thread of "
                                   "Producer and not always under a lock; whether something else orders the "
                                   "accesses (a counter tested under a lock, a semaphore, start() and wait()) is "
                                   "not followed")


def test_a_wait_in_an_if_is_not_rechecked_and_one_in_a_loop_is():
    peek = _site(WAITS, "wait-recheck", function="Channel::peek")
    assert (peek.flagged, peek.attrs["rechecked"], peek.attrs["guard"], peek.evidence) == (True, False, "if", [28])
    assert peek.attrs["single_waiter"] is None  # Channel is made outside the file: how many threads wait is unknown
    assert peek.message == ("m_notEmpty.wait() at line 29 is in the branch of the if at line 28: when it returns, "
                            "the code goes on without testing the condition again; the file never creates a "
                            "Channel: where it lives is decided outside the file")
    take = _site(WAITS, "wait-recheck", function="Channel::take")
    assert (take.flagged, take.attrs["guard"]) == (False, "while")
    flag = _site(WAITS, "wait-recheck", function="Flag::await")
    assert (flag.attrs["rechecked"], flag.attrs["guard"]) == (True, None)  # the predicate overload tests it itself


def test_the_lock_scope_of_a_run_that_releases_the_mutex_for_its_work():
    run = _site(SCOPE, "lock-scope", function="Renderer::run")
    assert (run.flagged, run.attrs["whole"]) == (False, False)
    assert "the worker" in run.subjects["function"]
    assert run.message == ("run() does not keep mutex locked throughout: it takes it at line(s) 28, 37 and releases "
                           "it at line(s) 30, 41; the work at line(s) 35 runs with mutex released (it holds it only "
                           "around line(s) 29, 38-40)")
    request = _site(SCOPE, "lock-scope", function="Renderer::request")
    assert (request.flagged, request.line) == (True, 14)


def test_a_data_function_that_calls_another_adds_its_columns():
    site = _site(TESTS, "test-data", function="tst_Codec::decodeThreaded")
    assert site.attrs == {"has_data": True, "columns": ["input", "size"]}
    assert site.message == ("decodeThreaded() has a data function, decodeThreaded_data() at line 14, which adds the "
                            "column(s) input (line 23, through encode_data()), size (line 24, through encode_data())")
    assert _site(TESTS, "test-data", function="tst_Codec::decode").attrs["has_data"] is False


def test_a_console_program_has_no_interface_and_a_gui_program_is_not_decided():
    console = _site(UI / "console.cpp", "user-interface")
    assert (console.attrs["ui"], console.line, console.evidence) == (False, 6, [8])
    gui = _site(UI / "gui.cpp", "user-interface")
    assert gui.attrs["ui"] is None
    assert gui.message == ("whether the program has a user interface is not decided by this file: main() makes a "
                           "QGuiApplication (line 8)")


def test_a_local_qobject_is_destroyed_where_its_block_ends_by_the_thread_that_made_it():
    site = _site(FIXTURES / "rules" / "destroyed-where" / "locals.cpp", "destroyed-where", variable="timer")
    assert (site.attrs["destroyed_elsewhere"], site.evidence) == (False, [29])
    assert "(the lambda runs in the thread QThread::create() at line 25 starts)" in site.message


def test_one_waiter_when_the_only_waiting_thread_class_is_made_once():
    path = FIXTURES / "rules" / "wait-recheck" / "waiters.cpp"
    single = _site(path, "wait-recheck", variable="spaceFree")
    assert single.attrs["single_waiter"] is True
    assert single.attrs["evidence_for"] == {"single_waiter": [34]}  # the wakeAll() on it
    assert single.message.endswith("spaceFree is waited on only at line(s) 19, in the worker thread of Filler, and "
                                   "the file makes one Filler (line 42): one thread can be waiting on it")
    several = _site(path, "wait-recheck", variable="workReady")
    assert several.attrs["single_waiter"] is None
    assert "how many Drainer threads run is not decided by the file" in several.message
