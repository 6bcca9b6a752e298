"""The report model: one plain dict (the JSON format) that every output format renders."""

from __future__ import annotations

import re
from dataclasses import asdict

from . import __version__, baseline, pr_comments
from .frontend import FACT_WARNINGS
from .facts import Facts
from .matchers import Site
from .rules import Rule
from .verdicts import CONFIRMED, PARTLY, REFUTED, UNVERIFIABLE, Verdict

REPORT_VERSION = 1
VERDICTS = [CONFIRMED, REFUTED, PARTLY, UNVERIFIABLE]


def _finding(facts: Facts, site: Site, rules: dict[str, Rule], claimed: set, severity: dict | None = None,
             relpath: str = "") -> dict:
    rule = rules[site.rule]
    return {
        "file": str(facts.path),
        "rule": site.rule,
        "severity": (severity or {}).get(site.rule, rule.severity),
        "cwe": rule.cwe,
        "line": site.line,
        "column": site.col,
        "message": site.message,
        "source": facts.source(site.line).strip(),
        "claimed": (site.rule, site.line) in claimed,
        # the identity --baseline matches and SARIF's partialFingerprints carry: rule, file, the line and neighbours
        "fingerprint": baseline.fingerprint(site.rule, relpath or str(facts.path), facts.lines, site.line),
    }


def _claim(verdict: Verdict) -> dict:
    claim = verdict.claim
    pinned = {"comment": {"number": claim.pin["comment"], "file": claim.pin["file"], "line": claim.pin["line"]}} \
        if claim.pin else {}
    return {
        "id": claim.id,
        "quote": claim.quote,
        "lines": claim.lines,
        "verdict": verdict.verdict,
        "reason": verdict.reason,
        "rules": sorted({r for p in verdict.parts for r in p.rules}),
        "line_note": verdict.line_note,
        "evidence": [asdict(e) for e in verdict.evidence],
        "parts": [
            {"says": p.says, "verdict": p.verdict, "reason": p.reason, "rules": p.rules,
             "evidence": [asdict(e) for e in p.evidence], "reading": p.reading}
            for p in verdict.parts
        ],
        **pinned,
    }


def summarize(claims: list[dict]) -> dict:
    counts = {v: sum(1 for c in claims if c["verdict"] == v) for v in VERDICTS}
    checkable = counts[CONFIRMED] + counts[REFUTED] + counts[PARTLY]
    holds = counts[CONFIRMED] + 0.5 * counts[PARTLY]
    counts["claims"] = len(claims)
    counts["holds"] = round(holds / checkable, 3) if checkable else None
    return counts


def quote_line(text: str, quote: str) -> int | None:
    """The line of a review's text where a claim's quote starts (its first words, in order, across line breaks and
    Markdown marks), or None."""
    words = re.findall(r"\w+", quote)[:8]
    if not words:
        return None
    lines = text.splitlines()
    for i in range(len(lines)):
        here = re.findall(r"\w+", lines[i])
        if words[0] not in here:
            continue
        ahead = re.findall(r"\w+", " ".join(lines[i:i + 6]))
        for j, word in enumerate(ahead):
            if j < len(here) and word == words[0] and ahead[j:j + len(words)] == words:
                return i + 1
    return None


