"""Claims from review prose: splitting, extraction, mapping to rules, verdicts, and equality with seeds/*.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qtcheck import prose, verdicts
from qtcheck.claims import load_claims
from qtcheck.review_input import read_review
from conftest import EXAMPLE, ROOT, SEEDS, SHARED_SEEDS, analyze, builtin_rules, run_cli

REVIEWS = Path(__file__).resolve().parent / "reviews"


def extract(name: str):
    review, text = read_review(str(REVIEWS / name))
    return prose.claims_from_text(text, review, list(builtin_rules()))


def shape(claim):
    """(id, lines, [(rules, asserts, subjects, expects, opinion)]) of a claim."""
    return (claim.id, claim.lines,
            [(p.rules or p.tags or p.cwe, p.asserts, p.subjects, p.expects, p.opinion) for p in claim.parts])


def decide(claims):
    facts, sites = analyze(EXAMPLE)
    judge = verdicts.Judge(facts, list(builtin_rules()), sites)
    return {c.id: judge.decide(c) for c in claims}


# ---- extraction, one review style each

def test_numbered_items_with_bold_lead_ins_drop_solutions_and_the_preview():
    claims = extract("numbered.txt")
    assert [shape(c) for c in claims] == [
        ("1", [44], [(["unchecked-result"], "present", {"callee": ["listen"]}, {}, False)]),
        ("2", [145], [(["debug-output"], "present", {"function": ["dataExchange"], "macro": ["qDebug"]}, {}, False)]),
        ("3", [35], [(["unowned-qobject-allocation"], "present", {"type": ["QLocalServer"]}, {}, False),
                     (["manual-delete"], "present", {"type": ["QLocalServer"]}, {}, False)]),
        ("4", [], [([], "present", {}, {}, True)]),
    ]
    assert claims[0].quote == ('Unchecked listen (Line 44): The result of server->listen("foo") is not checked, '
                               'so a failure to bind goes unnoticed.')
    assert all("Solution" not in c.quote and "QVERIFY" not in c.quote for c in claims)


def test_markdown_headings_are_claims_and_a_recommendations_section_is_advice():
    claims = extract("cwe_sections.md")
    assert [shape(c) for c in claims] == [
        ("0", [40, 72], [(["unbounded-read"], "present", {"variable": ["bytesAvailable"]}, {}, False),
                         (["unbounded-read"], "present", {"variable": ["buffer"]}, {}, False)]),
        ("1", [], [(["unused-variable"], "present", {"type": ["QElapsedTimer"], "function": ["pingPong"]},
                    {"read": False}, False)]),
    ]


def test_a_bold_advice_lead_in_under_a_heading_makes_no_claim():
    text = ("## Memory\n"
            "The result of `server->listen(\"foo\")` is not checked (Line 44).\n\n"
            "**Suggested solutions:**\n"
            "- Use `std::unique_ptr` for the server.\n"
            "- Check the result of `listen`.\n")
    claims = prose.claims_from_text(text, "r.md", list(builtin_rules()))
    assert [(c.id, c.quote) for c in claims] == [
        ("0", 'Memory: The result of server->listen("foo") is not checked (Line 44).')]
    assert [shape(c) for c in claims] == [
        ("0", [44], [(["unchecked-result"], "present", {"callee": ["listen"]}, {}, False)])]


def test_one_paragraph_review_gives_one_claim_per_sentence():
    claims = extract("paragraph.txt")
    assert [shape(c) for c in claims] == [
        ("0", [], [(["unchecked-result"], "present", {"callee": ["listen"]}, {}, False)]),
        ("1", [], [(["qtest-macro-outside-test-function"], "present", {"macro": ["QCOMPARE"], "context": ["lambda"]},
                    {"exits_by": "throw"}, False)]),
        ("2", [], [(["security"], "absent", {}, {}, False)]),
    ]


def test_hallucinated_names_unmapped_topics_and_opinions():
    claims = extract("hallucinated.txt")
    assert [shape(c) for c in claims] == [
        ("1", [], [(["qobject-macro"], "present", {"class": ["ConnectionPool"]}, {"needs_q_object": False}, False)]),
        ("2", [], [(["unused-variable"], "present", {"variable": ["handshakeTimer"]}, {"read": False}, False)]),
        ("3", [], [(["cross-thread-member-access"], "present", {"variable": ["buffer"]}, {}, False),
                   (["locks-held"], "present", {"variable": ["buffer"]}, {"locked": False}, False)]),
        ("4", [], [([], "present", {}, {}, True)]),
    ]


@pytest.mark.parametrize("text,lines", [
    ("Line 60 leaks.", [60]),
    ("see Lines 68, 69, 104 and 111", [68, 69, 104, 111]),
    ("(Lines 60, 93)", [60, 93]),
    ("lines 10-12", [10, 11, 12]),
    ("Line -3 and line 0", [-3, 0]),
    ("no line cited", []),
])
def test_cited_lines(text, lines):
    assert prose.cited_lines(text) == lines


def test_code_names_and_their_kinds():
    seg = ('There is no check for `server->listen("foo")` in the `ServerThread` run method; '
           '`QLocalServer` and `QLocalSocket` objects, the `dataExchange` function, `QtNetwork/qlocalsocket.h`, '
           'Q_CHECK_PTR, qDebug and `new`.')
    got = [(t.name, t.kinds[0]) for t in prose.tokens_of(seg, 0)]
    assert got == [("listen", "callee"), ("ServerThread", "class"), ("QLocalServer", "type"),
                   ("QLocalSocket", "type"), ("dataExchange", "function"), ("QtNetwork/qlocalsocket.h", "header"),
                   ("Q_CHECK_PTR", "macro"), ("qDebug", "macro")]
    assert prose.cwe_ids("CWE-284, cwe-682 and CWE 693") == ["CWE-284", "CWE-682", "CWE-693"]


def test_an_item_that_maps_to_no_rule_is_unverifiable_and_says_why():
    [claim] = prose.claims_from_text("1. The variable names are poetic.\n", "r.txt", list(builtin_rules()))
    v = decide([claim])["1"]
    assert v.verdict == "unverifiable"
    assert "maps to no rule of qtcheck" in v.reason


# ---- verdicts on the example

def test_verdicts_of_the_own_reviews_on_the_example():
    got = {}
    for name in ["numbered.txt", "cwe_sections.md", "paragraph.txt", "hallucinated.txt", "wrong_lines.md"]:
        for cid, v in decide(extract(name)).items():
            got[(name, cid)] = (v.verdict, [e.line for e in v.evidence])
    assert got == {
        ("numbered.txt", "1"): ("confirmed", [44]),
        ("numbered.txt", "2"): ("confirmed", [145]),
        ("numbered.txt", "3"): ("confirmed", [35, 46]),
        ("numbered.txt", "4"): ("unverifiable", []),
        ("cwe_sections.md", "0"): ("confirmed", [40, 39, 72, 71]),
        ("cwe_sections.md", "1"): ("refuted", [116, 117, 119]),
        ("paragraph.txt", "0"): ("confirmed", [44]),
        ("paragraph.txt", "1"): ("refuted", [40, 38, 41, 68, 67, 72, 70, 75]),
        ("paragraph.txt", "2"): ("refuted", [40, 39, 72, 71, 44, 35, 46]),
        ("hallucinated.txt", "1"): ("unverifiable", []),
        ("hallucinated.txt", "2"): ("unverifiable", []),
        # ServerThread::buffer is touched before start() and then in run() only: not shared; no lock is taken
        ("hallucinated.txt", "3"): ("refuted", [31, 40, 41, 62, 68, 72, 75]),  # not shared: the worker owns it
        ("hallucinated.txt", "4"): ("unverifiable", []),
        ("wrong_lines.md", "0"): ("unverifiable", [44]),
        ("wrong_lines.md", "1"): ("unverifiable", [44]),
        ("wrong_lines.md", "2"): ("confirmed", [145]),
    }


def test_hallucinated_names_are_said_plainly():
    v = decide(extract("hallucinated.txt"))
    assert v["1"].reason == "the file contains no class ConnectionPool: the claim names something that is not there"
    assert v["2"].reason == "the file contains no variable handshakeTimer: the claim names something that is not there"


def test_lines_outside_the_file_are_never_confirmed_on_a_guess():
    v = decide(extract("wrong_lines.md"))
    assert v["0"].reason == ("cited line(s) 9999 lie outside the file (153 lines): the claim cannot be about this "
                             "file as cited")
    assert v["1"].line_note == "cited line(s) -3 lie outside the file (153 lines)"
    assert v["2"].line_note.startswith("cited line(s) 44, 45 do not hold what the claim is about")


# ---- the seed reviews: the raw text gives the claims and verdicts encoded by hand

def _summary(claim):
    """Rules (or tags, CWEs), subjects and lines of the parts a rule decides: what the verdict depends on."""
    targets, subjects = set(), {}
    for p in claim.parts:
        if p.opinion or not (p.rules or p.tags or p.cwe):
            continue
        targets |= set(p.rules) | set(p.tags) | set(p.cwe)
        for kind, names in p.subjects.items():
            subjects.setdefault(kind, set()).update(names)
        for key, value in p.expects.items():
            subjects.setdefault(f"expects {key}", set()).add(json.dumps(value))
    return targets, subjects, claim.lines


# The thread claims: their encoding in seeds/ follows the thread analysis as it grows, so only their
# verdicts are compared (with what seeds/ says when the test runs).
THREAD_CLAIMS = {("003_53d45f972b1944f2.txt", "2"), ("004_7b69e615ccdd5cab.txt", "5")}


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_seed_reviews_give_the_hand_encoded_claims_and_their_verdicts():
    rules = list(builtin_rules())
    by_hand = {(c.review, c.id): c for c in load_claims(str(SEEDS), rules)}
    from_text = {}
    for path in sorted(SHARED_SEEDS.glob("*.txt")):
        review, text = read_review(str(path))
        from_text.update({(c.review, c.id): c for c in prose.claims_from_text(text, review, rules)})
    assert sorted(from_text) == sorted(by_hand)
    hand_verdicts = {c.id + "@" + c.review: v for c, v in zip(by_hand.values(), decide_all(by_hand.values()))}
    text_verdicts = {c.id + "@" + c.review: v for c, v in zip(from_text.values(), decide_all(from_text.values()))}
    for key, claim in by_hand.items():
        if key not in THREAD_CLAIMS:
            assert _summary(from_text[key]) == _summary(claim), key
        ident = key[1] + "@" + key[0]
        assert text_verdicts[ident].verdict == hand_verdicts[ident].verdict, key


def decide_all(claims):
    facts, sites = analyze(EXAMPLE)
    judge = verdicts.Judge(facts, list(builtin_rules()), sites)
    return [judge.decide(c) for c in claims]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_cli_review_matches_cli_claims_on_the_seeds():
    reviews = [a for p in sorted(SHARED_SEEDS.glob("*.txt")) for a in ("--review", str(p))]
    from_text = json.loads(run_cli(str(EXAMPLE), *reviews, "--format", "json").stdout)
    by_hand = json.loads(run_cli(str(EXAMPLE), "--claims", str(SEEDS), "--format", "json").stdout)

    def verdict_table(report):
        return {(r["review"], c["id"]): (c["verdict"], c["lines"]) for r in report["reviews"] for c in r["claims"]}

    assert verdict_table(from_text) == verdict_table(by_hand)
    quotes = {(r["review"], c["id"]): c["quote"] for r in from_text["reviews"] for c in r["claims"]}
    assert quotes[("004_7b69e615ccdd5cab.txt", "2")].startswith(
        'CWE-703 (Improper Check or Handling of Exceptional Conditions): There is no check for the success of the '
        'server->listen("foo") call')
    assert ROOT.joinpath("seeds").is_dir()


# ---- how the parts of one claim combine

def _part(verdict, opinion=False, why="why"):
    return verdicts.PartVerdict("a part", verdict, why, [], opinion=opinion)


@pytest.mark.parametrize("kinds, opinions, want", [
    (["confirmed", "confirmed"], [False, False], "confirmed"),
    (["confirmed", "refuted"], [False, False], "partly"),
    (["refuted", "unverifiable"], [False, False], "refuted"),        # one false statement makes the claim false
    (["confirmed", "unverifiable"], [False, False], "unverifiable"),  # its truth hangs on what the code leaves open
    (["confirmed", "unverifiable"], [False, True], "partly"),         # the facts hold; the judgement is the reader's
    (["unverifiable", "unverifiable"], [False, True], "unverifiable"),
])
def test_parts_of_a_claim_combine_as_a_conjunction(kinds, opinions, want):
    got, summary = verdicts.combine([_part(k, o, f"why {i}") for i, (k, o) in enumerate(zip(kinds, opinions))])
    assert got == want
    assert summary.count("a part: ") == len(kinds)


def test_two_readings_answered_by_one_fact_give_that_fact_once():
    # "`Listener` is missing `Q_OBJECT`": asked as "missing where needed" and as "has none", one class answers both
    fact = "Listener declares slots (hear) but has no Q_OBJECT"
    got, reason = verdicts.combine([_part("confirmed", why=fact), _part("confirmed", why=f"{fact}; the claim says 'x'")])
    assert (got, reason) == ("confirmed", fact)
    got, reason = verdicts.combine([_part("confirmed", why=fact), _part("refuted", why=fact)])
    assert got == "partly" and reason.count("a part: ") == 2  # different verdicts: each part is shown


def _premise(verdict):
    return verdicts.PartVerdict("a reason", verdict, "why", [], premise=True)


@pytest.mark.parametrize("stated, reasons, want", [
    ("refuted", ["confirmed"], "refuted"),        # "X is redundant, since Y returns Z": true reason, false statement
    ("confirmed", ["refuted"], "partly"),         # a true statement for a false reason
    ("confirmed", ["unverifiable"], "confirmed"),  # the statement holds; its reason is the review's own
    ("unverifiable", ["refuted"], "refuted"),     # nothing stated is decided: its false reason refutes it
])
def test_a_reason_given_with_since_or_because_does_not_decide_the_claim(stated, reasons, want):
    got, _ = verdicts.combine([_part(stated)] + [_premise(r) for r in reasons])
    assert got == want


@pytest.mark.parametrize("text, word, want", [
    ("qlocalsocket.h is redundant, since nextPendingConnection() returns a QLocalSocket *", "returns", True),
    ("it is redundant because qlocalserver.h includes it", "includes", True),
    ("Because run() copies them first, the frame is computed from indeterminate values", "computed", False),
    ("Because run() copies them first the frame is wrong", "copies", True),
    ("the stream is never given a version. It is fine", "fine", False),
])
def test_the_clause_that_gives_a_reason(text, word, want):
    assert prose._in_reason(text, text.index(word)) is want
