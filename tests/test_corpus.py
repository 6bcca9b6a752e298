"""Real C++ nobody here wrote: every public header of QtCore, QtNetwork and QtTest, each checked as its own TU.

`make test` runs a fixed sample; `make test-corpus` (QTCHECK_CORPUS=all) runs every header.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from qtcheck import cli, qt_discovery

PER_FILE_SECONDS = 60  # a safety net against hangs, not a speed test (speed lives in a benchmark script)
SAMPLE = 12
MODULES = ("QtCore", "QtNetwork", "QtTest")


def corpus() -> list[Path]:
    try:
        qt = qt_discovery.find_qt_include()
    except Exception:  # no Qt: the collection is empty and the test below says why
        return []
    headers = sorted(p for m in MODULES for p in (qt / m).glob("q*.h"))
    if os.environ.get("QTCHECK_CORPUS") == "all":
        return headers
    step = max(1, len(headers) // SAMPLE)
    return headers[::step][:SAMPLE]


HEADERS = corpus()


@pytest.mark.corpus
def test_the_corpus_is_there():
    assert len(HEADERS) >= (250 if os.environ.get("QTCHECK_CORPUS") == "all" else SAMPLE)


@pytest.mark.corpus
@pytest.mark.parametrize("header", HEADERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_qt_header_is_checked_without_crash(header, capsys):
    start = time.monotonic()
    status = cli.main([str(header), "--format", "json"])
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == ""
    report = json.loads(out)
    assert report["files"][0]["path"] == str(header)
    assert report["files"][0]["lines"] == len(header.read_text(encoding="utf-8").splitlines())
    assert elapsed < PER_FILE_SECONDS, f"{header} took {elapsed:.0f} s"
