"""Reasons in plain words (issue 13, item 8): what a report says of a claim or a finding never shows qtcheck's
internal attribute names (`exits_by`, `falls_through`), Python reprs or regex syntax, in any format."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLE, FIXTURES, ROOT, builtin_rules, run_cli

OWN = ROOT / "tests" / "reviews" / "own"
# the attribute names the rules' claims ask (`expects:`) that are no English word (`falls_through`, `exits_by`),
# and the matchers' other site attributes
INTERNAL = sorted({key for rule in builtin_rules() for attr in (rule.claims or {}).get("attributes", [])
                   for key in (attr.get("expects") or {}) if "_" in key}
                  | {"exits_by", "undecided_if_named", "statements_only", "not_asked", "in_bounds", "undecided_plain"})
REPR = re.compile(r"\{'|'\w+': |\[\'|\bNone\b|\bTrue\b|\bFalse\b")
# reviews and the files they are about (each review's claims get a reason, a part reason and a summary)
CASES = [(EXAMPLE, OWN / "01_inline_L.md"), (EXAMPLE, OWN / "14_hallucinated.md"),
         (FIXTURES / "reviews" / "errors.cpp", OWN / "31_chat_transcript.md"),
         (FIXTURES / "rules" / "declaration" / "decls.cpp", OWN / "32_emoji_checklist.md"),
         (FIXTURES / "rules" / "narrowing-conversion" / "narrow.cpp", OWN / "33_issue_tracker_fields.md"),
         (FIXTURES / "rules" / "format-string" / "formats.cpp", OWN / "34_format_strings.md"),
         (FIXTURES / "rules" / "instances" / "objects.cpp", OWN / "35_changelog_entries.md"),
         (FIXTURES / "rules" / "array-bounds" / "bounds.cpp", OWN / "39_index_ranges_terse.md"),
         (FIXTURES / "rules" / "temporary-pointer" / "temporaries.cpp", OWN / "40_dangling_headings.md"),
         (FIXTURES / "rules" / "c-string" / "cstrings.cpp", OWN / "41_nul_bytes_bold_leads.md")]


def _leaks(text: str) -> list[str]:
    found = [k for k in INTERNAL if re.search(rf"(?<![\w.`'-]){re.escape(k)}(?![\w(])", text)]
    return found + REPR.findall(text)


@pytest.mark.parametrize("source, review", CASES, ids=[r.name for _, r in CASES])
def test_no_reason_shows_an_internal_name(source, review):
    result = run_cli(str(source), "--review", str(review), "--format", "json", "--no-config", "--checks", "*")
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    texts = [f["message"] for f in data["findings"]]
    for r in data["reviews"]:
        for c in r["claims"]:
            texts += [c["reason"]] + [p["reason"] for p in c["parts"]] + [p["says"] for p in c["parts"]]
    assert texts
    leaks = {t: _leaks(t) for t in texts if _leaks(t)}
    assert not leaks, leaks


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif", "github"])
def test_every_format_shows_the_same_plain_reasons(fmt):
    result = run_cli(str(EXAMPLE), "--review", str(OWN / "01_inline_L.md"), "--format", fmt, "--no-config",
                     "--color", "never")
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.strip()
    assert not [k for k in INTERNAL if re.search(rf"(?<![\w.`'/-]){re.escape(k)}(?![\w(/.-])", result.stdout)]
