"""The report model: one plain dict (the JSON format) that every output format renders."""

from __future__ import annotations

import re
from dataclasses import asdict

from . import __version__, baseline
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


def build(results: list[dict], rules: list[Rule], notices: list[str] | None = None,
          review_files: dict[str, tuple[str, str]] | None = None) -> dict:
    """results: per file {facts, sites, findings, verdicts (list of Verdict)}, and optionally suppressed
    ((site, directive, line) for each finding a NOLINT silenced) and severity (the config's overrides).
    review_files: review name -> (the file it was read from, its text), to place claims without evidence."""
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
            "diagnostics": [asdict(d) for d in facts.diagnostics if d.file == str(facts.path)
                            or d.severity == "fatal"],
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
    return report
