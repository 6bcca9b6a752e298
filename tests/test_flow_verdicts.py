"""Verdicts that rest on a path: a claim true on some paths only is partly true, never confirmed."""

from __future__ import annotations

from conftest import FIXTURES, judge

CLAIMS = """\
review: paths.txt
claims:
  - id: "1"
    quote: The return value of listen() is never checked.
    parts:
      - says: the result of listen() is not checked
        rule: unchecked-result
        subjects: {callee: [listen], function: [readOnOnePathOnly]}
  - id: "2"
    quote: The first open() result is thrown away.
    parts:
      - says: the result of open() is not checked
        rule: unchecked-result
        subjects: {callee: [open], function: [overwrittenBeforeRead]}
"""


def test_a_result_read_on_some_paths_only_makes_never_checked_partly_true(tmp_path):
    claims = tmp_path / "paths.yaml"
    claims.write_text(CLAIMS)
    verdicts = judge(FIXTURES / "rules" / "unchecked-result" / "paths.cpp", claims)
    listen = verdicts[("paths.txt", "1")]
    assert listen.verdict == "partly"
    assert listen.reason.startswith("so on some paths only: the result of QLocalServer::listen() is stored in "
                                    "listening and read on some paths only: the path 10 -> 11 -> 13")
    assert [e.line for e in listen.evidence] == [10, 11, 13]
    # overwritten before any read on every path (line 19), and the second open at line 20 is read: partly too,
    # but because one of two calls is unchecked, not because of a path
    opened = verdicts[("paths.txt", "2")]
    assert opened.verdict == "partly"
    assert opened.reason.startswith("1 of 2 match: the result of QFile::open() is stored in opened and overwritten "
                                    "before any read (path 19 -> 20)")
