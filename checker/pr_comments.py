"""A pull request's review comments as GitHub's REST API prints them (`gh api repos/OWNER/REPO/pulls/N/comments`).

Each comment's body is read by the prose reader like any review, and every claim it makes is pinned to the comment's
file and line: it is judged on that file only, the line choosing among the constructs it names. Replies belong to
their thread's file and line. A comment that cannot be placed on a C++ file of the checkout is listed as not
checked, with the reason, never an error. Where the links of the summary point (OWNER/REPO, the head commit) comes
from --github-repo / --head-sha, else from the GitHub Actions event, else from the comments themselves.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from .claims import Claim
from .errors import QtcheckError, short

# A review is GitHub's JSON when it opens as an array of objects (or of pages: `gh api --paginate --slurp`), an
# empty array, or one object; no prose review starts so ("[High] ..." does not).
LOOKS_LIKE_JSON = re.compile(r"^\s*(?:\[\s*[\[{\]]|\{\s*[\"}])")
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")
COMMENT_URL = re.compile(r"^(?P<server>https://[A-Za-z0-9.-]+(?::\d+)?)/(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)"
                         r"/pull/\d+#[A-Za-z0-9_-]+$")
MAX_RANGE = 50  # a multi-line comment over more lines cites its first and last line only, as inline comments do

_LINE = {"type": ["integer", "null"], "minimum": 1}
_ID = {"type": ["integer", "null"]}
_TEXT = {"type": ["string", "null"]}
COMMENT_SCHEMA = {  # the keys qtcheck reads; GitHub's others (user, _links, reactions ...) are left alone
    "type": "object",
    "required": ["body", "path"],
    "properties": {
        "id": _ID, "in_reply_to_id": _ID, "body": {"type": "string"}, "path": {"type": "string", "minLength": 1},
        "line": _LINE, "original_line": _LINE, "start_line": _LINE, "original_start_line": _LINE,
        "side": {"enum": ["LEFT", "RIGHT", None]}, "start_side": {"enum": ["LEFT", "RIGHT", None]},
        "subject_type": {"enum": ["line", "file", None]},
        "commit_id": _TEXT, "original_commit_id": _TEXT, "html_url": _TEXT, "diff_hunk": _TEXT,
    },
}


@dataclass
class Comment:
    index: int                 # 1-based, in the order of the JSON: the number the reports show
    id: int | None
    body: str
    path: str                  # as GitHub gives it: relative to the repository root
    url: str = ""              # the comment on GitHub (html_url), when it has the shape GitHub gives it
    commit: str = ""           # commit_id: the commit the comment's line refers to
    reply_to: int | None = None  # the index of the comment that opened the thread
    lines: list[int] = field(default_factory=list)  # where its claims are pinned in the head file; [] the file
    line: int | None = None    # the line shown for it (the last of a range)
    note: str = ""             # how it was placed, when not plainly at its line (outdated, whole file)
    skipped: str = ""          # why it is not checked; "" when it is
    file: str = ""             # the file checked, as qtcheck names it (relative to the current folder)
    resolved: str = ""         # that file's absolute path, which its claims are pinned to
    claim_ids: list[str] = field(default_factory=list)


@dataclass
class CommentSet:
    review: str                # the review's name (the JSON file's name, <stdin>)
    comments: list[Comment]


def looks_like_comments(text: str) -> bool:
    return bool(LOOKS_LIKE_JSON.match(text))


def _values(text: str, name: str) -> list:
    """Every JSON value in the text: one document, or the pages `gh api --paginate` prints one after another."""
    decoder = json.JSONDecoder()
    values, at = [], 0
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if at == len(text):
            return values
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise QtcheckError(f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg} "
                               f"(expected the review comments of `gh api repos/OWNER/REPO/pulls/N/comments`)") from None
        except RecursionError:
            raise QtcheckError(f"{name}: JSON nested too deeply to be review comments") from None
        except ValueError as exc:  # an integer of thousands of digits (Python's limit on converting them)
            raise QtcheckError(f"{name}: not valid review comments: {short(str(exc))}") from None
        values.append(value)


def parse(text: str, name: str) -> list[dict]:
    """The comment objects of GitHub's JSON: an array, pages of arrays (--paginate, or --slurp), or one comment."""
    items: list = []
    for value in _values(text, name):
        if isinstance(value, dict) and "body" not in value and "message" in value:
            raise QtcheckError(f"{name}: GitHub's API answered with an error, not review comments: "
                               f"{short(str(value['message']))}")
        if isinstance(value, list):
            for item in value:
                items += item if isinstance(item, list) else [item]  # --slurp: an array of pages
        else:
            items.append(value)
    import jsonschema  # only when comments are read: a plain run never loads it

    validator = jsonschema.Draft202012Validator(COMMENT_SCHEMA)
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise QtcheckError(f"{name}: comment {n} is not a JSON object (expected the review comments of "
                               f"`gh api repos/OWNER/REPO/pulls/N/comments`)")
        error = next(iter(sorted(validator.iter_errors(item), key=lambda e: list(e.path))), None)
        if error is not None:
            key = ".".join(str(p) for p in error.absolute_path)
            where = f" key '{short(key)}':" if key else ""
            raise QtcheckError(f"{name}: comment {n}:{where} {short(error.message)} (expected a review comment as "
                               f"`gh api repos/OWNER/REPO/pulls/N/comments` prints it)")
    return items


