"""CI output with the real CLI: --format github, --color and FORCE_COLOR / NO_COLOR, text wrapped on a terminal, and
the SARIF fields GitHub code scanning reads (partialFingerprints, security-severity, informationUri, relative URIs
for files outside the current folder, claims without evidence at their place in the review)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from qtcheck.reports import github
from conftest import BAD, EXAMPLE, ROOT, SEEDS, read_terminal, run_cli

REL = str(EXAMPLE.relative_to(ROOT))
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _env(**changes: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _qtcheck(*args: str, cwd: Path = ROOT, **env: str | None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "qtcheck"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, env=_env(**env))


def _properties(text: str | None) -> dict:
    out = {}
    for item in (text or "").split(","):
        key, value = item.split("=", 1)
        out[key] = value
    return out


def test_github_format_is_one_annotation_per_finding_and_claim():
    result = run_cli(REL, "--claims", str(SEEDS), "--format", "github")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    commands = [COMMAND.match(line) for line in lines[:-1]]
    assert all(commands), [line for line, m in zip(lines, commands) if not m]
    assert lines[-1].startswith("qtcheck: 14 finding(s), 22 review claim(s)")
    listen = next(m for m in commands if "title=unchecked-result (qtcheck)" in m.group(2))
    assert listen.group(1) == "warning"
    assert _properties(listen.group(2)) == {"file": REL, "line": "44", "col": "9",
                                            "title": "unchecked-result (qtcheck)"}
    assert listen.group(3) == "the result of QLocalServer%3A%3Alisten() is discarded: a failure goes unnoticed" \
        .replace("%3A%3A", "::")  # the message escapes only %, CR and LF; properties also : and ,
    notes = [m for m in commands if m.group(1) == "notice" and "manual-delete" in (m.group(2) or "")]
    assert notes  # severity note is GitHub's notice
    claims = [m for m in commands if "title=review claim" in (m.group(2) or "")]
    assert len(claims) == 22
    refuted = [m for m in claims if m.group(2).endswith("%3A refuted")]
    assert refuted and all(m.group(1) == "warning" for m in refuted)
    assert all(m.group(1) == "notice" for m in claims if m not in refuted)
    # a claim with no evidence line stands at its quote in the claims file
    unplaced = [m for m in claims if _properties(m.group(2))["file"].startswith("seeds/")]
    assert unplaced
    for m in unplaced:
        props = _properties(m.group(2))
        line = (ROOT / props["file"]).read_text().splitlines()[int(props["line"]) - 1]
        assert line.strip().startswith("quote:")


def test_github_escaping_keeps_each_command_on_its_line(tmp_path):
    assert github.escape_data("50% done\r\n::error::x") == "50%25 done%0D%0A::error::x"
    assert github.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    odd = tmp_path / "odd,name:1.cpp"
    odd.write_text(BAD)
    result = run_cli(odd.name, "--format", "github", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "unchecked-result" in x)
    assert line.startswith("::warning file=odd%2Cname%3A1.cpp,line=7,col=5,title=unchecked-result (qtcheck)::")


def test_color_always_never_force_color_and_no_color_when_piped():
    args = (REL, "--checks=-*,unchecked-result")
    plain = _qtcheck(*args).stdout
    assert "\x1b[" not in plain and f"{REL}:44:9: warning: [unchecked-result] " in plain
    assert "\x1b[33mwarning\x1b[0m" in _qtcheck(*args, "--color", "always").stdout
    assert "\x1b[33mwarning\x1b[0m" in _qtcheck(*args, FORCE_COLOR="1").stdout
    assert _qtcheck(*args, FORCE_COLOR="0").stdout == plain
    assert _qtcheck(*args, FORCE_COLOR="1", NO_COLOR="1").stdout == plain
    assert _qtcheck(*args, "--color", "never", FORCE_COLOR="1").stdout == plain
    assert "\x1b[33m" in _qtcheck(*args, "--color", "always", NO_COLOR="1").stdout  # the flag beats the variables
    bad = _qtcheck(*args, "--color", "sometimes")
    assert bad.returncode == 2 and bad.stderr.startswith("qtcheck: argument --color: invalid choice: 'sometimes'")
    assert bad.stderr.count("\n") == 1


def test_text_to_a_file_is_plain_unless_color_always(tmp_path):
    out = tmp_path / "r.txt"
    assert _qtcheck(REL, "--output", str(out), "--format", "text", FORCE_COLOR="1").returncode == 0
    assert "\x1b[" not in out.read_text()
    assert _qtcheck(REL, "--output", str(out), "--format", "text", "--color", "always").returncode == 0
    assert "\x1b[33mwarning\x1b[0m" in out.read_text()


def _on_a_terminal(*args: str, columns: int, **env: str | None) -> str:
    """qtcheck with stdout on a pseudo-terminal of the given width."""
    import fcntl
    import pty
    import struct
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    exe = Path(sys.executable).parent / "qtcheck"
    proc = subprocess.Popen([str(exe), *args], stdout=child, stderr=subprocess.PIPE, cwd=ROOT, env=_env(**env))
    os.close(child)
    return read_terminal(main, proc)


def test_text_wraps_with_a_hanging_indent_on_a_terminal_only():
    wrapped = _on_a_terminal(REL, "--claims", str(SEEDS), columns=72, NO_COLOR="1")
    lines = wrapped.splitlines()
    assert max(len(line) for line in lines) <= 72
    first = lines.index(f"{REL}:36:9: warning:")  # a finding continues four spaces in
    assert lines[first + 1] == "    [connect-lambda-without-context] connect(server,"
    piped = run_cli(REL, "--claims", str(SEEDS)).stdout
    assert " ".join(wrapped.split()) == " ".join(piped.split())  # the same words, only broken differently
    assert max(len(line) for line in piped.splitlines()) > 72
    # an evidence line (indented four) continues at eight; colours keep working across the breaks
    evidence = lines.index(f"    {REL}:145:5:")
    assert lines[evidence + 1] == '        qDebug("dataExchange took %.1f s", timer.elapsed() / 1000.0);'
    coloured = _on_a_terminal(REL, columns=60)
    visible = [re.sub(r"\x1b\]8;[^\x1b]*\x1b\\|\x1b\[[0-9;]*m", "", line) for line in coloured.splitlines()]
    assert "\x1b[33mwarning\x1b[0m" in coloured and max(len(line) for line in visible) <= 60
    # COLUMNS gives the width; a piped report is never wrapped, whatever COLUMNS says
    assert max(len(line) for line in _on_a_terminal(REL, columns=200, COLUMNS="50", NO_COLOR="1").splitlines()) <= 50
    assert _qtcheck(REL, "--claims", str(SEEDS), COLUMNS="50", NO_COLOR="1").stdout == piped


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A file outside the folder qtcheck runs in, and a prose review with a claim the file gives no evidence for."""
    base = tmp_path_factory.mktemp("outside")
    (base / "src").mkdir()
    (base / "run").mkdir()
    (base / "src" / "settings.cpp").write_text(BAD)
    (base / "review.md").write_text("Review of settings.cpp\n\n"
                                    "1. The result of `file.open()` is not checked, so a failure goes unnoticed.\n"
                                    "2. The class `SettingsCache` leaks the QTimer it creates.\n")
    result = run_cli("../src/settings.cpp", "--review", "../review.md", "--format", "sarif", cwd=base / "run")
    assert result.returncode == 0, result.stderr
    return base, json.loads(result.stdout)


