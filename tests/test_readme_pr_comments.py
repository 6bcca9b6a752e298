"""The README's review-comments workflow, run as written: every step with a script except the install (qtcheck is
installed here), in a temporary checkout of fixtures/pr/, with a stand-in `gh` on PATH. The stand-in answers as
GitHub's API would (the recorded fixtures/pr/comments.json, printed as two pages the way `gh api --paginate` prints
them; the pull request's conversation from a state file) and records every call and what would be posted. No network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT

PR = FIXTURES / "pr"
REPOSITORY = "octo-org/settings-app"
HEAD = "3f6c0a9e1b2d4c5f6a7b8c9d0e1f2a3b4c5d6e7f"
MARKER = "<!-- qtcheck: review comments summary -->"
# The only expressions the workflow may use, and only in env: or with: (never inside a script).
EXPRESSIONS = {"${{ github.token }}": "token-for-the-test", "${{ github.event.pull_request.number }}": "7",
               "${{ github.event.pull_request.head.sha }}": HEAD}

# The stand-in gh: the calls the workflow makes, answered from files in $FAKE_GH; anything else fails loudly.
FAKE_GH = r'''#!PYTHON
import json, os, sys
state = os.environ["FAKE_GH"]
args = sys.argv[1:]
with open(os.path.join(state, "calls.jsonl"), "a") as log:
    log.write(json.dumps({"args": args, "token": os.environ.get("GH_TOKEN", "")}) + "\n")
def value(flag):
    return args[args.index(flag) + 1]
if args[:2] == ["api", "--paginate"] and args[2].endswith("/pulls/7/comments"):
    comments = json.load(open(os.path.join(state, "comments.json")))
    half = len(comments) // 2
    sys.stdout.write(json.dumps(comments[:half]) + json.dumps(comments[half:]))  # two pages, as --paginate prints
elif args[:2] == ["api", "--paginate"] and args[2].endswith("/issues/7/comments"):
    query = value("--jq")
    assert "github-actions[bot]" in query and "<!-- qtcheck: review comments summary -->" in query, query
    for c in json.load(open(os.path.join(state, "conversation.json"))):  # what the --jq filter selects
        if c["user"]["login"] == "github-actions[bot]" and c["body"].startswith("<!-- qtcheck: review comments summary -->"):
            print(c["id"])
elif args[:3] == ["api", "--method", "PATCH"]:
    field = value("-F")
    assert field.startswith("body=@"), field
    with open(os.path.join(state, "posted.jsonl"), "a") as out:
        out.write(json.dumps({"how": "edit", "where": args[3], "body": open(field[6:]).read()}) + "\n")
    print("{}")
elif args[:2] == ["pr", "comment"]:
    with open(os.path.join(state, "posted.jsonl"), "a") as out:
        out.write(json.dumps({"how": "create", "where": f"{value('--repo')}#{args[2]}",
                              "body": open(value("--body-file")).read()}) + "\n")
    print("https://github.com/octo-org/settings-app/pull/7#issuecomment-1")
else:
    sys.exit(f"fake gh: unexpected call {args}")
'''


def workflow() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Review comments on a pull request\n", 1)[1].split("\n## ", 1)[0]
    block = next(b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]
                 if b.startswith("# .github/workflows/qtcheck-review-comments.yml\n"))
    return yaml.safe_load(block)


def _checkout(tmp_path: Path, comments: list[dict], conversation: list[dict]) -> tuple[Path, Path]:
    """A checkout of the pull request's head (fixtures/pr/ as a git repository) and the stand-in gh's folder."""
    work = tmp_path / "work"
    shutil.copytree(PR, work, ignore=shutil.ignore_patterns("comments.json"))
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    state = tmp_path / "gh"
    (state / "bin").mkdir(parents=True)
    (state / "comments.json").write_text(json.dumps(comments))
    (state / "conversation.json").write_text(json.dumps(conversation))
    gh = state / "bin" / "gh"
    gh.write_text(FAKE_GH.replace("PYTHON", sys.executable, 1))
    gh.chmod(0o755)
    return work, state


def _run_steps(work: Path, state: Path, tmp_path: Path) -> tuple[dict[str, int], str]:
    """Every step with a script but the install: {step name: exit status}, and the job summary."""
    flow = workflow()
    assert flow["defaults"]["run"]["shell"] == "bash"
    summary = tmp_path / "summary.md"
    summary.write_text("")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "submitted", "pull_request": {"number": 7, "head": {"sha": HEAD}}}))
    statuses: dict[str, int] = {}
    for step in flow["jobs"]["review-comments"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        assert "${{" not in step["run"], "no expression inside a script: it would paste PR data into the shell"
        env = {**os.environ, "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner_temp),
               "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_EVENT_PATH": str(event), "FAKE_GH": str(state),
               "PATH": os.pathsep.join([str(state / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]])}
        for key, value in step.get("env", {}).items():
            env[key] = EXPRESSIONS.get(value, value)
            assert "${{" not in env[key], f"unexpected expression {value}"
        # GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=work, env=env, capture_output=True, text=True, timeout=600)
        statuses[step["name"]] = done.returncode
        assert done.returncode == 0, (step["name"], done.stderr)
    return statuses, summary.read_text()


def _posted(state: Path) -> list[dict]:
    path = state / "posted.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _calls(state: Path) -> list[dict]:
    return [json.loads(line) for line in (state / "calls.jsonl").read_text().splitlines()]


pytestmark = pytest.mark.skipif(not shutil.which("git") or not shutil.which("bash"), reason="needs git and bash")
STEPS = ["Fetch the review comments", "Check the comments against the code", "Post or update the summary"]


def test_the_workflow_runs_on_reviews_with_the_rights_it_needs_and_no_expression_in_a_script():
    flow = workflow()
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert list(on) == ["pull_request_review"] and "submitted" in on["pull_request_review"]["types"]
    assert flow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = flow["jobs"]["review-comments"]["steps"]
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.head.sha }}"
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name")
        for value in step.get("env", {}).values():
            assert "${{" not in value or value in EXPRESSIONS, value


def test_the_workflow_posts_the_summary_with_links_to_the_head_commit(tmp_path):
    comments = json.loads((PR / "comments.json").read_text())
    work, state = _checkout(tmp_path, comments, [])
    statuses, job_summary = _run_steps(work, state, tmp_path)
    assert statuses == {name: 0 for name in STEPS}
    calls = _calls(state)
    assert all(c["token"] == "token-for-the-test" for c in calls)  # GH_TOKEN reaches every gh call
    assert calls[0]["args"] == ["api", "--paginate", f"repos/{REPOSITORY}/pulls/7/comments"]
    [posted] = _posted(state)
    assert posted["how"] == "create" and posted["where"] == f"{REPOSITORY}#7"
    body = posted["body"]
    assert body.startswith(MARKER + "\n")
    assert "12 review comment(s) checked" in body
    assert "❌ 3 do not hold · ✅ 4 hold · ❔ 2 cannot be decided · ⏭️ 3 not checked" in body
    blob = f"https://github.com/{REPOSITORY}/blob/{HEAD}"
    # comment 1 holds, with the line it is on and its evidence linked at the head commit
    assert (f"| [#\u200b1](https://github.com/{REPOSITORY}/pull/7#discussion_r101) | [`src/settings.cpp:9`]({blob}/"
            f"src/settings.cpp#L9) |") in body
    assert f"evidence: [`src/settings.cpp:9`]({blob}/src/settings.cpp#L9)" in body
    assert f"[`src/server.cpp:9-10`]({blob}/src/server.cpp#L9-L10)" in body  # a comment on two lines
    assert "README.md is not a C++ file" in body and "src/gone.cpp is not in the checkout" in body
    assert "(the left side of the diff)" in body
    # the job summary holds the full report; the checkout is left as it was
    assert job_summary.startswith("# qtcheck report\n") and "## Review `comments.json` on `src/server.cpp`" in job_summary
    assert subprocess.run(["git", "status", "--porcelain"], cwd=work, capture_output=True, text=True).stdout == \
        "?? README.md\n?? src/\n"


def test_the_workflow_updates_its_own_earlier_summary_only(tmp_path):
    comments = json.loads((PR / "comments.json").read_text())
    conversation = [
        {"id": 555, "user": {"login": "someone"}, "body": MARKER + "\nnot the bot's"},
        {"id": 556, "user": {"login": "github-actions[bot]"}, "body": "another bot comment"},
        {"id": 557, "user": {"login": "github-actions[bot]"}, "body": MARKER + "\nthe earlier summary"},
    ]
    work, state = _checkout(tmp_path, comments, conversation)
    _run_steps(work, state, tmp_path)
    [posted] = _posted(state)
    assert posted["how"] == "edit" and posted["where"] == f"repos/{REPOSITORY}/issues/comments/557"
    assert posted["body"].startswith(MARKER) and "✅ 4 hold" in posted["body"]
    assert not any(c["args"][:2] == ["pr", "comment"] for c in _calls(state))


def test_comments_on_no_cpp_file_still_give_a_summary(tmp_path):
    comments = [c for c in json.loads((PR / "comments.json").read_text()) if c["path"] in ("README.md", "src/gone.cpp")]
    work, state = _checkout(tmp_path, comments, [])
    statuses, _ = _run_steps(work, state, tmp_path)
    assert statuses == {name: 0 for name in STEPS}
    [posted] = _posted(state)
    assert "2 review comment(s) checked" in posted["body"] and "⏭️ 2 not checked" in posted["body"]
    assert "Do not hold" not in posted["body"]
