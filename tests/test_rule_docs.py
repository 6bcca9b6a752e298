"""--list-rules, --explain RULE, the generated docs/rules.md and SARIF's helpUri to its anchors; rules that are off
by default report nothing unless selected, yet answer claims as before."""

from __future__ import annotations

import json
import re

import yaml

from qtcheck.ruledocs import RULES_PAGE
from conftest import EXAMPLE, ROOT, SEEDS, run_cli
from test_cli import EXEC_DROPPED
from test_robustness import refused

RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
PAGE = ROOT / "docs" / "rules.md"
REL = str(EXAMPLE.relative_to(ROOT))


def yaml_rules() -> dict[str, dict]:
    return {d["id"]: d for d in (yaml.safe_load(p.read_text()) for p in RULE_FILES)}


def expected_state(data: dict) -> str:
    if data.get("findings") is False:
        return "claims"
    return "off" if data.get("default", True) in (False, "off") else "on"


def test_list_rules_prints_id_severity_default_and_title_one_per_line():
    result = run_cli("--list-rules", "--no-config")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    rules = yaml_rules()
    assert len(lines) == len(rules)
    for line in lines:
        rule_id, severity, state, title = re.split(r"\s{2,}", line, maxsplit=3)
        assert (severity, state, title) == (rules[rule_id]["severity"], expected_state(rules[rule_id]),
                                            rules[rule_id]["title"])
    states = {line.split()[0]: line.split()[2] for line in lines}
    assert {r for r, s in states.items() if s == "off"} == {"missing-doc-comment", "mixed-naming", "debug-output",
                                                             "unused-suppression", "string-based-connection"}


def test_list_rules_as_json_says_default_and_what_is_selected_here():
    result = run_cli("--list-rules", "--no-config", "--format", "json", "--checks", "-*,unchecked-result,unowned-*")
    assert result.returncode == 0, result.stderr
    listed = {r["id"]: r for r in json.loads(result.stdout)}
    assert set(listed) == set(yaml_rules())
    assert {r for r, d in listed.items() if d["selected"]} == {"unchecked-result", "unowned-qobject-allocation"}
    doc = listed["missing-doc-comment"]
    assert (doc["default"], doc["severity"], doc["findings"]) == ("off", "note", True)
    assert listed["wait-timeout"]["default"] == "claims"
    assert listed["unchecked-result"]["help_uri"] == f"{RULES_PAGE}#unchecked-result"


def test_the_committed_rules_page_is_up_to_date():
    """`make docs` writes docs/rules.md; a rule YAML changed without it fails here."""
    result = run_cli("--list-rules", "--format", "markdown", "--no-config")
    assert result.returncode == 0, result.stderr
    assert PAGE.read_text() == result.stdout, "docs/rules.md is out of date: run `make docs`"


def test_the_rules_page_has_an_anchor_and_the_docs_of_every_rule():
    page = PAGE.read_text()
    for rule_id, data in yaml_rules().items():
        section = page.split(f'<a id="{rule_id}"></a>', 1)[1].split("<a id=", 1)[0]
        assert f"## {rule_id}\n" in section
        assert " ".join(data["docs"]["why"].split()) in section
        assert data["docs"]["example"].rstrip() in section
        assert f"| [`{rule_id}`](#{rule_id}) | {data['severity']} | {expected_state(data)} |" in page


def test_sarif_rules_link_to_their_anchor_and_user_rules_have_none(tmp_path):
    (tmp_path / "exec-dropped.yaml").write_text(EXEC_DROPPED)
    result = run_cli(REL, "--rules", str(tmp_path), "--format", "sarif")
    assert result.returncode == 0, result.stderr
    described = {r["id"]: r for r in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    page = PAGE.read_text()
    for rule_id in yaml_rules():
        uri = described[rule_id]["helpUri"]
        assert uri == f"{RULES_PAGE}#{rule_id}"
        assert f'<a id="{uri.rsplit("#", 1)[1]}"></a>' in page
    assert "helpUri" not in described["exec-dropped"]


def test_explain_prints_what_why_example_and_fix():
    result = run_cli("--explain", "unchecked-result", "--no-config")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    docs = yaml_rules()["unchecked-result"]["docs"]
    assert out.startswith("unchecked-result: Result of a call that reports failure is discarded\n"
                          "severity warning; on by default; CWE: CWE-252")
    for label in ("What it finds:", "Why it matters:", "Example:", "How to fix:"):
        assert f"\n{label}\n" in out
    assert '    server->listen("foo");              // flagged' in out  # the example, indented as written
    assert " ".join(docs["fix"].split()) in " ".join(out.split())
    assert out.rstrip().endswith(f"More: {RULES_PAGE}#unchecked-result")
    off = run_cli("--explain", "missing-doc-comment", "--no-config").stdout
    assert "off by default (select it with --checks)" in off.splitlines()[1]
    as_json = json.loads(run_cli("--explain", "debug-output", "--format", "json", "--no-config").stdout)
    assert as_json["docs"]["what"] == yaml_rules()["debug-output"]["docs"]["what"] and as_json["default"] == "off"


def test_explain_an_unknown_rule_suggests_close_names():
    refused(run_cli("--explain", "unchecked-results"), "--explain: no rule 'unchecked-results' "
                                                       "(did you mean unchecked-result?)")
    refused(run_cli("--explain", "zzz"), "--explain: no rule 'zzz' (qtcheck --list-rules shows them all)")
    refused(run_cli("--explain", "unchecked-result", REL), "--explain takes no FILE")
    refused(run_cli("--list-rules", "--format", "sarif"), "--list-rules: format 'sarif' is not one of")
    refused(run_cli(), "no FILE given")


def test_rules_off_by_default_report_only_when_selected_and_answer_claims_alike():
    default = run_cli(REL, "--claims", str(SEEDS), "--format", "json", "--no-config")
    chosen = run_cli(REL, "--claims", str(SEEDS), "--format", "json", "--no-config",
                     "--checks", "missing-doc-comment,mixed-naming,debug-output")
    assert default.returncode == chosen.returncode == 0
    default, chosen = json.loads(default.stdout), json.loads(chosen.stdout)
    off = {"missing-doc-comment", "mixed-naming", "debug-output"}
    assert not {f["rule"] for f in default["findings"]} & off
    assert {f["rule"] for f in chosen["findings"]} & off == {"missing-doc-comment", "debug-output"}
    assert default["reviews"] == chosen["reviews"]  # selection governs findings only
    doc_claim = next(c for r in default["reviews"] for c in r["claims"]
                     if r["review"] == "000_9d6af4e87f410c30.txt" and c["id"] == "3")
    assert doc_claim["rules"] == ["missing-doc-comment"]
    assert doc_claim["verdict"] == "confirmed" and len(doc_claim["evidence"]) == 8  # decided with the rule off


def test_the_readme_rules_table_shows_each_rule_default():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("\n## Rules\n", 1)[1].split("\n### ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (on|off|claims only) \| ", table, flags=re.M))
    assert rows == {rule_id: {"claims": "claims only"}.get(expected_state(data), expected_state(data))
                    for rule_id, data in yaml_rules().items()}