def _pull_request(pull: dict, reviews: list[dict], root) -> dict:
    """Each review comment with the verdicts of its claims, for the summary posted back on the pull request."""
    claims = {(r["review"], c["id"]): c for r in reviews for c in r["claims"]}
    out = []
    for comment_set in pull["sets"]:
        for comment in comment_set.comments:
            mine = [claims[(comment_set.review, i)] for i in comment.claim_ids if (comment_set.review, i) in claims]
            entry = {"number": comment.index, "id": comment.id, "review": comment_set.review, "url": comment.url,
                     "path": comment.path, "line": comment.line, "lines": comment.lines, "note": comment.note,
                     "reply_to": comment.reply_to, "body": comment.body}
            if comment.skipped:
                entry.update(status="not checked", why=comment.skipped)
            elif not mine:
                entry.update(status="no claim", why="it states nothing qtcheck reads as a claim about the code")
            else:
                evidence = []
                for claim in mine:
                    evidence += [{**e, "path": baseline.relative(e["file"], root)} for e in claim["evidence"]]
                seen = set()
                evidence = [e for e in evidence if (e["path"], e["line"]) not in seen
                            and not seen.add((e["path"], e["line"]))]
                entry.update(status="checked", file=comment.file,
                             verdict=pr_comments.overall([c["verdict"] for c in mine]),
                             reason=mine[0]["reason"] if len(mine) == 1 else
                             "; ".join(f"claim {c['id']}: {c['verdict']}" for c in mine),
                             # a note that cited lines miss is noise when the evidence lies within the comment's lines
                             line_note="" if any(e["line"] in comment.lines for e in evidence) else
                             " ".join(c["line_note"] for c in mine if c["line_note"]),
                             claims=[{"id": c["id"], "quote": c["quote"], "verdict": c["verdict"],
                                      "reason": c["reason"]} for c in mine],
                             evidence=evidence)
            out.append(entry)
    return {"repository": pull.get("repository"), "head": pull.get("head"), "server": pull.get("server"),
            "links_from": pull.get("from", []), "comments": out}


def build(results: list[dict], rules: list[Rule], notices: list[str] | None = None,
          review_files: dict[str, tuple[str, str]] | None = None, pull: dict | None = None) -> dict:
    """results: per file {facts, sites, findings, verdicts (list of Verdict)}, and optionally suppressed
    ((site, directive, line) for each finding a NOLINT silenced) and severity (the config's overrides).
    review_files: review name -> (the file it was read from, its text), to place claims without evidence.
    pull: a pull request's review comments ({sets: [CommentSet], server, repository, head}), summarized under
    pr_comments."""
    by_id = {r.id: r for r in rules}
    root = baseline.source_root()
    review_files = review_files or {}
    report = {"version": REPORT_VERSION, "tool": {"name": "qtcheck", "version": __version__},
              "notices": list(notices or []), "files": [], "reviews": [], "findings": [], "suppressed": []}
    for result in results:
        facts: Facts = result["facts"]
        verdicts: list[Verdict] = result["verdicts"]
        report["files"].append({
            "path": str(facts.path),
            "qt_version": facts.qt_version,
            "lines": len(facts.lines),
            "diagnostics": [{k: v for k, v in asdict(d).items() if k != "option"} for d in facts.diagnostics
                            if (d.file == str(facts.path) or d.severity == "fatal")
                            and not (d.severity == "warning" and d.option in FACT_WARNINGS)],
        })
        claimed = {(s.rule, s.line) for v in verdicts for p in v.parts for s in p.sites if s.flagged}
        reviews: dict[str, list[dict]] = {}
        for verdict in verdicts:
            reviews.setdefault(verdict.claim.review, []).append(_claim(verdict))
        for review, claims in reviews.items():
            entry = {"review": review, "file": str(facts.path), "summary": summarize(claims), "claims": claims}
            if review in review_files:  # claims with no evidence line stand at their place in the review
                path, text = review_files[review]
                entry["path"] = path
                for claim in claims:
                    if not claim["evidence"]:
                        claim["review_line"] = quote_line(text, claim["quote"]) or 1
            report["reviews"].append(entry)
        severity = result.get("severity", {})
        rel = baseline.relative(str(facts.path), root)
        report["findings"] += [_finding(facts, s, by_id, claimed, severity, rel) for s in result["findings"]]
        report["suppressed"] += [{**_finding(facts, s, by_id, claimed, severity, rel),
                                  "suppressed_by": {"line": line, "directive": directive}}
                                 for s, directive, line in result.get("suppressed", [])]
    if pull is not None:
        report["pr_comments"] = _pull_request(pull, report["reviews"], root)
    return report
