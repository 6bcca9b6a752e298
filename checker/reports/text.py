"""The text format for terminals: review by review, then the findings no claim mentions."""

from __future__ import annotations

import os

MARK = {"confirmed": "CONFIRMED", "refuted": "REFUTED", "partly": "PARTLY", "unverifiable": "UNVERIFIABLE"}


def _loc(path: str, line: int, col: int | None = None) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    if rel.startswith("../../"):
        rel = path
    return f"{rel}:{line}" + (f":{col}" if col else "")


def render(report: dict, **_options) -> str:
    out: list[str] = []
    for notice in report.get("notices", []):
        out.append(f"note: {notice}")
    for file in report["files"]:
        errors = [d for d in file["diagnostics"] if d["severity"] in ("error", "fatal")]
        out.append(f"{file['path']}: {file['lines']} lines, Qt {file['qt_version']}, "
                   f"{len(errors)} parse error(s)")
        for d in errors:
            out.append(f"  {_loc(d['file'], d['line'], d['column'])}: {d['severity']}: {d['message']}")
    for review in report["reviews"]:
        s = review["summary"]
        holds = "n/a" if s["holds"] is None else f"{s['holds']:.0%}"
        out.append("")
        out.append(f"== {review['review']} on {os.path.basename(review['file'])}: {s['claims']} claims, "
                   f"{s['confirmed']} confirmed, {s['refuted']} refuted, {s['partly']} partly, "
                   f"{s['unverifiable']} unverifiable; {holds} of the checkable claims hold")
        for claim in review["claims"]:
            cited = f" (lines {', '.join(map(str, claim['lines']))})" if claim["lines"] else ""
            out.append(f"[{MARK[claim['verdict']]}] {claim['id']}. \"{claim['quote']}\"{cited}")
            if len(claim["parts"]) > 1:
                for part in claim["parts"]:
                    out.append(f"    - {part['says']}: {part['verdict']}: {part['reason']}")
            else:
                out.append(f"    {claim['reason']}")
            if claim["line_note"]:
                out.append(f"    note: {claim['line_note']}")
            for e in claim["evidence"]:
                out.append(f"    {_loc(e['file'], e['line'], e['column'])}: {e['source']}")
    unclaimed = [f for f in report["findings"] if not f["claimed"]]
    title = "Findings no claim mentions" if report["reviews"] else "Findings"
    out.append("")
    out.append(f"== {title}: {len(unclaimed)}")
    for f in unclaimed:
        out.append(f"{_loc(f['file'], f['line'], f['column'])}: {f['severity']}: [{f['rule']}] {f['message']}")
    return "\n".join(out) + "\n"
