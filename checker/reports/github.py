"""The GitHub Actions format: one workflow command per finding and claim, which GitHub shows as an annotation on the
line of the pull request's diff (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).

    ::warning file=src/app.cpp,line=44,col=9,title=unchecked-result (qtcheck)::the result of ... is discarded

Every value is escaped as GitHub's own toolkit does (@actions/core): in the message '%', CR and LF; in a property
also ':' and ','. So a message, a file name or a review's quote can never end the command early or start another.
"""

from __future__ import annotations

from .. import baseline

COMMAND = {"error": "error", "fatal": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def render(report: dict, **_options) -> str:
    root = baseline.source_root()
    places: dict[str, str] = {}

    def where(path: str) -> str:  # annotations name files relative to the repository's root, as GitHub does
        if path not in places:
            places[path] = baseline.relative(path, root)
        return places[path]

    out = [command("notice", notice, title="qtcheck") for notice in report.get("notices", [])]
    for file in report["files"]:
        for d in file["diagnostics"]:
            if d["severity"] in ("error", "fatal"):
                out.append(command("error", d["message"], file=where(d["file"]), line=d["line"], col=d["column"],
                                   title="qtcheck: parse error"))
    for f in report["findings"]:
        out.append(command(COMMAND.get(f["severity"], "warning"), f["message"], file=where(f["file"]), line=f["line"],
                           col=f["column"], title=f"{f['rule']} (qtcheck)"))
    for review in report["reviews"]:
        for claim in review["claims"]:
            if claim["evidence"]:
                first = claim["evidence"][0]
                place = {"file": where(first["file"]), "line": first["line"], "col": first["column"]}
            elif claim.get("comment"):  # a pull request comment's claim: at the comment's line
                place = {"file": where(review["file"]),
                         **({"line": claim["comment"]["line"]} if claim["comment"]["line"] else {})}
            elif review.get("path"):  # no evidence line: the claim's place in the review
                place = {"file": where(review["path"]), "line": claim.get("review_line") or 1}
            else:
                place = {"file": where(review["file"])}
            kind = "warning" if claim["verdict"] == "refuted" else "notice"
            out.append(command(kind, f"\"{claim['quote']}\": {claim['reason']}", **place,
                               title=f"review claim {claim['id']} of {review['review']}: {claim['verdict']}"))
    shown = len(report["findings"])
    summary = f"qtcheck: {shown} finding(s)"
    if report["reviews"]:
        summary += f", {sum(len(r['claims']) for r in report['reviews'])} review claim(s)"
    if report.get("suppressed"):
        summary += f", {len(report['suppressed'])} suppressed by NOLINT comments"
    return "\n".join(out + [summary]) + "\n"
