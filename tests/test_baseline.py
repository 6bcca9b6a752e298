"""--baseline and --diff-base on real C++ files with the real CLI: only new findings, fingerprints that survive lines
moving, and one line with exit status 2 for every bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

TWO = """#include <QFile>

/// Reads the settings file.
bool readSettings()
{
    QFile file(QStringLiteral("settings.ini"));
    file.open(QIODevice::ReadOnly);
    return file.size() > 0;
}

/// Reads the log file.
bool readLog()
{
    QFile log(QStringLiteral("app.log"));
    log.open(QIODevice::ReadOnly);
    return log.size() > 0;
}
"""

# The same code after an edit elsewhere: a new include, a comment block, blank lines, re-indentation.
MOVED = TWO.replace("#include <QFile>\n", "#include <QFile>\n#include <QString>\n\n// Settings and logs.\n\n\n") \
           .replace("    file.open(QIODevice::ReadOnly);", "        file.open( QIODevice::ReadOnly );")

NEW_FUNCTION = """
/// Reads the cache file.
bool readCache()
{
    QFile cache(QStringLiteral("cache.bin"));
    cache.open(QIODevice::ReadOnly);
    return cache.size() > 0;
}
"""


def _findings(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-c", "init.defaultBranch=main",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def code(tmp_path):
    (tmp_path / "settings.cpp").write_text(TWO)
    return tmp_path


def test_baseline_hides_known_findings_even_when_lines_move_and_shows_new_ones(code):
    made = run_cli("settings.cpp", "--format", "json", "--output", "base.json", cwd=code)
    assert made.returncode == 0, made.stderr
    before = json.loads((code / "base.json").read_text())["findings"]
    assert [(f["rule"], f["line"]) for f in before] == [("unchecked-result", 7), ("unchecked-result", 15)]
    assert len({f["fingerprint"] for f in before}) == 2

    (code / "settings.cpp").write_text(MOVED)
    quiet = run_cli("settings.cpp", "--baseline", "base.json", "--fail-on", "finding", "--format", "json", cwd=code)
    assert quiet.returncode == 0, quiet.stdout
    assert _findings(quiet) == []
    assert "qtcheck: 2 finding(s) hidden: already in the baseline base.json\n" in quiet.stderr
    assert "2 finding(s) hidden: already in the baseline base.json" in json.loads(quiet.stdout)["notices"]
    # without the baseline the moved findings are all there, on their new lines
    assert [f["line"] for f in _findings(run_cli("settings.cpp", "--format", "json", cwd=code))] == [12, 20]

    (code / "settings.cpp").write_text(MOVED + NEW_FUNCTION)
    new = run_cli("settings.cpp", "--baseline", "base.json", "--fail-on", "finding", cwd=code)
    assert new.returncode == 1
    assert "settings.cpp:28:5: warning: [unchecked-result] " in new.stdout
    assert "== Findings: 1\n" in new.stdout


def test_editing_the_line_of_a_known_finding_makes_it_new(code):
    run_cli("settings.cpp", "--format", "json", "--output", "base.json", cwd=code)
    (code / "settings.cpp").write_text(TWO.replace('QStringLiteral("app.log")', 'QStringLiteral("other.log")')
                                       .replace("    log.open(QIODevice::ReadOnly);",
                                                "    log.open(QIODevice::ReadOnly | QIODevice::Text);"))
    shown = _findings(run_cli("settings.cpp", "--baseline", "base.json", "--format", "json", cwd=code))
    assert [(f["rule"], f["line"]) for f in shown] == [("unchecked-result", 15)]


def test_a_sarif_baseline_works_like_json_and_carries_the_same_fingerprints(code):
    made = run_cli("settings.cpp", "--format", "sarif", "--output", "base.sarif", "--format", "json",
                   "--output", "base.json", cwd=code)
    assert made.returncode == 0, made.stderr
    results = json.loads((code / "base.sarif").read_text())["runs"][0]["results"]
    findings = json.loads((code / "base.json").read_text())["findings"]
    assert [r["partialFingerprints"]["qtcheckContextHash/v1"] for r in results] == \
        [f["fingerprint"] + ":1" for f in findings]
    (code / "settings.cpp").write_text(MOVED + NEW_FUNCTION)
    shown = _findings(run_cli("settings.cpp", "--baseline", "base.sarif", "--format", "json", cwd=code))
    assert [(f["rule"], f["line"]) for f in shown] == [("unchecked-result", 28)]


def test_identical_findings_in_identical_context_count_one_each(tmp_path):
    """Two copies of one function: the baseline holds two entries with one hash; a third copy is new."""
    body = TWO.split("/// Reads the log file.")[0].split("#include <QFile>\n", 1)[1]
    copies = ["#include <QFile>\n"] + [body.replace("readSettings", f"readSettings{n}") for n in (1, 2)]
    (tmp_path / "copies.cpp").write_text("".join(copies))
    run_cli("copies.cpp", "--format", "sarif", "--output", "base.sarif", cwd=tmp_path)
    prints = [r["partialFingerprints"]["qtcheckContextHash/v1"]
              for r in json.loads((tmp_path / "base.sarif").read_text())["runs"][0]["results"]]
    assert len(prints) == 2 and prints[0].split(":")[0] == prints[1].split(":")[0]
    assert [p.split(":")[1] for p in prints] == ["1", "2"]
    (tmp_path / "copies.cpp").write_text("".join(copies + [body.replace("readSettings", "readSettings3")]))
    shown = _findings(run_cli("copies.cpp", "--baseline", "base.sarif", "--format", "json", cwd=tmp_path))
    assert len(shown) == 1


@pytest.mark.parametrize("content, says", [
    (None, "--baseline base.json: no such file"),
    ("{not json", "--baseline base.json: not JSON (line 1 column 2"),
    ('{"version": 1, "tool": {"name": "qtcheck"}, "findings": [{"rule": "unchecked-result", "line": 7}]}',
     "--baseline base.json: findings[0] has no qtcheck fingerprint"),
    ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "clang-tidy"}}, "results": []}]}',
     "--baseline base.json: run 0 is by clang-tidy, not qtcheck"),
    ('[1, 2, 3]', "--baseline base.json: neither a qtcheck JSON report (--format json) nor a SARIF log"),
])
def test_a_bad_baseline_is_one_line_and_exit_2_and_stays_as_it_was(code, content, says):
    if content is not None:
        (code / "base.json").write_text(content)
    result = run_cli("settings.cpp", "--baseline", "base.json", cwd=code)
    assert result.returncode == 2
    assert result.stderr.startswith(f"qtcheck: {says}") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    if content is not None:
        assert (code / "base.json").read_text() == content


def test_the_output_may_not_be_the_baseline(code):
    run_cli("settings.cpp", "--format", "json", "--output", "base.json", cwd=code)
    before = (code / "base.json").read_bytes()
    result = run_cli("settings.cpp", "--baseline", "base.json", "--format", "json", "--output", "base.json", cwd=code)
    assert result.returncode == 2
    assert result.stderr == "qtcheck: --output base.json: that is an input of this run (base.json); refusing to " \
                            "overwrite it\n"
    assert (code / "base.json").read_bytes() == before


def test_diff_base_reports_only_findings_on_changed_lines(code):
    _git(code, "init", "-q")
    _git(code, "add", "settings.cpp")
    _git(code, "commit", "-q", "-m", "old code with two findings")
    (code / "settings.cpp").write_text(MOVED + NEW_FUNCTION)  # line 7 re-indented (changed), a new function
    (code / "fresh.cpp").write_text(TWO)  # not tracked: every line is new
    result = run_cli("settings.cpp", "fresh.cpp", "--diff-base", "HEAD", "--fail-on", "finding", "--format", "json",
                     cwd=code)
    assert result.returncode == 1, result.stderr
    shown = [(Path(f["file"]).name, f["line"]) for f in _findings(result)]
    assert shown == [("settings.cpp", 12), ("settings.cpp", 28), ("fresh.cpp", 7), ("fresh.cpp", 15)]
    assert "qtcheck: 1 finding(s) hidden: on lines not changed since HEAD\n" in result.stderr
    # from a sub-folder of the repository, with the baseline too: the fingerprints do not depend on the folder
    (code / "sub").mkdir()
    run_cli("settings.cpp", "--format", "json", "--output", "base.json", cwd=code)
    both = run_cli("../settings.cpp", "--diff-base", "HEAD", "--baseline", "../base.json", "--format", "json",
                   cwd=code / "sub")
    assert _findings(both) == []
    assert "qtcheck: 3 finding(s) hidden: already in the baseline ../base.json\n" in both.stderr
    assert "qtcheck: 0 finding(s) hidden: on lines not changed since HEAD\n" in both.stderr


def test_diff_base_refuses_an_unknown_ref_an_option_and_a_folder_outside_git(code, tmp_path_factory):
    _git(code, "init", "-q")
    _git(code, "add", "settings.cpp")
    _git(code, "commit", "-q", "-m", "one")
    unknown = run_cli("settings.cpp", "--diff-base", "no-such-branch", cwd=code)
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == f"qtcheck: --diff-base no-such-branch: no such commit, branch or tag in {code}\n"
    option = run_cli("settings.cpp", "--diff-base=--output=x", cwd=code)
    assert option.returncode == 2 and option.stderr.startswith("qtcheck: --diff-base --output=x: give a git ref")
    assert not (code / "x").exists()
    outside = tmp_path_factory.mktemp("nogit")
    (outside / "a.cpp").write_text(TWO)
    alone = run_cli("a.cpp", "--diff-base", "HEAD", cwd=outside)
    assert (alone.returncode, alone.stderr) == (2, "qtcheck: --diff-base: a.cpp is not in a git repository\n")