def test_sarif_for_a_file_outside_the_current_folder_is_relative_and_valid(outside):
    base, log = outside
    assert [e.message for e in jsonschema.Draft4Validator(SCHEMA).iter_errors(log)] == []
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (base / "run").resolve().as_uri() + "/"
    finding = next(r for r in run["results"] if r["ruleId"] == "unchecked-result")
    place = finding["locations"][0]["physicalLocation"]
    assert place["artifactLocation"] == {"uri": "../src/settings.cpp", "uriBaseId": "%SRCROOT%"}
    assert place["region"] == {"startLine": 7, "startColumn": 5}
    assert "file://" not in json.dumps(run["results"])


def test_sarif_claim_without_evidence_is_placed_at_its_line_of_the_review(outside):
    _base, log = outside
    claims = [r for r in log["runs"][0]["results"] if r["ruleId"] == "qtcheck-claim"]
    timer = next(r for r in claims if "SettingsCache" in r["message"]["text"])
    assert "relatedLocations" not in timer or timer["relatedLocations"] == []
    assert timer["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "../review.md", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 4}}
    checked = next(r for r in claims if "file.open()" in r["message"]["text"])
    assert checked["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "../src/settings.cpp"


def test_sarif_rules_with_cwe_rank_as_security_alerts_and_the_driver_links_home():
    log = json.loads(run_cli(REL, "--format", "sarif").stdout)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://github.com/") and "/blob/" not in driver["informationUri"]
    rules = {r["id"]: r for r in driver["rules"]}
    for rule in rules.values():
        cwe = rule.get("properties", {}).get("cwe")
        score = rule.get("properties", {}).get("security-severity")
        if cwe:
            assert "security" in rule["properties"]["tags"]
            assert score == {"error": "7.5", "warning": "5.0", "note": "2.0"}[rule["defaultConfiguration"]["level"]]
        else:
            assert score is None
    assert rules["unchecked-result"]["properties"]["security-severity"] == "5.0"
    assert rules["unbounded-read"]["properties"]["security-severity"] == "7.5"
    findings = [r for r in log["runs"][0]["results"] if r["ruleId"] != "qtcheck-claim"]
    prints = [r["partialFingerprints"]["qtcheckContextHash/v1"] for r in findings]
    assert len(findings) == 14 and len(set(prints)) == 14
    assert all(re.fullmatch(r"[0-9a-f]{32}:\d+", p) for p in prints)
