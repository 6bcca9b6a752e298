"""The SARIF 2.1.0 format for code scanning: rules from the YAML, findings and claim verdicts as results."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from .. import baseline
from ..ruledocs import RULES_PAGE, help_uri

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
CLAIM_RULE = "qtcheck-claim"
# A claim result says whether the review's claim holds: confirmed passes, refuted fails, the rest needs a person.
CLAIM_KIND = {"confirmed": "pass", "refuted": "fail", "partly": "review", "unverifiable": "review"}
LEVEL = {"error": "error", "fatal": "error", "warning": "warning", "note": "note"}
# GitHub ranks a rule with properties.security-severity (and the tag security) as a security alert: critical from
# 9.0, high from 7.0, medium from 4.0, low below. qtcheck's rules that carry CWE ids get a score by their severity.
SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
INFORMATION_URI = RULES_PAGE.split("/blob/", 1)[0]  # the repository
URI_SAFE = "/!$&'()*+,;=:@-._~"  # RFC 3986 path characters kept as they are; the rest is percent-encoded


_URIS: dict[str, tuple[str, str | None]] = {}  # path -> (uri, uriBaseId) for the render under way
_ROOT: list[Path] = []  # the source root of the render under way


def _uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to the source root (%SRCROOT%: the git work tree of the current folder, else the
    current folder), with '../' steps for a file outside it. Worked out once per path and render: a report names
    the same few files at every result."""
    if path not in _URIS:
        _URIS[path] = _resolve(path)
    return _URIS[path]


def _resolve(path: str) -> tuple[str, str | None]:
    rel = baseline.relative(path, _ROOT[0] if _ROOT else None)
    if rel.startswith("/"):  # no relative form (another drive): absolute
        return Path(rel).as_uri(), None
    return quote(rel, safe=URI_SAFE), SRCROOT


def _location(path: str, line: int | None, column: int | None) -> dict:
    """A location at line:column, or the whole file when line is None."""
    uri, base = _uri(path)
    artifact = {"uri": uri, **({"uriBaseId": base} if base else {})}
    place = {"artifactLocation": artifact}
    if line is not None:  # a line without a column (a claim's place in a review) is the whole line
        place["region"] = {"startLine": max(1, int(line or 1)),
                           **({"startColumn": max(1, int(column))} if column else {})}
    return {"physicalLocation": place}


def _cwe_tags(cwes: list[str]) -> list[str]:
    return [f"external/cwe/cwe-{c.split('-', 1)[1]}" for c in cwes]


def _rule(rule) -> dict:
    docs = rule.docs
    help_text = "\n\n".join(filter(None, [docs["why"].strip(), docs.get("fix", "").strip(),
                                          "Example:\n" + docs["example"].rstrip()]))
    help_md = "\n\n".join(filter(None, [docs["why"].strip(), docs.get("fix", "").strip(),
                                        "```cpp\n" + docs["example"].rstrip() + "\n```"]))
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(docs["what"].split())},
        "help": {"text": help_text, "markdown": help_md},
        **({"helpUri": help_uri(rule)} if help_uri(rule) else {}),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": sorted(set(rule.tags) | ({"security"} if rule.cwe else set())) + _cwe_tags(rule.cwe),
                       "cwe": list(rule.cwe),
                       **({"security-severity": SECURITY_SEVERITY[rule.severity]} if rule.cwe else {})},
    }


CLAIM_RULE_DESCRIPTOR = {
    "id": CLAIM_RULE,
    "name": "ReviewClaim",
    "shortDescription": {"text": "A code review's claim, checked against the code"},
    "fullDescription": {"text": "Each claim of a review gets a verdict: confirmed (kind pass), refuted (kind fail), "
                                "partly or unverifiable (kind review). properties.verdict holds the verdict."},
    "help": {"text": "The claim's verdict, reason and evidence lines are in the result message and properties. "
                     "A refuted claim says the review is wrong about this code."},
    "defaultConfiguration": {"level": "warning"},
    "properties": {"tags": ["review-claim"]},
}


