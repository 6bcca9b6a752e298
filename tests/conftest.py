"""Shared helpers: run the real pipeline (libclang, Qt headers) on a file, once per file per session."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from qtcheck import facts as facts_mod, frontend, rules as rules_mod, verdicts
from qtcheck.claims import load_claims

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXAMPLE = FIXTURES / "example" / "tst_localsocket_bench.cpp"
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
# Never the user's cache: every qtcheck the tests start keeps its precompiled preambles in a session folder.
os.environ["QTCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="qtcheck-test-cache-")

# A C++ file with one known finding (a discarded QFile::open), and the same file fixed: for the hook and CI tests.
BAD = """#include <QFile>

/// Reads the settings file.
bool readSettings()
{
    QFile file(QStringLiteral("settings.ini"));
    file.open(QIODevice::ReadOnly);
    return file.size() > 0;
}
"""
FIXED = BAD.replace("    file.open(QIODevice::ReadOnly);\n",
                    "    if (!file.open(QIODevice::ReadOnly))\n        return false;\n")


@functools.lru_cache(maxsize=None)
def builtin_rules():
    return tuple(rules_mod.load_rules())


@functools.lru_cache(maxsize=None)
def analyze(path: Path):
    """(facts, sites) of a file, parsed for real against the installed Qt headers."""
    path = Path(path).resolve()
    parsed = frontend.parse(path, path.read_text(encoding="utf-8"), frontend.Options())
    facts = facts_mod.collect(parsed)
    return facts, rules_mod.run(facts, list(builtin_rules()))


def judge(path: Path, claims_path: Path = SEEDS):
    facts, sites = analyze(Path(path))
    rules = list(builtin_rules())
    claims = load_claims(str(claims_path), rules)
    return {(v.claim.review, v.claim.id): v for v in verdicts.judge_all(facts, rules, sites, claims)}


def run_cli(*args: str, input: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed qtcheck command the way a user does."""
    exe = Path(sys.executable).parent / "qtcheck"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, input=input, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="session")
def example():
    return analyze(EXAMPLE)


def read_terminal(main: int, proc) -> str:
    """Everything a child wrote to the pseudo-terminal whose controlling side is `main`, once it has exited
    (asserting it exited 0); line ends as a pipe would give them."""
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(main)
    assert proc.returncode == 0, proc.stderr.read()
    return b"".join(chunks).decode().replace("\r\n", "\n")
