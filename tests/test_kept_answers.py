"""The facts pass reads libclang's answers once (toolchain.keep_answers, cursors.keep_children, cursors.file_name):
the facts must be those the bindings' own properties give, and the file names those of location.file.name."""

from __future__ import annotations

import json
import os

from qtcheck import cursors, facts as facts_mod, frontend, serial, toolchain

from conftest import EXAMPLE


def _parsed():
    return frontend.parse(EXAMPLE.resolve(), EXAMPLE.read_text(encoding="utf-8"),
                          frontend.Options(cache_dir=os.environ["QTCHECK_CACHE_DIR"]))


def test_kept_answers_give_the_facts_the_bindings_own_properties_give():
    parsed = _parsed()
    kept = json.dumps(serial.encode(facts_mod.collect(parsed)), sort_keys=True)
    ci = toolchain.cindex()
    toolchain.restore_answers()
    try:
        assert not toolchain.KEPT_ORIGINALS
        own = json.dumps(serial.encode(facts_mod.collect(parsed)), sort_keys=True)
    finally:
        toolchain.keep_answers(ci)
    assert toolchain.KEPT_ORIGINALS
    assert kept == own


def test_file_names_and_null_cursors_are_the_bindings_answers():
    parsed = _parsed()
    ci = toolchain.cindex()
    cursors.new_unit()
    null = ci.conf.lib.clang_getNullCursor()
    asked = nulls = 0
    for c in parsed.tu.cursor.walk_preorder():
        for cursor in (c, c.referenced, c.semantic_parent):
            if cursor is None:
                nulls += 1
                continue
            assert cursor != null  # what the bindings' own test would have said
            for loc in (cursor.location, cursor.extent.start, cursor.extent.end):
                assert cursors.file_name(loc) == (loc.file.name if loc.file else None)
                asked += 1
    assert asked > 1000 and nulls > 0
