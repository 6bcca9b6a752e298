"""The summary of a pull request's review comments, to post back on it as a comment (GitHub Markdown).

Which comments hold, which do not, which cannot be decided and which were not checked, each with links to the
lines at the pull request's head commit. The comments' own words are quoted inert: no raw HTML, no @mention or
#reference that would notify anyone again, no table break; the whole stays under GitHub's comment size limit.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from ..ruledocs import RULES_PAGE

MARKER = "<!-- qtcheck: review comments summary -->"  # how the workflow finds its earlier summary to update
LIMIT = 60000  # characters; GitHub refuses a comment body over 65,536
QUOTE_CHARS = 160
EVIDENCE_LINKS = 3
SECTIONS = [("refuted", "❌", "Do not hold"), ("partly", "🟡", "Hold in part"), ("confirmed", "✅", "Hold"),
            ("unverifiable", "❔", "Cannot be decided"), ("skipped", "⏭️", "Not checked")]
COUNTED = {"refuted": "do not hold", "partly": "hold in part", "confirmed": "hold", "unverifiable": "cannot be decided",
           "skipped": "not checked"}


def _inert(text: str, limit: int | None = None) -> str:
    """Text safe in a table cell and inert when posted: one line, HTML escaped outside `code spans`, @mentions and
    #references broken with a zero-width space, pipes escaped; cut at limit characters."""
    text = " ".join(str(text).split())
    if limit and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick (or one cut off): no code spans at all
        pieces = ["`".join(pieces).replace("`", "'")]
    out = []
    for i, piece in enumerate(pieces):
        if not i % 2:
            piece = html.escape(piece, quote=False)
            piece = re.sub(r"([@#])(?=[\w-])", "\\1\u200b", piece)
            piece = re.sub(r"([\\*_~\[\]])", r"\\\1", piece)  # no emphasis or links made of their words
        out.append(piece)
    return "`".join(out).replace("|", "\\|")


def _code(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _blob(pull: dict, path: str, line: int | str | None) -> str | None:
    if not (pull.get("repository") and pull.get("head")):
        return None
    anchor = f"#L{line}" if line else ""
    return f"{pull['server']}/{pull['repository']}/blob/{pull['head']}/{quote(path, safe='/')}{anchor}"


def _place(pull: dict, path: str, line: int | None, first: int | None = None) -> str:
    """`path:line` (or `path:first-line`), linked to those lines at the head commit when it is known."""
    span = f"{first}-{line}" if first and line and first < line else f"{line}" if line else ""
    shown = _code(f"{path}:{span}" if span else path)
    link = _blob(pull, path, span.replace("-", "-L") if span else None)
    return f"[{shown}]({link})" if link else shown


def _number(comment: dict) -> str:
    label = f"#\u200b{comment['number']}"
    text = f"[{label}]({comment['url']})" if comment.get("url") else label
    if comment.get("reply_to"):
        text += f" (reply to #\u200b{comment['reply_to']})"
    return text


def _bucket(comment: dict) -> str:
    return comment["verdict"] if comment["status"] == "checked" else "skipped"


def _row(pull: dict, comment: dict) -> str:
    where = _place(pull, comment["path"], comment.get("line"), (comment.get("lines") or [None])[0])
    if comment.get("note"):
        where += f"<br>_{_inert(comment['note'])}_"
    said = f"“{_inert(comment['body'], QUOTE_CHARS)}”" if comment["body"].strip() else "_(empty)_"
    if comment["status"] != "checked":
        return f"| {_number(comment)} | {where} | {said} | {_inert(comment['why'])} |"
    why = _inert(comment["reason"])
    if comment.get("line_note"):
        why += f" _({_inert(comment['line_note'])})_"
    evidence = comment.get("evidence", [])
    if evidence:
        links = [_place(pull, e["path"], e["line"]) for e in evidence[:EVIDENCE_LINKS]]
        more = f" and {len(evidence) - EVIDENCE_LINKS} more" if len(evidence) > EVIDENCE_LINKS else ""
        why += f"<br>evidence: {', '.join(links)}{more}"
    return f"| {_number(comment)} | {where} | {said} | {why} |"


def _claims(comment: dict) -> list[str]:
    """The claims of a comment that makes several, one line each."""
    return [f"  - claim {_inert(c['id'])}: **{c['verdict']}**: “{_inert(c['quote'], QUOTE_CHARS)}” — "
            f"{_inert(c['reason'])}" for c in comment["claims"]]


def render(report: dict, **_options) -> str:
    pull = report.get("pr_comments") or {"comments": []}
    comments = pull["comments"]
    counts = {key: sum(1 for c in comments if _bucket(c) == key) for key, _, _ in SECTIONS}
    out = [MARKER, "## qtcheck: do the review comments hold?", ""]
    if pull.get("head"):
        head = _code(pull["head"][:12])
        if pull.get("repository"):
            head = f"[{head}]({pull['server']}/{pull['repository']}/commit/{pull['head']})"
        at = f" against the code at {head}"
    else:
        at = ""
    if not comments:
        out += [f"No review comments on the code to check{at}.", ""]
        return "\n".join(out) + "\n"
    tally = " · ".join(f"{icon} {counts[key]} {COUNTED[key]}" for key, icon, _ in SECTIONS if counts[key])
    out += [f"{len(comments)} review comment(s) checked{at}: {tally}", ""]
    budget = LIMIT - sum(len(x) + 1 for x in out) - 400
    left_out = 0
    for key, icon, title in SECTIONS:
        chosen = [c for c in comments if _bucket(c) == key]
        if not chosen:
            continue
        block = [f"### {icon} {title}: {len(chosen)}", "", "| comment | on | says | why |", "| --- | --- | --- | --- |"]
        extra: list[str] = []
        for comment in chosen:
            row = _row(pull, comment)
            if len(row) + 1 > budget:
                left_out += 1
                continue
            block.append(row)
            budget -= len(row) + 1
            if len(comment.get("claims", [])) > 1:
                lines = [f"- {_number(comment)}:"] + _claims(comment)
                size = sum(len(x) + 1 for x in lines)
                if size <= budget:
                    extra += lines
                    budget -= size
        out += block + [""]
        if extra:
            out += ["<details><summary>Comments making several claims</summary>", ""] + extra + ["", "</details>", ""]
    if left_out:
        out += [f"_{left_out} more comment(s) left out to keep this under GitHub's comment size; the job's report "
                f"lists them all._", ""]
    if not pull.get("head"):
        out += ["_Lines are not linked: no head commit was given (--head-sha) or found in the comments._", ""]
    out += ["<sub>Each comment's text is read as claims about the code at its line and checked by "
            f"[qtcheck]({RULES_PAGE.split('/blob/', 1)[0]}) with libclang and the Qt headers: a verdict says whether the "
            "code bears the comment out, not whether the suggestion is good.</sub>"]
    return "\n".join(out) + "\n"
