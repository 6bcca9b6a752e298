"""The qtcheck command as a user runs it: findings, claims, JSON, exit statuses, extra rules."""

from __future__ import annotations

import json
import shutil

from conftest import EXAMPLE, ROOT, SEEDS, run_cli

REL = str(EXAMPLE.relative_to(ROOT))


def test_findings_are_printed_with_file_line_and_rule():
    result = run_cli(REL)
    assert result.returncode == 0, result.stderr
    assert f"{REL}:44:9: warning: [unchecked-result] the result of QLocalServer::listen() is discarded" in result.stdout
    assert "== Findings: " in result.stdout


def test_json_report_has_version_claims_and_findings():
    result = run_cli(REL, "--claims", str(SEEDS), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert [r["review"] for r in report["reviews"]] == [
        "000_9d6af4e87f410c30.txt", "003_53d45f972b1944f2.txt", "004_7b69e615ccdd5cab.txt"]
    claim = next(c for c in report["reviews"][2]["claims"] if c["id"] == "2")
    assert claim["verdict"] == "confirmed"
    assert claim["rules"] == ["unchecked-result"]
    assert claim["lines"] == [73]
    assert [e["line"] for e in claim["evidence"]] == [44]
    finding = next(f for f in report["findings"] if f["rule"] == "unchecked-result")
    assert (finding["line"], finding["column"], finding["claimed"]) == (44, 9, True)
    summary = report["reviews"][2]["summary"]
    assert summary["claims"] == sum(summary[k] for k in ("confirmed", "refuted", "partly", "unverifiable"))


def test_fail_on_finding_exits_1_and_unknown_kind_exits_2():
    assert run_cli(REL, "--fail-on", "finding").returncode == 1
    bad = run_cli(REL, "--fail-on", "bogus")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "bogus" in bad.stderr


def test_fail_on_refuted_gates_on_claims():
    assert run_cli(REL, "--claims", str(SEEDS), "--fail-on", "refuted").returncode == 1


# A user's rule: QEventLoop::exec() results dropped (line 89 of the example).
EXEC_DROPPED = ("id: exec-dropped\ntitle: exec() result dropped\nmessage: m\nseverity: note\n"
                "matcher: {name: discarded-result, params: {callees: [QEventLoop::exec]}}\n"
                "docs: {what: w, why: y, example: e}\n")


def test_extra_rules_dir_adds_a_rule(tmp_path):
    (tmp_path / "exec-dropped.yaml").write_text(EXEC_DROPPED)
    result = run_cli(REL, "--rules", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    lines = [f["line"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "exec-dropped"]
    assert lines == [89]


def test_bad_rule_file_names_the_file_and_the_key(tmp_path):
    shutil.copy(ROOT / "rules" / "debug-output.yaml", tmp_path / "x.yaml")
    text = (tmp_path / "x.yaml").read_text().replace("id: debug-output", "id: debug-output2").replace(
        "matcher:", "matcher:\n  parms: {}", 1)
    (tmp_path / "x.yaml").write_text(text)
    result = run_cli(REL, "--rules", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"qtcheck: {tmp_path / 'x.yaml'}: unknown key 'matcher.parms'"