def _claim_location(review: dict, claim: dict) -> dict:
    """The claim's first evidence line; without one, the claim's place in the review file (the quote's line, or
    line 1 when the quote is not found there); a review from standard input: the checked file as a whole."""
    if claim["evidence"]:
        first = claim["evidence"][0]
        return _location(first["file"], first["line"], first["column"])
    if claim.get("comment"):  # a pull request comment's claim: at the comment's line of its file
        return _location(review["file"], claim["comment"]["line"], None)
    if review.get("path"):
        return _location(review["path"], claim.get("review_line") or 1, None)
    return _location(review["file"], None, None)


def _claim_result(review: dict, claim: dict, index: int) -> dict:
    kind = CLAIM_KIND[claim["verdict"]]
    text = (f"{claim['verdict'].upper()}: claim {claim['id']} of {review['review']}: \"{claim['quote']}\" "
            f"— {claim['reason']}")
    if claim["line_note"]:
        text += f" ({claim['line_note']})"
    return {
        "ruleId": CLAIM_RULE, "ruleIndex": index, "kind": kind,
        "level": "warning" if kind == "fail" else "none",
        "message": {"text": text},
        "locations": [_claim_location(review, claim)],
        "relatedLocations": [{**_location(e["file"], e["line"], e["column"]), "id": i,
                              "message": {"text": e.get("note") or e["source"]}}
                             for i, e in enumerate(claim["evidence"][1:], 1)],
        "properties": {"verdict": claim["verdict"], "review": review["review"], "claim": claim["id"],
                       "rules": claim["rules"], "lines": claim["lines"]},
    }


def render(report: dict, rules: list | None = None, **_options) -> str:
    _URIS.clear()  # the current directory or a link may have changed since the last render
    _ROOT[:] = [baseline.source_root()]
    descriptors = [_rule(r) for r in (rules or [])] + [CLAIM_RULE_DESCRIPTOR]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results = []
    findings = report["findings"] + report.get("suppressed", [])
    prints = baseline.occurrences([f.get("fingerprint", "") for f in findings])
    for f, fingerprint in zip(findings, prints):
        if f["rule"] not in index:  # a finding of a rule the renderer was not given: describe it minimally
            index[f["rule"]] = len(descriptors)
            descriptors.append({"id": f["rule"], "shortDescription": {"text": f["rule"]}})
        result = {"ruleId": f["rule"], "ruleIndex": index[f["rule"]], "kind": "fail",
                  "level": LEVEL.get(f["severity"], "warning"), "message": {"text": f["message"]},
                  "locations": [_location(f["file"], f["line"], f["column"])],
                  "properties": {"claimed": f["claimed"]}}
        if f.get("fingerprint"):  # the same identity --baseline matches: alerts survive lines moving
            result["partialFingerprints"] = {baseline.FINGERPRINT_KEY: fingerprint}
        if "suppressed_by" in f:  # a NOLINT comment: viewers list it as suppressed in source
            by = f["suppressed_by"]
            result["suppressions"] = [{"kind": "inSource", "justification": by["directive"],
                                       "location": _location(f["file"], by["line"], 1)}]
        results.append(result)
    for review in report["reviews"]:
        results += [_claim_result(review, c, index[CLAIM_RULE]) for c in review["claims"]]
    # notices first: degraded mode must be the first thing a reader of the run sees
    notifications = [{"level": "note", "message": {"text": n}} for n in report.get("notices", [])]
    notifications += [{"level": "error", "message": {"text": d["message"]},
                       "locations": [_location(d["file"], d["line"], d["column"])]}
                      for file in report["files"] for d in file["diagnostics"] if d["severity"] in ("error", "fatal")]
    run = {
        "tool": {"driver": {"name": "qtcheck", "informationUri": INFORMATION_URI, "version": report["tool"]["version"],
                            "semanticVersion": report["tool"]["version"], "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"uri": _ROOT[0].as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",  # columns count characters of the line, never UTF-8 bytes
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

