"""A pull request's review comments as GitHub's API prints them (fixtures/pr/comments.json, recorded by hand in the
shape of `gh api repos/OWNER/REPO/pulls/N/comments`) on the two files of fixtures/pr/src/: reading the JSON, where
each comment is placed, the verdicts of a run over both files, and the summary's links.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qtcheck import pr_comments
from qtcheck.errors import QtcheckError
from conftest import FIXTURES

PR = FIXTURES / "pr"
HEAD = "3f6c0a9e1b2d4c5f6a7b8c9d0e1f2a3b4c5d6e7f"
COMMENTS = json.loads((PR / "comments.json").read_text())


def _load(items, root: Path = PR):
    cpp = lambda p: p.suffix == ".cpp" and p.is_file()  # noqa: E731
    return pr_comments.load(json.dumps(items), "comments.json", root, lambda p: p.read_text(), cpp).comments


def _run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed qtcheck, with no GitHub Actions variables of the machine running the tests."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([str(Path(sys.executable).parent / "qtcheck"), *args], cwd=cwd, capture_output=True,
                          text=True, env={**clean, "NO_COLOR": "1", **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """fixtures/pr/ copied outside any git work tree: the current folder is the source root."""
    work = tmp_path_factory.mktemp("pr") / "work"
    shutil.copytree(PR, work)
    return work


@pytest.fixture(scope="module")
def reports(checkout) -> dict:
    """One run over the files the comments are on: the JSON report and the summary."""
    done = _run(checkout, "--review", "comments.json", "--format", "json", "--output", "report.json",
                "--format", "pr-comment", "--output", "summary.md")
    assert done.returncode == 0, done.stderr
    return {"json": json.loads((checkout / "report.json").read_text()), "summary": (checkout / "summary.md").read_text()}


# ---------------------------------------------------------------- reading and placing


def test_each_comment_is_placed_on_its_file_and_line():
    by = {c.index: c for c in _load(COMMENTS)}
    assert (by[1].file.endswith("src/settings.cpp"), by[1].lines, by[1].line, by[1].note) == (True, [9], 9, "")
    assert by[4].lines == [9, 10] and by[4].line == 10  # start_line 9 to line 10
    assert by[1].url == "https://github.com/octo-org/settings-app/pull/7#discussion_r101"
    assert by[12].lines == [] and by[12].note == "on the file as a whole"
    assert [i for i, c in by.items() if c.skipped] == [8, 9, 10]
    assert by[9].skipped == "README.md is not a C++ file"
    assert by[10].skipped == "src/gone.cpp is not in the checkout (deleted, renamed, or not checked out)"
    assert "left side of the diff" in by[8].skipped


def test_a_reply_belongs_to_its_threads_file_and_line():
    root, reply = dict(COMMENTS[0]), dict(COMMENTS[1])
    reply.update(path="src/server.cpp", line=None, original_line=None)  # what the reply says of itself is not used
    comments = _load([root, reply])
    assert comments[1].reply_to == 1
    assert (comments[1].file, comments[1].lines) == (comments[0].file, [9])
    orphan = dict(reply, in_reply_to_id=999999, line=11)  # its thread is not in the JSON: its own place
    [alone] = _load([orphan])
    assert alone.reply_to is None and alone.file.endswith("src/server.cpp") and alone.lines == [11]


def test_an_outdated_comment_is_placed_by_its_diff_hunk_or_at_its_original_line():
    outdated = next(c for c in COMMENTS if c["id"] == 107)
    [moved] = _load([outdated])
    assert moved.lines == [9]
    assert moved.note == "outdated: written on line 7 at 9a8b7c6; the line it was on is line 9 now"
    gone = dict(outdated, diff_hunk="@@ -0,0 +1,8 @@\n+    file.open(QIODevice::Append);")
    [kept] = _load([gone])
    assert kept.lines == [7] and "that line has changed since, so it is checked at line 7" in kept.note
    left = dict(outdated, side="LEFT")
    [skipped] = _load([left])
    assert skipped.skipped.startswith("outdated, and on line 7 of the code before the pull request")


def test_paths_outside_the_repository_are_not_checked(tmp_path):
    shutil.copytree(PR, tmp_path / "repo")
    (tmp_path / "outside.cpp").write_text("int x;\n")
    (tmp_path / "repo" / "link.cpp").symlink_to(tmp_path / "outside.cpp")
    base = dict(COMMENTS[0])
    (tmp_path / "repo" / "loop.cpp").symlink_to(tmp_path / "repo" / "loop.cpp")
    comments = _load([dict(base, path=p) for p in ("../outside.cpp", "/etc/hosts", "link.cpp", "src", "x" * 5000 + ".cpp",
                                                   "loop.cpp")], tmp_path / "repo")
    assert [c.skipped for c in comments[:5]] == [
        "the path ../outside.cpp is not relative to the repository",
        "the path /etc/hosts is not relative to the repository",
        "link.cpp leads out of the repository (a symbolic link)",
        "src is not a C++ file",
        "x" * 117 + "... cannot be read (File name too long)"]
    assert comments[5].skipped.startswith("loop.cpp is not in the checkout")  # a loop of links: no file


def test_pages_slurped_pages_and_one_comment_are_read():
    one = json.dumps(COMMENTS[:3])
    for text in (json.dumps(COMMENTS), one[:-1] + "]" + json.dumps(COMMENTS[3:]),  # --paginate: pages in a row
                 json.dumps([COMMENTS[:6], COMMENTS[6:]])):                      # --slurp: an array of pages
        assert [c["id"] for c in pr_comments.parse(text, "c.json")] == [c["id"] for c in COMMENTS]
    assert [c["id"] for c in pr_comments.parse(json.dumps(COMMENTS[0]), "c.json")] == [101]
    assert pr_comments.parse("[]\n", "c.json") == []


def test_only_json_is_taken_for_comments():
    assert pr_comments.looks_like_comments('[\n  {\n    "id": 1') and pr_comments.looks_like_comments("[]")
    assert pr_comments.looks_like_comments('{"body": "x"}') and pr_comments.looks_like_comments("[[{}]]")
    for prose in ("[High] The result of open() is ignored.", "[1] see line 4", "{file.cpp} leaks", "- [ ] item"):
        assert not pr_comments.looks_like_comments(prose)


@pytest.mark.parametrize("text, message", [
    ('[{"path": "a.cpp", "body": "x",}]', "bad.json: not valid JSON at line 1, column 32: Expecting property name "
                                          "enclosed in double quotes"),
    ('[{"path": "a.cpp", "body": "x"}] [', "bad.json: not valid JSON at line 1, column 35"),
    ('{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}',
     "bad.json: GitHub's API answered with an error, not review comments: Bad credentials"),
    ('[{"path": "a.cpp"}]', "bad.json: comment 1: 'body' is a required property"),
    ('[{"path": "a.cpp", "body": "x", "line": "7"}]', "bad.json: comment 1: key 'line': '7' is not of type"),
    ('[{"path": "a.cpp", "body": "x", "side": "MIDDLE"}]', "bad.json: comment 1: key 'side': 'MIDDLE' is not one of"),
    ('[{"path": "a.cpp", "body": "x"}, 3]', "bad.json: comment 2 is not a JSON object"),
    ("[" * 100000, "bad.json: JSON nested too deeply to be review comments"),
    ('[{"path": "a.cpp", "body": "x", "line": 1' + "0" * 5000 + "}]", "bad.json: not valid review comments: Exceeds"),
])
def test_malformed_comments_are_refused_with_one_line(tmp_path, text, message):
    (tmp_path / "bad.json").write_text(text)
    done = _run(tmp_path, "--review", "bad.json")
    assert done.returncode == 2
    assert done.stderr.startswith(f"qtcheck: {message}") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_options_that_need_review_comments_or_a_valid_value_are_refused(tmp_path):
    (tmp_path / "a.cpp").write_text("int x;\n")
    for args, message in [
        (["a.cpp", "--format", "pr-comment"], "--format pr-comment summarizes a pull request's review comments"),
        (["--review", str(PR / "comments.json"), "--head-sha", "main"], "--head-sha main: give a commit id"),
        (["--review", str(PR / "comments.json"), "--github-repo", "octo-org"], "--github-repo octo-org: give the "
                                                                             "repository as OWNER/REPO"),
    ]:
        done = _run(tmp_path, *args)
        assert done.returncode == 2 and done.stderr.startswith(f"qtcheck: {message}"), done.stderr


# ---------------------------------------------------------------- a run over both files

VERDICTS = {1: "confirmed", 2: "confirmed", 3: "refuted", 4: "confirmed", 5: "refuted", 6: "refuted",
            7: "confirmed", 8: "not checked", 9: "not checked", 10: "not checked", 11: "unverifiable",
            12: "unverifiable"}


def test_one_run_gives_each_comment_its_verdict(reports):
    report = reports["json"]
    assert [Path(f["path"]).as_posix() for f in report["files"]] == ["src/settings.cpp", "src/server.cpp"]
    pull = report["pr_comments"]
    got = {c["number"]: c.get("verdict", c["status"]) for c in pull["comments"]}
    assert got == VERDICTS
    by = {c["number"]: c for c in pull["comments"]}
    assert by[3]["reason"] == "the result of QFile::open() is used (tested)"
    assert [(e["path"], e["line"]) for e in by[3]["evidence"]] == [("src/settings.cpp", 17)]
    assert [(e["path"], e["line"]) for e in by[6]["evidence"]] == [("src/server.cpp", 11)]
    assert by[4]["line_note"] == ""  # the evidence (line 9) lies within the comment's lines 9-10
    assert (pull["repository"], pull["head"]) == ("octo-org/settings-app", HEAD)


def test_a_comments_claims_are_judged_on_its_own_file_only(reports):
    """server.cpp has no file.open(): a claim about it, judged there, would be 'not in the file'."""
    ids = {Path(r["file"]).name: [c["id"] for c in r["claims"]] for r in reports["json"]["reviews"]}
    assert ids == {"settings.cpp": ["1", "2", "3", "7"], "server.cpp": ["4", "5", "6", "11", "12"]}
    claim = next(c for r in reports["json"]["reviews"] for c in r["claims"] if c["id"] == "11")
    assert claim["comment"] == {"number": 11, "file": "src/server.cpp", "line": 11} and claim["evidence"] == []


def test_the_summary_links_each_place_to_the_head_commit(reports):
    summary = reports["summary"]
    blob = f"https://github.com/octo-org/settings-app/blob/{HEAD}"
    assert summary.startswith("<!-- qtcheck: review comments summary -->\n## qtcheck: do the review comments hold?")
    assert f"against the code at [`{HEAD[:12]}`](https://github.com/octo-org/settings-app/commit/{HEAD})" in summary
    sections = [line for line in summary.splitlines() if line.startswith("### ")]
    assert sections == ["### ❌ Do not hold: 3", "### ✅ Hold: 4", "### ❔ Cannot be decided: 2", "### ⏭️ Not checked: 3"]
    assert (f"| [#\u200b3](https://github.com/octo-org/settings-app/pull/7#discussion_r103) | [`src/settings.cpp:17`]"
            f"({blob}/src/settings.cpp#L17) | “The result of `file.open()` is not checked.” | the result of "
            f"QFile::open() is used (tested)<br>evidence: [`src/settings.cpp:17`]({blob}/src/settings.cpp#L17) |"
            ) in summary
    assert f"[`src/settings.cpp:9`]({blob}/src/settings.cpp#L9)<br>_outdated: written on line 7 at 9a8b7c6; " in summary
    assert "(reply to #\u200b1)" in summary


def test_the_summary_without_a_head_commit_and_with_options(tmp_path):
    shutil.copytree(PR / "src", tmp_path / "src")
    bare = [{k: v for k, v in c.items() if k not in ("html_url", "commit_id")} for c in COMMENTS[:3]]
    (tmp_path / "c.json").write_text(json.dumps(bare))
    done = _run(tmp_path, "--review", "c.json", "--format", "pr-comment")
    assert done.returncode == 0, done.stderr
    assert not any("](" in line for line in done.stdout.splitlines() if line.startswith("|"))  # nothing to link
    assert "| #\u200b1 | `src/settings.cpp:9` |" in done.stdout
    assert "_Lines are not linked: no head commit was given (--head-sha) or found in the comments._" in done.stdout
    event = tmp_path / "event.json"  # in GitHub Actions: the event's head commit and the repository
    event.write_text(json.dumps({"pull_request": {"head": {"sha": "ABCDEF1234567"}}}))
    done = _run(tmp_path, "--review", "c.json", "--format", "pr-comment",
                env={"GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "me/fork"})
    assert "[`src/settings.cpp:9`](https://github.com/me/fork/blob/abcdef1234567/src/settings.cpp#L9)" in done.stdout
    done = _run(tmp_path, "--review", "c.json", "--format", "pr-comment", "--github-repo", "a/b",
                "--head-sha", "1234567", env={"GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "me/fork"})
    assert "[`src/settings.cpp:9`](https://github.com/a/b/blob/1234567/src/settings.cpp#L9)" in done.stdout


def test_the_summary_quotes_comments_inert(tmp_path):
    shutil.copytree(PR / "src", tmp_path / "src")
    hostile = dict(COMMENTS[0], body="@octocat see #12 | <img src=x onerror=alert(1)> [click](https://evil.example) "
                                     + "x" * 300)
    suggestion = dict(COMMENTS[2], body="```suggestion\n    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))\n```")
    (tmp_path / "c.json").write_text(json.dumps([hostile, suggestion]))
    done = _run(tmp_path, "--review", "c.json", "--format", "pr-comment")
    row = next(line for line in done.stdout.splitlines() if line.startswith("| [#\u200b1]"))
    assert "@\u200bocto" in row and "#\u200b12" in row and "@octocat" not in row
    assert "&lt;img" in row and "<img" not in row and "\\| &lt;" in row
    assert "\\[click\\](https://evil.example)" in row  # no link made of the comment's words
    assert "x" * 60 in row and "x" * 120 not in row and "…”" in row  # cut at 160 characters
    assert row.count(" | ") == 3  # four cells: the pipe in the comment broke none
    # a comment that is only a suggestion block states nothing to check: listed, not judged
    assert "### ⏭️ Not checked: 1" in done.stdout
    assert "| it states nothing qtcheck reads as a claim about the code |" in done.stdout


def test_a_pinned_claim_without_evidence_stands_at_its_comments_line_in_sarif(checkout):
    done = _run(checkout, "--review", "comments.json", "--format", "sarif")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    claim = next(r for r in results if r["ruleId"] == "qtcheck-claim" and r["properties"].get("claim") == "11")
    assert claim["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/server.cpp", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 11}}


def test_named_files_are_checked_too_and_fail_on_sees_the_comments(checkout):
    (checkout / "extra.cpp").write_text("#include <QtCore/QFile>\n\nvoid f(QFile &file)\n{\n"
                                        "    file.open(QIODevice::ReadOnly);\n}\n")
    done = _run(checkout, "extra.cpp", "src/settings.cpp", "--review", "comments.json", "--format", "json",
                "--fail-on", "refuted")
    assert done.returncode == 1  # comments 3, 5, 6 are refuted
    report = json.loads(done.stdout)
    assert [Path(f["path"]).as_posix() for f in report["files"]] == ["extra.cpp", "src/settings.cpp", "src/server.cpp"]
    assert {Path(r["file"]).name for r in report["reviews"]} == {"settings.cpp", "server.cpp"}
    assert any(f["file"] == "extra.cpp" and f["rule"] == "unchecked-result" for f in report["findings"])


def test_an_empty_list_of_comments_gives_a_summary_saying_so(tmp_path):
    (tmp_path / "c.json").write_text("[]\n")
    done = _run(tmp_path, "--review", "c.json", "--format", "pr-comment")
    assert done.returncode == 0, done.stderr
    assert "No review comments on the code to check." in done.stdout
    assert "c.json: no review comments in it: nothing to check" in _run(tmp_path, "--review", "c.json").stdout
