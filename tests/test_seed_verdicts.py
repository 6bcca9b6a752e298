"""Every seed claim, decided on the example that mirrors the reviewed file: exact verdict and evidence lines.

The example puts the reviewed constructs on other lines than the ones the reviews cite, so these
tests also show that claims resolve by subject first and report the line disagreement.
(Claims 003-2 and 004-5, the thread claims, are tested in test_threads.py.)
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, judge

R000 = "000_9d6af4e87f410c30.txt"
R003 = "003_53d45f972b1944f2.txt"
R004 = "004_7b69e615ccdd5cab.txt"

# (review, claim id) -> (verdict, evidence lines, verdicts of the parts)
EXPECTED = {
    (R000, "0"): ("refuted", [40, 39, 72, 71, 44, 35, 46], ["refuted"]),
    (R000, "1"): ("refuted", [16, 21, 23], ["refuted"]),
    (R000, "2"): ("refuted", [40, 41, 68, 72, 75, 66, 36], ["refuted", "refuted", "refuted"]),
    (R000, "3"): ("confirmed", [16, 28, 31, 33, 54, 59, 86, 102], ["confirmed"]),
    (R000, "4"): ("refuted", [13, 37, 38, 39, 14, 35, 36], ["refuted", "refuted"]),  # where what only it brings is used
    (R000, "5"): ("refuted", [54, 93, 56], ["refuted"]),
    (R000, "6"): ("refuted", [142, 143, 145], ["refuted"]),
    (R000, "7"): ("partly", [145], ["confirmed", "unverifiable"]),
    (R000, "8"): ("refuted", [54, 104, 127, 128], ["refuted", "refuted"]),
    (R000, "9"): ("refuted", [40, 39, 72, 71, 44, 35, 46], ["unverifiable", "refuted"]),
    (R003, "0"): ("unverifiable", [], ["unverifiable"]),
    (R003, "1"): ("partly", [35, 46, 44], ["refuted", "confirmed", "refuted", "unverifiable", "confirmed"]),
    (R003, "3"): ("confirmed", [40, 38, 41, 68, 67, 72, 70, 75], ["confirmed"]),
    (R003, "4"): ("refuted", [40, 39, 72, 71], ["refuted", "unverifiable"]),
    (R003, "5"): ("unverifiable", [], ["unverifiable"]),
    (R004, "1"): ("partly", [35, 46, 37, 65], ["confirmed", "refuted", "refuted", "unverifiable", "unverifiable"]),
    (R004, "2"): ("confirmed", [44], ["confirmed"]),
    (R004, "3"): ("partly", [40, 38, 41, 68, 67, 72, 70, 75], ["confirmed", "refuted"]),
    (R004, "4"): ("confirmed", [40, 39, 72, 71], ["confirmed"]),
    (R004, "6"): ("refuted", [119, 145, 16, 28, 31, 33, 54, 59], ["refuted"]),
}


@pytest.fixture(scope="module")
def verdicts():
    return judge(EXAMPLE)


def test_every_seed_claim_has_a_verdict(verdicts):
    assert {k for k in verdicts} >= set(EXPECTED)
    assert len(verdicts) == 22


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=[f"{r[:3]}-{c}" for r, c in sorted(EXPECTED)])
def test_seed_claim(verdicts, key):
    verdict, lines, parts = EXPECTED[key]
    got = verdicts[key]
    assert got.verdict == verdict, got.reason
    assert [e.line for e in got.evidence] == lines
    assert [p.verdict for p in got.parts] == parts
    assert got.reason
    for e in got.evidence:  # evidence quotes the real source line
        assert e.source == EXAMPLE.read_text().splitlines()[e.line - 1].strip()


def test_qcompare_throw_claim_is_refuted_by_the_expansion(verdicts):
    part = verdicts[(R004, "3")].parts[1]
    assert part.verdict == "refuted"
    assert "returns from that lambda only" in part.reason and "exits_by" not in part.reason  # plain words


def test_cited_lines_of_the_original_are_reported_as_moved(verdicts):
    note = verdicts[(R004, "2")].line_note
    assert note == "cited line(s) 73 do not hold what the claim is about; it stands at line(s) 44"


def test_unnecessary_include_claim_names_the_real_include_graph(verdicts):
    part = verdicts[(R000, "4")].parts[0]
    assert "QtNetwork/qlocalsocket.h is not reached by any other include" in part.reason


def test_hallucinated_symbol_is_said_plainly(verdicts):
    part = verdicts[(R000, "8")].parts[0]
    assert part.verdict == "refuted"
    assert part.reason == "the file's code never names QMetaType (every identifier and #include of the file was searched)"
