"""NOLINT, NOLINTNEXTLINE, NOLINTBEGIN/END: what they silence, what they leave, and --report-unused-suppressions."""

from __future__ import annotations

import json

import jsonschema
import pytest

from qtcheck import suppressions
from conftest import BAD, FIXTURES, ROOT, run_cli
from test_reports import SCHEMA

NOLINT = FIXTURES / "suppressions" / "nolint.cpp"
REL = str(NOLINT.relative_to(ROOT))


def marked(word: str) -> set[int]:
    """Lines of nolint.cpp whose comment holds `word` (silenced / stays)."""
    return {n for n, line in enumerate(NOLINT.read_text().splitlines(), 1) if f" {word}" in line.split("//", 1)[-1]
            or f" {word}" in line.split("/*", 1)[-1]}


@pytest.fixture(scope="module")
def nolint_report():
    result = run_cli(REL, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_spelling_silences_what_it_names_and_nothing_else(nolint_report):
    silenced, stays = marked("silenced"), marked("stays")
    assert len(silenced) == 5 and len(stays) == 5
    assert {f["line"] for f in nolint_report["suppressed"]} == silenced
    assert {f["line"] for f in nolint_report["findings"]} == stays
    by_line = {f["line"]: f["suppressed_by"] for f in nolint_report["suppressed"]}
    assert by_line[10] == {"line": 10, "directive": "NOLINT(unchecked-result)"}
    assert by_line[14] == {"line": 13, "directive": "NOLINTNEXTLINE(unchecked-*)"}  # the line before
    assert by_line[25] == {"line": 24, "directive": "NOLINTBEGIN(unowned-*)"}


def test_an_unclosed_block_is_named_in_a_notice(nolint_report):
    assert f"{REL}:32: NOLINTBEGIN(unchecked-result) has no matching NOLINTEND: it suppresses nothing" in \
        nolint_report["notices"]


def test_text_markdown_and_sarif_say_what_was_suppressed(tmp_path):
    result = run_cli(REL, "--format", "sarif", "--output", str(tmp_path / "r.sarif"),
                     "--format", "markdown", "--output", str(tmp_path / "r.md"), "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "note: 5 finding(s) suppressed by NOLINT comments" in result.stdout
    assert f"{REL}:10:" not in result.stdout and f"{REL}:11:5: warning: [unchecked-result]" in result.stdout
    assert "_5 finding(s) suppressed by NOLINT comments._" in (tmp_path / "r.md").read_text()
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert [e.message for e in jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(sarif)] == []
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] != "qtcheck-claim"]
    quiet = [r for r in results if r.get("suppressions")]
    assert len(quiet) == 5 and len(results) == 10
    line10 = next(r for r in quiet if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 10)
    assert line10["suppressions"][0]["kind"] == "inSource"
    assert line10["suppressions"][0]["justification"] == "NOLINT(unchecked-result)"


def test_a_suppressed_finding_fails_nothing_but_claims_still_see_it(tmp_path):
    src = tmp_path / "settings.cpp"
    src.write_text(BAD.replace("file.open(QIODevice::ReadOnly);", "file.open(QIODevice::ReadOnly);  // NOLINT"))
    claims = tmp_path / "claims.yaml"
    claims.write_text("review: r.txt\nclaims:\n  - id: '1'\n    quote: the result of open() is not checked\n"
                      "    parts:\n      - says: open() unchecked\n        rule: unchecked-result\n"
                      "        subjects: {callee: [open]}\n")
    result = run_cli(str(src), "--claims", str(claims), "--fail-on", "finding", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"] == [] and [f["line"] for f in data["suppressed"]] == [7]
    assert data["reviews"][0]["claims"][0]["verdict"] == "confirmed"
    assert [e["line"] for e in data["reviews"][0]["claims"][0]["evidence"]] == [7]
    src.write_text(BAD)  # without the NOLINT the same finding fails the run
    assert run_cli(str(src), "--fail-on", "finding").returncode == 1


def test_unused_suppressions_are_findings_when_asked_for():
    plain = run_cli(REL, "--format", "json")
    assert not [f for f in json.loads(plain.stdout)["findings"] if f["rule"] == "unused-suppression"]
    result = run_cli(REL, "--report-unused-suppressions", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    unused = {f["line"]: f["message"] for f in data["findings"] if f["rule"] == "unused-suppression"}
    assert unused == {
        11: "NOLINT(debug-output): debug-output (off in this file) suppresses no finding on its line",
        12: "NOLINT(unowned-qobject-allocation,unchecked-result): unowned-qobject-allocation suppresses no finding "
            "on its line",
        32: "NOLINTBEGIN(unchecked-result) has no matching NOLINTEND after it (naming the same rules): it "
            "suppresses nothing"}
    assert not any("NOLINTBEGIN" in n for n in data["notices"])  # said once, as the finding
    same = run_cli(REL, "--checks", "unused-suppression", "--format", "json")
    assert json.loads(same.stdout)["findings"] == data["findings"]


def _directives(text: str) -> list[tuple[str, int, int, str | None]]:
    return [(d.kind, d.line, d.col, d.checks) for d in suppressions.directives(text)]


def test_directives_are_read_from_comments_only():
    text = ('f(); // NOLINT(a, b )\n'
            's = "// NOLINT"; c = \'"\'; // NOLINTNEXTLINE(x)\n'
            'r = R"xy(// NOLINT )" still raw)xy"; /* NOLINTBEGIN\n'
            '  NOLINTEND */ n = 1\'000; // NOLINTFOO NOLINT(unclosed\n'
            'x = u8"\\" // NOLINT"; y = L\'\\\'\'; // NOLINT()\n'
            '// splice \\\n'
            'NOLINT on a spliced line\n')
    assert _directives(text) == [
        ("NOLINT", 1, 9, "a,b"),
        ("NOLINTNEXTLINE", 2, 30, "x"),
        ("NOLINTBEGIN", 3, 41, None),
        ("NOLINTEND", 4, 3, None),
        ("NOLINT", 4, 40, None),          # NOLINTFOO is no directive; an unclosed list means every rule
        ("NOLINT", 5, 37, ""),            # NOLINT() silences nothing
        ("NOLINT", 7, 1, None),           # a line comment ending in a backslash goes on
    ]


def test_crlf_and_cr_line_ends_count_lines_as_clang_does():
    assert _directives("a();\r\nb(); // NOLINT\rc(); // NOLINTNEXTLINE\n") == [
        ("NOLINT", 2, 9, None), ("NOLINTNEXTLINE", 3, 9, None)]


def test_blocks_nest_and_an_end_must_name_the_same_rules():
    found = suppressions.directives("// NOLINTBEGIN(a)\n// NOLINTBEGIN(b)\n// NOLINTEND(b)\n// NOLINTEND(a)\n"
                                    "// NOLINTBEGIN(c)\n// NOLINTEND(d)\n")
    matched, unmatched = suppressions.blocks(found)
    assert [(b.checks, b.line, b.end) for b in matched] == [("b", 2, (3, 4)), ("a", 1, (4, 4))]
    assert [(d.kind, d.checks) for d in unmatched] == [("NOLINTBEGIN", "c"), ("NOLINTEND", "d")]


def test_a_large_file_is_scanned_quickly():
    import time

    text = ('x = "a // b"; y = \'c\'; z = 1\'000; // comment\n' * 50_000) + "f(); // NOLINT\n"
    start = time.monotonic()
    assert _directives(text) == [("NOLINT", 50_001, 9, None)]
    assert time.monotonic() - start < 5
