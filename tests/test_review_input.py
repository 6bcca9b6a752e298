"""Reading review files: encodings, line ends, size limit, binary and undecodable input, the CLI's refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qtcheck.errors import QtcheckError
from qtcheck.review_input import decode, read_review
from conftest import EXAMPLE, run_cli

TEXT = "1. The result of `listen()` is not checked (Line 44).\nÜberall: naïve café.\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),                          # with BOM (little-endian here)
    b"\xfe\xff" + TEXT.encode("utf-16-be"),
    TEXT.encode("latin-1"),
    TEXT.replace("\n", "\r\n").encode("utf-8"),
    TEXT.replace("\n", "\r").encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "latin1", "crlf", "cr"])
def test_decodes_every_supported_encoding_to_the_same_text(data):
    assert decode(data, "r.txt") == TEXT


def test_windows_latin1_with_curly_quotes_is_read():
    assert decode(b"\x93unused\x94 isn\x92t caf\xe9", "r.txt") == "\u201cunused\u201d isn\u2019t caf\u00e9"


def test_binary_and_undecodable_are_refused_with_a_reason():
    with pytest.raises(QtcheckError, match="binary file"):
        decode(b"\x7fELF\x02\x01\x01\x00\x00\x00", "a.out")
    with pytest.raises(QtcheckError, match="undecodable review"):
        decode("caf\xe9 \x81\x8d".encode("latin-1"), "r.txt")
    with pytest.raises(QtcheckError, match="undecodable UTF-16"):
        decode(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8", "r.txt")


def test_size_limit_and_missing_file(tmp_path):
    review = tmp_path / "big.md"
    review.write_text("x" * 100, encoding="utf-8")
    with pytest.raises(QtcheckError, match="over the limit of 99 bytes"):
        read_review(str(review), max_bytes=99)
    assert read_review(str(review), max_bytes=100) == ("big.md", "x" * 100)
    with pytest.raises(QtcheckError, match="review file not found"):
        read_review(str(tmp_path / "nope.txt"))


@pytest.mark.parametrize("content,args,message", [
    (None, [], "review file not found"),
    (b"\x00\x01\x02binary", [], "binary file, not a review"),
    ("caf\xe9 \x81\x8d".encode("latin-1"), [], "undecodable review"),
    (b"a" * 2048, ["--max-review-bytes", "1024"], "over the limit of 1024 bytes"),
    (b"a", ["--max-review-bytes", "0"], "--max-review-bytes must be a positive number"),
])
def test_cli_refuses_bad_reviews_with_one_line_and_status_2(tmp_path, content, args, message):
    review = tmp_path / "review.txt"
    if content is not None:
        review.write_bytes(content)
    before = review.read_bytes() if content is not None else None
    proc = run_cli(str(EXAMPLE), "--review", str(review), *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qtcheck: ") and message in lines[0], proc.stderr
    if content is not None:
        assert review.read_bytes() == before  # never changed


def test_utf16_crlf_review_from_stdin_and_an_empty_review(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    text = '1. The result of `server->listen("foo")` is not checked (Line 44).\r\n'
    exe = Path(sys.executable).parent / "qtcheck"
    proc = subprocess.run([str(exe), str(EXAMPLE), "--review", "-", "--review", str(empty), "--format", "json"],
                          input=text.encode("utf-16"), capture_output=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["notices"] == ["empty.md: empty review: nothing to check"]
    [review] = report["reviews"]
    assert review["review"] == "<stdin>"
    [claim] = review["claims"]
    assert (claim["verdict"], claim["lines"], [e["line"] for e in claim["evidence"]]) == ("confirmed", [44], [44])