def _path_problem(path: str) -> str:
    """Why a comment's path cannot name a file of the checkout, or ''."""
    pure = PurePosixPath(path)
    if "\0" in path or pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", path):
        return f"the path {short(path)} is not relative to the repository"
    return ""


def _relocate(hunk: str, original: int, lines: list[str]) -> int | None:
    """An outdated comment's line in the head file: the line its diff hunk ends with (the line it was written on),
    the occurrence nearest its original line; None when that text is no longer there (or is blank)."""
    last = (hunk or "").rstrip("\n").split("\n")[-1]
    if not last or last[0] not in "+ " or not last[1:].strip():
        return None
    wanted = last[1:].strip()
    found = [i for i, text in enumerate(lines, 1) if text.strip() == wanted]
    return min(found, key=lambda i: (abs(i - original), i)) if found else None


def _short_sha(sha: str) -> str:
    return sha[:7] if sha else "an earlier commit"


def load(text: str, name: str, root: Path, read: Callable[[Path], str], is_cpp: Callable[[Path], bool],
         excluded: Callable[[Path], str] | None = None) -> CommentSet:
    """The comments of GitHub's JSON, each placed on its file of the checkout under root (or given the reason it is
    not checked). read(path) gives a file's text or raises QtcheckError; excluded(path) says why a config excludes
    a file ('' when it does not)."""
    items = parse(text, name)
    comments: list[Comment] = []
    by_id: dict[int, int] = {}
    for n, item in enumerate(items, 1):
        url = item.get("html_url") or ""
        comments.append(Comment(n, item.get("id"), item["body"], item["path"],
                                url=url if COMMENT_URL.match(url) else "", commit=item.get("commit_id") or ""))
        if item.get("id") is not None:
            by_id.setdefault(item["id"], n)
    texts: dict[str, list[str] | str] = {}  # path -> the file's lines, or why it is not checked
    for comment, item in zip(comments, items):
        place = item
        if by_id.get(item.get("in_reply_to_id"), n) != n:  # a reply belongs to its thread's file and line
            comment.reply_to = by_id[item["in_reply_to_id"]]
            place = items[comment.reply_to - 1]
            comment.path = place["path"]
        if comment.path not in texts:
            try:
                texts[comment.path] = _file_of(comment.path, root, read, is_cpp, excluded)
            except (OSError, RuntimeError) as exc:  # a name too long, a loop of symbolic links
                texts[comment.path] = f"{short(comment.path)} cannot be read ({getattr(exc, 'strerror', None) or exc})"
        held = texts[comment.path]
        if isinstance(held, str):
            comment.skipped = held
            continue
        comment.file, comment.resolved = _names(root / comment.path)
        _place(comment, place, held)
    return CommentSet(name, comments)


def _names(path: Path) -> tuple[str, str]:
    resolved = path.resolve()
    try:
        shown = os.path.relpath(resolved)
    except ValueError:  # another drive
        shown = str(resolved)
    return (shown if not shown.startswith("-") else f"./{shown}"), str(resolved)


def _file_of(path: str, root: Path, read, is_cpp, excluded) -> list[str] | str:
    problem = _path_problem(path)
    if problem:
        return problem
    full = root / path
    if not full.exists():
        return f"{short(path)} is not in the checkout (deleted, renamed, or not checked out)"
    try:
        full.resolve().relative_to(root.resolve())
    except ValueError:
        return f"{short(path)} leads out of the repository (a symbolic link)"
    if not is_cpp(full):
        return f"{short(path)} is not a C++ file"
    why = excluded(full) if excluded else ""
    if why:
        return why
    try:
        return read(full).split("\n")
    except QtcheckError as exc:
        return str(exc)


