"""The pre-commit hook for real: `pre-commit try-repo` of this repository in a temporary git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, BAD, FIXED

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo: Path) -> subprocess.CompletedProcess:
    """The hook as users get it: this repository's committed HEAD, by its commit id.

    Without --ref, try-repo copies the checkout's uncommitted changes of tracked files (but not new
    files) into its clone, so a half-finished edit in the checkout could break or fake the result.
    """
    env = {**os.environ, "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "qtcheck", "--ref", head, "--all-files", "--verbose"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=900)


@pytest.mark.skipif(not PRE_COMMIT.exists() or not shutil.which("git"), reason="needs pre-commit (test extra) and git")
def test_hook_fails_on_a_finding_and_passes_once_fixed(tmp_path):
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "dev@example.invalid")
    _git(repo, "config", "user.name", "dev")
    source = repo / "settings.cpp"
    source.write_text(BAD)
    (repo / "notes.txt").write_text("not C++: the hook must not look at it\n")
    _git(repo, "add", ".")

    failing = _try_repo(repo)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "settings.cpp:7:5: warning: [unchecked-result] the result of QFile::open() is discarded" in failing.stdout
    assert "notes.txt" not in failing.stdout
    assert source.read_text() == BAD  # the hook never changes the file

    source.write_text(FIXED)
    _git(repo, "add", ".")
    passing = _try_repo(repo)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "== Findings: 0" in passing.stdout
