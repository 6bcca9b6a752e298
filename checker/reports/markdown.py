"""The Markdown format for pull requests and CI job summaries: a table per review, evidence folded."""

from __future__ import annotations

import html
import os

ICON = {"confirmed": "✅", "refuted": "❌", "partly": "🟡", "unverifiable": "❔"}


def _cell(text: str) -> str:
    """Text safe inside a table cell: one line, no raw HTML outside `code spans`, no column breaks."""
    pieces = " ".join(str(text).split()).split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no code spans at all
        pieces = ["`".join(pieces)]
    escaped = [p if i % 2 else html.escape(p, quote=False) for i, p in enumerate(pieces)]
    return "`".join(escaped).replace("|", "\\|")


def _code(text: str) -> str:
    """An inline code span that survives any backticks inside text."""
    text = " ".join(str(text).split())
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _relpath(path: str) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return path if rel.startswith("../../") else rel


def _loc(item: dict) -> str:
    return f"{_relpath(item['file'])}:{item['line']}" + (f":{item['column']}" if item.get("column") else "")


def _scorecard(summary: dict) -> list[str]:
    holds = "n/a" if summary["holds"] is None else f"{summary['holds']:.0%}"
    return ["| claims | ✅ confirmed | ❌ refuted | 🟡 partly | ❔ unverifiable | checkable claims that hold |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {summary['claims']} | {summary['confirmed']} | {summary['refuted']} | {summary['partly']} "
            f"| {summary['unverifiable']} | {holds} |"]


def _evidence(claim: dict) -> list[str]:
    if not claim["evidence"] and len(claim["parts"]) < 2 and not claim["line_note"]:
        return []
    out = ["<details>", f"<summary>Claim {html.escape(claim['id'])}: {claim['verdict']}, "
           f"{len(claim['evidence'])} evidence line(s)</summary>", ""]
    if len(claim["parts"]) > 1:
        out += [f"- {_cell(p['says'])}: **{p['verdict']}**: {_cell(p['reason'])}" for p in claim["parts"]]
        out.append("")
    if claim["line_note"]:
        out += [f"_Note: {_cell(claim['line_note'])}_", ""]
    out += [f"- `{_loc(e)}` {_code(e['source'])}" + (f" — {_cell(e['note'])}" if e.get("note") else "")
            for e in claim["evidence"]]
    return out + ["", "</details>", ""]


def _review(review: dict) -> list[str]:
    out = [f"## Review `{review['review']}` on `{_relpath(review['file'])}`", ""]
    out += _scorecard(review["summary"]) + [""]
    out += ["| # | verdict | claim | reason |", "| --- | --- | --- | --- |"]
    for claim in review["claims"]:
        cited = f" (lines {', '.join(map(str, claim['lines']))})" if claim["lines"] else ""
        out.append(f"| {_cell(claim['id'])} | {ICON[claim['verdict']]} {claim['verdict']} "
                   f"| “{_cell(claim['quote'])}”{cited} | {_cell(claim['reason'])} |")
    out.append("")
    for claim in review["claims"]:
        out += _evidence(claim)
    return out


def render(report: dict, **_options) -> str:
    out = ["# qtcheck report", ""]
    for notice in report.get("notices", []):
        out += [f"> {_cell(notice)}", ""]
    for file in report["files"]:
        errors = [d for d in file["diagnostics"] if d["severity"] in ("error", "fatal")]
        out.append(f"- `{_relpath(file['path'])}`: {file['lines']} lines, Qt {file['qt_version']}, "
                   f"{len(errors)} parse error(s)")
        out += [f"  - `{_loc(d)}` {d['severity']}: {_cell(d['message'])}" for d in errors]
    out.append("")
    for review in report["reviews"]:
        out += _review(review)
    unclaimed = [f for f in report["findings"] if not f["claimed"]]
    title = "Findings no review names" if report["reviews"] else "Findings"
    out += [f"## {title}: {len(unclaimed)}", ""]
    if unclaimed:
        out += ["| location | severity | rule | message |", "| --- | --- | --- | --- |"]
        out += [f"| `{_loc(f)}` | {f['severity']} | `{f['rule']}` | {_cell(f['message'])} |" for f in unclaimed]
        out.append("")
    if report.get("suppressed"):
        out += [f"_{len(report['suppressed'])} finding(s) suppressed by NOLINT comments._", ""]
    return "\n".join(out) + "\n"
