"""Adopting qtcheck on code full of findings: fingerprints that survive lines moving, --baseline (hide the findings
an earlier report holds) and --diff-base (hide the findings on lines not changed since a git ref).

A finding's fingerprint is a hash of its rule, its file (relative to the source root, the folder SARIF calls
%SRCROOT%) and the source of its line and of the nearest non-blank line above and below it, each with every space
removed: inserting lines elsewhere, re-indenting, or adding blank lines around it keeps the fingerprint; editing
the line or its neighbours makes the finding new. SARIF's partialFingerprints carry the same hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .errors import QtcheckError, short
from .jsonfile import read_json_report

FINGERPRINT_KEY = "qtcheckContextHash/v1"  # SARIF partialFingerprints key (GitHub recomputes primaryLocationLineHash)
MAX_BASELINE_BYTES = 256 * 1024 * 1024
GIT_TIMEOUT = 60


@lru_cache(maxsize=None)
def _git_top(folder: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", folder, "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def source_root() -> Path:
    """The folder paths in reports and fingerprints are relative to: the top of the git work tree holding the
    current folder (what GitHub's code scanning expects, wherever in the checkout qtcheck runs), else the current
    folder."""
    cwd = Path.cwd().resolve()
    top = _git_top(str(cwd))
    return Path(top).resolve() if top else cwd


def relative(path: str, root: Path | None = None) -> str:
    """path relative to the source root, with / separators; '../' steps for a file outside it (a file on another
    drive keeps its absolute path)."""
    root = root or source_root()
    absolute = Path(os.path.abspath(path))
    try:
        absolute = absolute.resolve()
    except (OSError, RuntimeError):
        pass
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(absolute, root)).as_posix()
        except ValueError:
            return absolute.as_posix()


_SPACE = re.compile(r"\s+")


def _norm(line: str) -> str:
    return _SPACE.sub("", line)


def fingerprint(rule: str, path: str, lines: list[str], line: int) -> str:
    """The finding's identity across edits: rule, file, and its line with the nearest non-blank neighbours."""
    index = line - 1
    here = _norm(lines[index]) if 0 <= index < len(lines) else ""
    above = next((_norm(lines[i]) for i in range(min(index, len(lines)) - 1, -1, -1) if _norm(lines[i])), "")
    below = next((_norm(lines[i]) for i in range(index + 1, len(lines)) if _norm(lines[i])), "")
    text = "\0".join([rule, path, above, here, below])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def occurrences(fingerprints: list[str]) -> list[str]:
    """'hash:n', n counting the same hash in order (as GitHub's own fingerprints do): two identical findings in
    identical context stay two."""
    seen: Counter = Counter()
    out = []
    for fp in fingerprints:
        seen[fp] += 1
        out.append(f"{fp}:{seen[fp]}")
    return out


# --- --baseline ---------------------------------------------------------------------------------------------------

def load(path_text: str) -> Counter:
    """The fingerprints of the findings a qtcheck JSON report or SARIF log shows (suppressed ones aside), counted.
    Read only; any problem is one QtcheckError line."""
    name = f"--baseline {path_text}"
    path = Path(path_text)
    if not path.exists():
        raise QtcheckError(f"{name}: no such file (make one with --format json --output {path_text}, "
                           f"or --format sarif)")
    log = read_json_report(path, name, MAX_BASELINE_BYTES, "give a qtcheck JSON report or SARIF log")
    if isinstance(log, dict) and "runs" in log:
        return _from_sarif(log, name)
    if isinstance(log, dict) and isinstance(log.get("findings"), list) and isinstance(log.get("tool"), dict):
        return _from_json(log, name)
    raise QtcheckError(f"{name}: neither a qtcheck JSON report (--format json) nor a SARIF log (--format sarif)")


def _hash(value, name: str, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{32}(:\d+)?", value):
        raise QtcheckError(f"{name}: {where} has no qtcheck fingerprint (a report of an older qtcheck?); "
                           f"make the baseline again with this qtcheck")
    return value.split(":", 1)[0]


def _from_json(log: dict, name: str) -> Counter:
    known: Counter = Counter()
    for i, finding in enumerate(log["findings"]):
        if not isinstance(finding, dict):
            raise QtcheckError(f"{name}: findings[{i}] is not an object")
        known[_hash(finding.get("fingerprint"), name, f"findings[{i}]")] += 1
    return known


def _from_sarif(log: dict, name: str) -> Counter:
    runs = log.get("runs")
    if not isinstance(runs, list):
        raise QtcheckError(f"{name}: 'runs' is not a list; not a SARIF log")
    known: Counter = Counter()
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {}) if isinstance(run, dict) else {}
        if not isinstance(driver, dict) or driver.get("name") != "qtcheck":
            tool = driver.get("name") if isinstance(driver, dict) else None
            raise QtcheckError(f"{name}: run {r} is by {short(str(tool)) if tool else 'an unnamed tool'}, "
                               f"not qtcheck; its results have no qtcheck fingerprints")
        results = run.get("results", [])
        if not isinstance(results, list):
            raise QtcheckError(f"{name}: runs[{r}].results is not a list")
        for i, result in enumerate(results):
            if not isinstance(result, dict):
                raise QtcheckError(f"{name}: runs[{r}].results[{i}] is not an object")
            if result.get("ruleId") == "qtcheck-claim" or result.get("suppressions"):
                continue  # a review's claim, or a finding a NOLINT comment silences
            prints = result.get("partialFingerprints")
            value = prints.get(FINGERPRINT_KEY) if isinstance(prints, dict) else None
            known[_hash(value, name, f"runs[{r}].results[{i}]")] += 1
    return known


# --- --diff-base --------------------------------------------------------------------------------------------------

def _git(args: list[str], folder: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_EXTERNAL_DIFF": ""}
    try:
        return subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, env=env,
                              timeout=GIT_TIMEOUT, errors="replace")
    except FileNotFoundError:
        raise QtcheckError("--diff-base needs git, and no git command was found") from None
    except subprocess.TimeoutExpired:
        raise QtcheckError(f"--diff-base: git took over {GIT_TIMEOUT} s in {folder}") from None


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def changed_lines(files: list[Path], ref: str) -> dict[str, set[int] | None]:
    """For each file: the lines added or changed since ref (`git diff --unified=0 REF -- FILE`, against the file
    as it is on the disk), or None when git does not track the file (all of it is new). Refuses a ref that is no
    commit and a file outside any git work tree."""
    if not ref or ref.startswith("-"):
        raise QtcheckError(f"--diff-base {short(ref)}: give a git ref (a branch, tag or commit), not an option")
    verified: dict[str, None] = {}
    out: dict[str, set[int] | None] = {}
    for path in files:
        folder = str(path.resolve().parent)
        top = _git_top(folder)
        if top is None:
            raise QtcheckError(f"--diff-base: {path} is not in a git repository")
        if top not in verified:
            probe = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top)
            if probe.returncode != 0:
                raise QtcheckError(f"--diff-base {short(ref)}: no such commit, branch or tag in {top}")
            verified[top] = None
        name = path.resolve().name
        if _git(["ls-files", "--error-unmatch", "--", name], folder).returncode != 0:
            out[str(path.resolve())] = None
            continue
        done = _git(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", ref, "--", name], folder)
        if done.returncode != 0:
            raise QtcheckError(f"--diff-base {short(ref)}: git diff failed for {path}: "
                               f"{short(done.stderr.strip() or 'no message')}")
        lines: set[int] = set()
        for match in _HUNK.finditer(done.stdout):
            start, count = int(match.group(1)), int(match.group(2) if match.group(2) is not None else 1)
            lines.update(range(start, start + count))
        out[str(path.resolve())] = lines
    return out


# --- applying both ------------------------------------------------------------------------------------------------

def apply(results: list[dict], known: Counter | None, changed: dict[str, set[int] | None] | None) -> tuple[int, int]:
    """Drop from each result's findings those the baseline holds (each baseline entry hides one finding), then
    those on lines not changed since the diff base. Returns (hidden by the baseline, hidden by the diff)."""
    remaining = Counter(known or {})
    root = source_root()
    by_baseline = by_diff = 0
    for result in results:
        facts = result["facts"]
        path = str(facts.path)
        rel = relative(path, root)
        resolved = str(Path(path).resolve())
        kept = []
        for site in result["findings"]:
            if known is not None:
                fp = fingerprint(site.rule, rel, facts.lines, site.line)
                if remaining[fp] > 0:
                    remaining[fp] -= 1
                    by_baseline += 1
                    continue
            if changed is not None:
                lines = changed.get(resolved, None)
                if lines is not None and site.line not in lines:
                    by_diff += 1
                    continue
            kept.append(site)
        result["findings"] = kept
    return by_baseline, by_diff
