"""Code clang could not parse yields no findings, only a notice (issue 12, item 2).

After a fatal error (a missing header) clang reports nothing more but drops the code that used what it could not
find: a variable read in a dropped statement looks never read, a test class whose base is unknown looks like no
QObject. These tests parse for real, with the installed Qt headers.
"""

from __future__ import annotations

import json

from qtcheck import facts_unparsed
from conftest import FIXTURES, analyze, run_cli

PARSE = FIXTURES / "parse"
MISSING = PARSE / "missing_header.cpp"


def report(*args: str, status: int = 0) -> dict:
    result = run_cli(*args, "--format", "json", "--no-cache")
    assert result.returncode == status, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_code_that_used_a_missing_header_gives_no_finding_the_clean_function_still_does():
    data = report(str(MISSING))
    found = sorted((f["line"], f["rule"]) for f in data["findings"])
    # before: unused-variable at 23 (factor, read on line 24 in a statement clang dropped) and at 22, and
    # QVERIFY "in a helper function" at 17 (a test slot of a class whose base did not parse)
    # and unused-variable at 38 (readings, read in a connect() clang dropped whole) and 45 (offset, read in a call
    # clang could not resolve)
    assert found == [(31, "unchecked-result"), (32, "unused-variable")]


def test_the_report_says_atop_what_it_could_not_check_and_why():
    data = report(str(MISSING))
    notices = data["notices"]
    assert notices[0].startswith(f"{MISSING}: clang reported 1 error(s) (first at line 5), the first: "
                                 f"'gauge_widgets.h' file not found")
    assert f"{MISSING}: not checked: class tst_Gauge (lines 8-13): its base class GaugeTestBase is not known to " \
           f"clang (declared in a header clang could not read, or misspelled)" in notices
    assert f"{MISSING}: not checked: tst_Gauge::reading (lines 15-18): it belongs to class tst_Gauge, which clang " \
           f"could not fully parse (line 8)" in notices
    assert f"{MISSING}: not checked: scaledLevel (lines 20-27): clang could not make sense of the declaration of " \
           f"gauge at line 22 (its type or initializer names something clang does not know)" in notices
    assert f"{MISSING}: not checked: countReadings (lines 36-41): clang dropped the statement at line 39: " \
           f"QObject::connect(source, &GaugeSource::reading, source, [..." in notices
    assert f"{MISSING}: not checked: calibrate (lines 43-48): clang could not resolve `applyCalibration(raw, " \
           f"offset)` at line 46" in notices
    assert not any("saveLevel" in n for n in notices)  # parsed cleanly: checked, not listed


def test_claims_about_unparsed_code_are_unverifiable_and_about_clean_code_decided():
    data = report(str(MISSING), "--claims", str(PARSE / "missing_header.claims.yaml"))
    claims = {c["id"]: c for c in data["reviews"][0]["claims"]}
    assert claims["clean"]["verdict"] == "confirmed"
    assert [e["line"] for e in claims["clean"]["evidence"]] == [31]
    assert claims["broken"]["verdict"] == "unverifiable"
    assert claims["broken"]["reason"].startswith("clang could not parse the code this depends on")
    assert [e["line"] for e in claims["broken"]["evidence"]] == [23]


def test_a_nolint_in_unparsed_code_is_never_reported_as_suppressing_nothing():
    data = report(str(MISSING), "--report-unused-suppressions")
    unused = [(f["line"], f["message"]) for f in data["findings"] if f["rule"] == "unused-suppression"]
    # line 25's NOLINT is in scaledLevel, which clang could not parse; line 33's is in clean code
    assert unused == [(33, "NOLINT(manual-delete): manual-delete suppresses no finding on its line")]


def test_a_header_missing_from_an_included_local_header_is_said_atop_the_report():
    path = PARSE / "through_header" / "main.cpp"
    data = report(str(path))
    assert data["notices"][0].startswith(f"{path}: clang reported 1 error(s) in the headers it includes: ")
    assert "meter.h:2: 'meter_private.h' file not found" in data["notices"][0]
    assert data["findings"] == []


def test_fail_on_parse_error_fails_ci_on_a_parse_error_in_the_file_or_its_headers():
    for path in (MISSING, PARSE / "through_header" / "main.cpp"):
        assert run_cli(str(path), "--no-cache", "--fail-on", "parse-error").returncode == 1
        assert run_cli(str(path), "--no-cache").returncode == 0
    clean = run_cli(str(PARSE / "clean_templates.cpp"), "--no-cache", "--fail-on", "parse-error")
    assert clean.returncode == 0, clean.stderr


def test_fail_on_an_unknown_kind_names_parse_error():
    result = run_cli(str(MISSING), "--fail-on", "parse-eror")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "parse-error" in result.stderr


def test_code_clang_parsed_cleanly_has_no_unparsed_region(monkeypatch):
    """The detector, run on clean code (templates, generic lambdas, Q_EMIT, QTest macros, a switch with
    Q_FALLTHROUGH): nothing there is taken for code clang dropped."""
    monkeypatch.setattr(facts_unparsed, "FORCE", True)
    for path in (PARSE / "clean_templates.cpp", FIXTURES / "example" / "tst_localsocket_bench.cpp"):
        analyze.cache_clear()
        facts, _sites = analyze(path)
        assert facts.parse_errors() == []
        assert facts.unparsed == [], facts.unparsed
    analyze.cache_clear()


def test_a_syntax_error_holds_back_the_broken_functions_findings_only():
    facts, sites = analyze(FIXTURES / "robustness" / "broken_function.cpp")
    assert [(r.name, r.line, r.end_line, r.at) for r in facts.unparsed] == [("brokenOpen", 10, 15, 13)]
    unchecked = {s.line: s.unparsed for s in sites["unchecked-result"] if s.flagged}
    assert unchecked[6] is None
    assert unchecked[12].startswith("clang could not parse line 13 (expected expression)")


def test_fail_on_parse_error_from_the_config(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("main.cpp", "meter.h"):
        (folder / name).write_text((PARSE / "through_header" / name).read_text())
    (folder / ".qtcheck.yaml").write_text("fail-on: parse-error\n")
    assert run_cli(str(folder / "main.cpp"), "--no-cache").returncode == 1
    (folder / ".qtcheck.yaml").write_text("fail-on: finding\n")
    assert run_cli(str(folder / "main.cpp"), "--no-cache").returncode == 0


def test_a_test_class_whose_base_a_missing_header_declares_gives_its_slots_no_finding():
    """The class is declared in a local header that includes a missing one: its slots, defined in the file, are
    not taken for helper functions (QVERIFY 'in a helper function' was reported on such real Qt tests)."""
    path = PARSE / "class_in_header" / "tst_dial.cpp"
    data = report(str(path))
    assert sorted((f["line"], f["rule"]) for f in data["findings"]) == [(12, "unused-variable")]
    assert f"{path}: not checked: tst_Dial::turns (lines 5-8): its class tst_Dial (tst_dial.h, line 5) has a base " \
           f"class clang does not know: DialFixture" in data["notices"]
    assert "tst_dial.h:3: 'dial_fixture.h' file not found" in data["notices"][0]
