"""Report formats via the CLI: text (plain/colour), Markdown, SARIF 2.1.0 against the official schema, pairs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qtcheck.reports import text as text_report
from conftest import EXAMPLE, ROOT, SEEDS, read_terminal, run_cli

REL = str(EXAMPLE.relative_to(ROOT))
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
REVIEW_004 = "004_7b69e615ccdd5cab.txt"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One run, four reports: SARIF, Markdown and JSON to files, text to stdout."""
    out = tmp_path_factory.mktemp("reports")
    result = run_cli(REL, "--claims", str(SEEDS), "--format", "sarif", "--output", str(out / "r.sarif"),
                     "--format", "markdown", "--output", str(out / "r.md"),
                     "--format", "json", "--output", str(out / "r.json"), "--format", "text")
    assert result.returncode == 0, result.stderr
    return {"sarif": json.loads((out / "r.sarif").read_text()), "markdown": (out / "r.md").read_text(),
            "json": json.loads((out / "r.json").read_text()), "text": result.stdout}


def test_sarif_validates_against_the_official_schema(reports):
    """tests/data/sarif-schema-2.1.0.json is OASIS's SARIF 2.1.0 (errata 01) schema; see tests/data/README.md."""
    schema = json.loads(SCHEMA.read_text())
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(reports["sarif"])]
    assert errors == []


