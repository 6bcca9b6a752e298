"""The README's GitHub Actions workflow, as written: its steps run on a temporary repository with an origin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, run_cli, BAD, FIXED

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
CLEAN = """#include <QString>

/// Joins two names with a space.
QString joinNames(const QString &first, const QString &last)
{
    return first + QLatin1Char(' ') + last;
}
"""
REVIEW = "1. CWE-252: the result of `file.open()` is not checked (line 7).\n"
# The only expression the workflow may use, and only in env: (never inside a script).
EXPRESSIONS = {"${{ github.base_ref }}": "main"}


def workflow() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In CI\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block.startswith("# .github/workflows/qtcheck.yml\n")
    return yaml.safe_load(block)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _commit_all(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.email=dev@example.invalid", "-c", "user.name=dev", "commit", "-q", "-m", message)


def _pull_request(tmp_path: Path, files: dict[str, str]) -> Path:
    """A checkout of branch 'feature' whose base is origin/main, as actions/checkout leaves it."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "settings.cpp").write_text(FIXED)
    (origin / "notes.txt").write_text("notes\n")
    _commit_all(origin, "base")
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-q", "-b", "feature")
    for name, text in files.items():
        (work / name).write_text(text)
    _commit_all(work, "change")
    return work


def _run_steps(work: Path, tmp_path: Path) -> tuple[dict[str, int], str]:
    """Run every step with a script except the install (qtcheck is installed here): {step: exit status}, summary."""
    flow = workflow()
    shell = flow["defaults"]["run"]["shell"]
    assert shell == "bash"
    summary = tmp_path / "summary.md"
    summary.write_text("")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    statuses: dict[str, int] = {}
    for step in flow["jobs"]["qtcheck"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        assert "${{" not in step["run"], "no expression inside a script: it would paste PR data into the shell"
        assert step.get("if", "always()") == "always()"  # every step that runs here runs whatever came before
        env = {**os.environ, "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner_temp),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        for key, value in step.get("env", {}).items():
            env[key] = EXPRESSIONS.get(value, value)
            assert "${{" not in env[key], f"unexpected expression {value}"
        # GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=work, env=env, capture_output=True, text=True, timeout=600)
        statuses[step["name"]] = done.returncode
    return statuses, summary.read_text()


pytestmark = pytest.mark.skipif(not shutil.which("git") or not shutil.which("bash"), reason="needs git and bash")


def test_workflow_uploads_the_sarif_qtcheck_writes():
    flow = workflow()
    assert flow["permissions"]["security-events"] == "write"
    steps = flow["jobs"]["qtcheck"]["steps"]
    check = next(s for s in steps if s.get("id") == "qtcheck")
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert f"--output {upload['with']['sarif_file']}" in check["run"]
    assert upload["if"] == f"always() && hashFiles('{upload['with']['sarif_file']}') != ''"
    assert "--review" in run_cli("--help").stdout  # the option the workflow uses exists


def test_workflow_fails_on_a_finding_and_fills_the_summary_and_sarif(tmp_path):
    work = _pull_request(tmp_path, {"settings.cpp": BAD, "load names.cpp": CLEAN, "review.md": REVIEW})
    statuses, summary = _run_steps(work, tmp_path)
    assert statuses == {"qtcheck on the changed C++ files": 1, "Job summary": 0}
    assert summary.startswith("# qtcheck report\n")
    assert "- `load names.cpp`: 7 lines" in summary  # a name with a space is one file
    assert "- `settings.cpp`: 9 lines" in summary
    assert "## Review `review.md` on `settings.cpp`" in summary
    assert "<summary>Claim 1:" in summary
    assert "- `notes.txt`" not in summary
    sarif = json.loads((work / "qtcheck.sarif").read_text())
    errors = [e.message for e in jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(sarif)]
    assert errors == []
    finding = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "unchecked-result")
    assert finding["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "settings.cpp", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 5}}
    assert (work / "settings.cpp").read_text() == BAD


def test_workflow_passes_when_no_cpp_file_changed(tmp_path):
    work = _pull_request(tmp_path, {"notes.txt": "more notes\n", "review.md": REVIEW})
    statuses, summary = _run_steps(work, tmp_path)
    assert statuses == {"qtcheck on the changed C++ files": 0, "Job summary": 0}
    assert summary == "qtcheck: no C++ file changed\n"
    assert not (work / "qtcheck.sarif").exists()


def test_workflow_passes_once_the_finding_is_fixed(tmp_path):
    work = _pull_request(tmp_path, {"settings.cpp": FIXED + "\n/// Nothing else.\n", "load names.cpp": CLEAN})
    statuses, summary = _run_steps(work, tmp_path)
    assert statuses == {"qtcheck on the changed C++ files": 0, "Job summary": 0}
    assert "## Findings: 0" in summary
    assert (work / "qtcheck.sarif").exists()


# --- the workflow that splits a code base across runners (--shard, qtcheck merge) ---------------------------------

SHARDS_NAME = "# .github/workflows/qtcheck-shards.yml\n"


def shard_workflow() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In CI\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n" + SHARDS_NAME, 1)[1].split("```", 1)[0]
    return yaml.safe_load(SHARDS_NAME + block)


def _step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s.get("name") == name or s.get("id") == name
                or s.get("uses", "").startswith(name))


def test_shard_workflow_splits_into_n_and_caches_by_qt_flags_and_qtcheck_version():
    flow = shard_workflow()
    shard, merge = flow["jobs"]["shard"], flow["jobs"]["merge"]
    matrix = shard["strategy"]["matrix"]["shard"]
    n = len(matrix)
    assert matrix == list(range(1, n + 1)) and n >= 2
    check = _step(shard, "qtcheck, one part of the files")
    assert check["env"]["SHARD"] == f"${{{{ matrix.shard }}}}/{n}"
    assert '--shard "$SHARD"' in check["run"] and "--format json --output qtcheck-shard.json" in check["run"]
    cache = _step(shard, "actions/cache@")
    key = cache["with"]["key"]
    for part in ("${{ steps.qt.outputs.version }}", "${{ hashFiles('.qtcheck.yaml') }}", "${{ env.QTCHECK }}",
                 "${{ matrix.shard }}"):
        assert part in key
    assert key.startswith(cache["with"]["restore-keys"].strip())
    assert flow["env"]["QTCHECK"].startswith("git+https://")
    assert "--cache-dir ~/.cache/qtcheck" in check["run"]
    assert cache["with"]["path"].split() == ["~/qtcheck-venv", "~/.cache/qtcheck"]  # the venv: clang's headers
    assert "~/qtcheck-venv/bin/pip install" in _step(shard, "install")["run"]
    qt_step = _step(shard, "qt")
    assert "qt6-base-dev" in qt_step["run"] and "version=" in qt_step["run"]
    upload = _step(shard, "actions/upload-artifact@")
    assert upload["with"]["path"] == "qtcheck-shard.json"
    assert merge["needs"] == "shard" and merge["if"] == "${{ !cancelled() }}"
    download = _step(merge, "actions/download-artifact@")
    assert download["with"]["pattern"] == upload["with"]["name"].replace("${{ matrix.shard }}", "*")
    assert f"{download['with']['path']}/*/qtcheck-shard.json" in _step(merge, "merge")["run"]
    sarif = _step(merge, "github/codeql-action/upload-sarif@")["with"]["sarif_file"]
    assert f"--output {sarif}" in _step(merge, "merge")["run"]


def _script(step: dict, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    assert "${{" not in step["run"], "no expression inside a script"
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def test_shard_workflow_merges_into_the_report_of_one_run(tmp_path):
    flow = shard_workflow()
    shard, merge = flow["jobs"]["shard"], flow["jobs"]["merge"]
    n = len(shard["strategy"]["matrix"]["shard"])
    work = tmp_path / "work"
    (work / "src" / "io").mkdir(parents=True)
    (work / "src" / "settings.cpp").write_text(BAD)
    (work / "src" / "load names.cpp").write_text(CLEAN)
    (work / "src" / "io" / "fixed.cpp").write_text(FIXED)
    (work / "src" / "io" / "again.cpp").write_text(BAD.replace("readSettings", "readAgain"))
    (work / "src" / "io" / "names.cpp").write_text(CLEAN.replace("joinNames", "joinMore"))
    _git(work, "init", "-q", "-b", "main")
    _commit_all(work, "code")
    home = tmp_path / "home"
    home.mkdir()
    summary, outputs, paths = tmp_path / "summary.md", tmp_path / "output", tmp_path / "path"
    for f in (summary, outputs, paths):
        f.write_text("")
    base_env = {**os.environ, "NO_COLOR": "1", "HOME": str(home), "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_OUTPUT": str(outputs), "GITHUB_PATH": str(paths), "QTCHECK": flow["env"]["QTCHECK"],
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    check = _step(shard, "qtcheck, one part of the files")
    checked = []
    for k in range(1, n + 1):
        env = {**base_env, "SHARD": check["env"]["SHARD"].replace("${{ matrix.shard }}", str(k))}
        done = _script(check, env, work)
        assert done.returncode == 0, done.stderr
        artifact = work / "shards" / f"qtcheck-shard-{k}"  # download-artifact: one folder per artifact
        artifact.mkdir(parents=True)
        os.replace(work / "qtcheck-shard.json", artifact / "qtcheck-shard.json")
        checked += [e["index"] for e in json.loads((artifact / "qtcheck-shard.json").read_text())["shard"]["checked"]]
    assert sorted(checked) == list(range(5))
    assert any((home / ".cache" / "qtcheck").glob("*.pch"))  # the cache is where the workflow caches it
    statuses = {}
    for step in merge["steps"]:
        if "run" in step and step.get("id") != "install":
            statuses[step["name"]] = _script(step, base_env, work).returncode
    assert statuses == {"Merge the shards": 1, "Job summary": 0}  # settings.cpp's finding met --fail-on
    one = run_cli(".", "-j", "1", "--format", "sarif", "--output", str(tmp_path / "one.sarif"),
                  "--format", "markdown", "--output", str(tmp_path / "one.md"), cwd=work)
    assert one.returncode == 0, one.stderr
    assert (work / "qtcheck.sarif").read_bytes() == (tmp_path / "one.sarif").read_bytes()
    assert (work / "qtcheck.md").read_bytes() == (tmp_path / "one.md").read_bytes()
    assert summary.read_text() == (tmp_path / "one.md").read_text()
    assert "unchecked-result" in summary.read_text()