def _place(comment: Comment, item: dict, lines: list[str]) -> None:
    """The lines a checked comment's claims are pinned to, and a note when that is not simply its line."""
    if item.get("subject_type") == "file":
        comment.note = "on the file as a whole"
        return
    side = item.get("side") or "RIGHT"
    line, start = item.get("line"), item.get("start_line")
    if side == "LEFT" and line is not None:
        comment.skipped = (f"on line {line} of the code before the pull request (the left side of the diff), which "
                           f"the head commit does not have")
        return
    if line is None and item.get("original_line") is not None:  # outdated: its line changed since
        original = item["original_line"]
        written = _short_sha(item.get("original_commit_id") or "")
        if side == "LEFT":
            comment.skipped = (f"outdated, and on line {original} of the code before the pull request (the left "
                               f"side of the diff at {written})")
            return
        moved = _relocate(item.get("diff_hunk") or "", original, lines)
        if moved is not None:
            line = moved
            comment.note = (f"outdated: written on line {original} at {written}; the line it was on is line {moved} "
                            f"now" if moved != original else
                            f"outdated: written at {written}; the line it was on is still line {original}")
        else:
            line = original
            comment.note = (f"outdated: written on line {original} at {written}; that line has changed since, so it "
                            f"is checked at line {original} of the head commit")
        start = None
    if line is None:
        comment.note = "no line given: checked on the file as a whole"
        return
    first = start if start is not None and start <= line and (item.get("start_side") or side) == side else line
    comment.line = line
    comment.lines = list(range(first, line + 1)) if line - first <= MAX_RANGE else [first, line]


def claims_of(comment_set: CommentSet, rules) -> list[Claim]:
    """The claims of every checked comment, read by the prose reader from its body, pinned to its file and lines.
    Ids: the comment's number, and N.1, N.2 ... when a comment makes several claims."""
    from .prose import claims_from_text

    out: list[Claim] = []
    for comment in comment_set.comments:
        if comment.skipped:
            continue
        found = claims_from_text(comment.body.replace("\r\n", "\n").replace("\r", "\n"), comment_set.review, rules)
        for k, claim in enumerate(found, 1):
            claim.id = str(comment.index) if len(found) == 1 else f"{comment.index}.{k}"
            claim.lines = list(dict.fromkeys(comment.lines + claim.lines))
            claim.pin = {"path": comment.resolved, "file": comment.file, "line": comment.line,
                         "comment": comment.index}
            comment.claim_ids.append(claim.id)
        out += found
    return out


# ---------------------------------------------------------------- where the summary's links point


def _event() -> dict:
    """The GitHub Actions event (GITHUB_EVENT_PATH), or {} outside Actions or when it cannot be read."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(16 * 1024 * 1024))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def check_repository(value: str) -> str:
    if not REPOSITORY.match(value or ""):
        raise QtcheckError(f"--github-repo {short(value)}: give the repository as OWNER/REPO")
    return value


def check_sha(value: str) -> str:
    if not SHA.match(value or ""):
        raise QtcheckError(f"--head-sha {short(value)}: give a commit id (7 to 64 hexadecimal digits)")
    return value.lower()


def link_target(sets: list[CommentSet], repository: str | None, head: str | None) -> dict:
    """{server, repository, head, from}: where evidence links point. Each is taken from the option, else the
    Actions event and environment, else the comments (their html_url, the commit most located comments are on)."""
    comments = [c for s in sets for c in s.comments]
    urls = [COMMENT_URL.match(c.url) for c in comments if c.url]
    event = _event()
    pull = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else {}
    said = []
    if repository:
        said.append("--github-repo")
    else:
        env_repo = os.environ.get("GITHUB_REPOSITORY", "")
        repository = urls[0].group("repo") if urls else env_repo if REPOSITORY.match(env_repo) else None
        said.append("the comments' links" if urls else "GITHUB_REPOSITORY" if repository else "")
    if head:
        said.append("--head-sha")
    else:
        event_head = (pull.get("head") or {}).get("sha") if isinstance(pull.get("head"), dict) else None
        located = Counter(c.commit for c in comments if c.line is not None and not c.note and SHA.match(c.commit))
        if isinstance(event_head, str) and SHA.match(event_head):
            head, source = event_head.lower(), "the pull request event"
        elif located:
            head, source = located.most_common(1)[0][0].lower(), "the commit the comments are on"
        else:
            head, source = None, ""
        said.append(source)
    server = urls[0].group("server") if urls else os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    if not re.match(r"^https://[A-Za-z0-9.-]+(?::\d+)?$", server):
        server = "https://github.com"
    return {"server": server, "repository": repository, "head": head, "from": [s for s in said if s]}


# ---------------------------------------------------------------- a comment's verdict


def overall(verdicts: list[str]) -> str:
    """A comment holds when every claim in it does, does not when every decided one is refuted, holds in part when
    they disagree; cannot be decided when none is decided (as the parts of a claim combine)."""
    decided = [v for v in verdicts if v != "unverifiable"]
    if not decided:
        return "unverifiable"
    if all(v == "confirmed" for v in verdicts):
        return "confirmed"
    if all(v == "refuted" for v in decided):
        return "refuted"
    return "partly"