def test_sarif_rules_come_from_the_yaml_and_every_rule_id_resolves(reports):
    run = reports["sarif"]["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    unchecked = next(r for r in rules if r["id"] == "unchecked-result")
    assert unchecked["shortDescription"]["text"] == "Result of a call that reports failure is discarded"
    assert unchecked["defaultConfiguration"]["level"] == "warning"
    assert "external/cwe/cwe-252" in unchecked["properties"]["tags"]
    assert "when the result is thrown away" in unchecked["fullDescription"]["text"]
    assert "```cpp" in unchecked["help"]["markdown"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1


def test_sarif_has_every_finding_and_every_claim_with_relative_uris(reports):
    run = reports["sarif"]["runs"][0]
    findings = [r for r in run["results"] if r["ruleId"] != "qtcheck-claim"]
    claims = [r for r in run["results"] if r["ruleId"] == "qtcheck-claim"]
    assert len(findings) == len(reports["json"]["findings"])
    assert len(claims) == sum(len(r["claims"]) for r in reports["json"]["reviews"])
    listen = next(r for r in findings if r["ruleId"] == "unchecked-result")
    location = listen["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": REL, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 44, "startColumn": 9}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


def test_sarif_claim_kind_says_the_verdict(reports):
    claims = {(r["properties"]["review"], r["properties"]["claim"]): r
              for r in reports["sarif"]["runs"][0]["results"] if r["ruleId"] == "qtcheck-claim"}
    confirmed, partly = claims[(REVIEW_004, "2")], claims[(REVIEW_004, "1")]
    assert (confirmed["kind"], confirmed["level"], confirmed["properties"]["verdict"]) == ("pass", "none", "confirmed")
    assert confirmed["locations"][0]["physicalLocation"]["region"] == {"startLine": 44, "startColumn": 9}
    assert (partly["kind"], partly["properties"]["verdict"]) == ("review", "partly")
    refuted = claims[("000_9d6af4e87f410c30.txt", "0")]
    assert (refuted["kind"], refuted["level"]) == ("fail", "warning")
    # every claim: kind and properties follow the verdict of the JSON report of the same run
    by_verdict = {}
    for review in reports["json"]["reviews"]:
        for claim in review["claims"]:
            result = claims[(review["review"], claim["id"])]
            assert result["properties"]["verdict"] == claim["verdict"]
            assert result["kind"] == {"confirmed": "pass", "refuted": "fail"}.get(claim["verdict"], "review")
            assert result["message"]["text"].startswith(claim["verdict"].upper() + ": claim ")
            by_verdict.setdefault(bool(claim["evidence"]), []).append((claim, result))
    # no evidence: the claim stands at its quote in the claims file that holds it, never at line 1 of the C++ file
    assert by_verdict[False]
    for claim, result in by_verdict[False]:
        place = result["locations"][0]["physicalLocation"]
        review = result["properties"]["review"]
        uri = place["artifactLocation"]["uri"]
        assert (uri, place["artifactLocation"]["uriBaseId"]) == (f"seeds/{review.rsplit('.', 1)[0]}.yaml", "%SRCROOT%")
        line = (ROOT / uri).read_text().splitlines()[place["region"]["startLine"] - 1]
        assert line.strip().startswith("quote:") and claim["quote"][:20].strip("'\"") in line, (line, claim["quote"])
        assert "startColumn" not in place["region"]


def test_markdown_has_a_scorecard_and_table_per_review_and_folded_evidence(reports):
    md = reports["markdown"]
    assert md.count("| claims | ✅ confirmed | ❌ refuted | 🟡 partly | ❔ unverifiable |") == 3
    assert f"## Review `{REVIEW_004}` on `{REL}`" in md
    for review in reports["json"]["reviews"]:
        s = review["summary"]
        assert (f"| {s['claims']} | {s['confirmed']} | {s['refuted']} | {s['partly']} | {s['unverifiable']} "
                f"| {s['holds']:.0%} |") in md
    assert "| 2 | ✅ confirmed | “CWE-703: There is no check for the success of the `server->listen(\"foo\")` call" in md
    assert "<summary>Claim 2: confirmed, 1 evidence line(s)</summary>" in md
    assert f"- `{REL}:44:9` `server->listen(\"foo\"); // MARK: result dropped`" in md
    assert "## Findings no review names: 4" in md
    assert f"| `{REL}:36:9` | warning | `connect-lambda-without-context` |" in md


def test_markdown_cells_escape_pipes_and_html():
    from qtcheck.reports import markdown
    assert markdown._cell("a | b <T>\nc `x->y`") == "a \\| b &lt;T&gt; c `x->y`"
    assert markdown._code("x `y` z") == "`` x `y` z ``"


def test_text_is_plain_when_not_a_tty_and_aligned(reports):
    out = reports["text"]
    assert "\x1b[" not in out
    assert "review                    claims  confirmed  refuted  partly  unverifiable  hold\n" in out
    for review in reports["json"]["reviews"]:
        s = review["summary"]
        assert (f"== {review['review']} on tst_localsocket_bench.cpp: {s['claims']} claims, {s['confirmed']} "
                f"confirmed, {s['refuted']} refuted, {s['partly']} partly, {s['unverifiable']} unverifiable; "
                f"{s['holds']:.0%} of the checkable claims hold") in out
        row = [review["review"], *(str(s[k]) for k in ("claims", "confirmed", "refuted", "partly", "unverifiable")),
               f"{s['holds']:.0%}"]
        assert any(line.split() == row for line in out.splitlines())
        for claim in review["claims"]:  # verdict marks padded to one width
            assert f"{'[' + claim['verdict'].upper() + ']':<15}{claim['id']}. \"" in out
    assert "[CONFIRMED]    2. \"CWE-703" in out
    assert f"    {REL}:44:9: server->listen(\"foo\");" in out
    assert f"{REL}:36:9: warning: [connect-lambda-without-context] " in out


def test_text_colours_and_links_on_a_terminal_unless_no_color(reports, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = text_report.render(reports["json"], to_terminal=True)
    assert "\x1b[1;32m2 confirmed\x1b[0m" in coloured
    assert "\x1b]8;" in coloured and EXAMPLE.as_uri() in coloured  # OSC 8 link to the file
    monkeypatch.setenv("NO_COLOR", "1")
    assert text_report.render(reports["json"], to_terminal=True) == reports["text"]


def test_unknown_format_and_two_formats_on_stdout_exit_2():
    bad = run_cli(REL, "--format", "html")
    assert (bad.returncode, bad.stderr) == (2, "qtcheck: unknown format 'html' (choose from text, json, markdown, sarif, "
                                               "github, pr-comment)\n")
    both = run_cli(REL, "--format", "sarif", "--format", "markdown")
    assert both.returncode == 2 and both.stderr.startswith("qtcheck: several formats would all go to stdout")


def test_fail_on_kinds_gate_ci(tmp_path):
    """One parse, SARIF to a file, and the exit status follows --fail-on."""
    target = tmp_path / "r.sarif"
    assert run_cli(REL, "--claims", str(SEEDS), "--format", "sarif", "--output", str(target),
                   "--fail-on", "unverifiable,confirmed").returncode == 1
    assert target.exists()
    assert run_cli(REL, "--fail-on", "refuted,unverifiable").returncode == 0  # no claims given: nothing to gate
    assert run_cli(REL, "--fail-on", "finding").returncode == 1


def test_readme_sample_report_is_the_real_output(reports):
    """The README's sample scorecard and the lines it quotes come from this very run."""
    readme = (ROOT / "README.md").read_text()
    sample = readme.split("## Sample report", 1)[1].split("## How claims are decided", 1)[0]
    block = sample.split("```text\n", 1)[1].split("```", 1)[0]
    # scorecard rows follow the verdicts as rules improve; the test above checks them against the run
    quoted = [line for line in block.splitlines() if "..." not in line and line.strip()
              and not line.startswith(("0", "== 0", "[UNVERIFIABLE] 5.", "    which thread"))]
    assert len(quoted) > 15
    for line in quoted:
        assert line in reports["text"].splitlines(), line


def _run_on_a_tty(*args: str, no_color: bool) -> str:
    """Run qtcheck with stdout on a real pseudo-terminal; return what it printed."""
    import os
    import pty
    import subprocess
    import sys

    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    exe = Path(sys.executable).parent / "qtcheck"
    proc = subprocess.Popen([str(exe), *args], stdout=child, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    os.close(child)
    return read_terminal(main, proc)


def test_cli_colours_only_on_a_terminal_without_no_color():
    coloured = _run_on_a_tty(REL, no_color=False)
    assert "\x1b[33mwarning\x1b[0m" in coloured
    plain = _run_on_a_tty(REL, no_color=True)
    assert "\x1b" not in plain
    assert f"{REL}:44:9: warning: [unchecked-result] " in plain


def test_unwritable_output_is_one_line_and_exit_2(tmp_path):
    result = run_cli(REL, "--format", "sarif", "--output", str(tmp_path / "missing" / "r.sarif"))
    assert result.returncode == 2
    assert result.stderr.startswith("qtcheck: ") and result.stderr.count("\n") == 1
    assert "cannot write the report" in result.stderr
