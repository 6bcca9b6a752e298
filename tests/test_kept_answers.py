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


# CR, LF, CRLF and LF CR line ends, no line end at the end, a name split by a line splice, UTF-8 in a comment and a literal, a macro's expansion
PLACES = ("// é, a comment\r\n#define TWICE(x) ((x) + (x))\r\nint fo\\\r\no = 1;\nstatic const char *s = \"ü\";\r"
          "int g(int a) { return TWICE(a) + fo\\\no; }\n\r\nstruct S { int m; };\r\nint z;\n\rint w;")


def _unit(path, text: str):
    path.write_bytes(text.encode("utf-8"))
    return frontend.parse(path, text, frontend.Options(no_qt=True))


def test_places_in_the_main_file_are_told_as_libclang_tells_them(tmp_path):
    parsed = _unit(tmp_path / "places.cpp", PLACES)
    cursors.new_unit(parsed.tu, str(parsed.path), PLACES.encode("utf-8"))
    assert cursors.main_file() is not None  # the places below are worked out, not asked
    other = _unit(tmp_path / "other.cpp", "\n\n\n\nint x = 1;\nint y = 2;\n")  # another unit: asked of libclang
    checked = ranged = 0
    for unit in (parsed, other):
        for c in unit.tu.cursor.walk_preorder():
            ext = c.extent
            if ext.start.file is not None and ext.end.file is not None:
                assert cursors.lines(ext) == (ext.start.line, ext.end.line)
                both = cursors.main_range(ext)
                assert both is None or both == ((ext.start.line, ext.start.column), (ext.end.line, ext.end.column))
                ranged += both is not None
            for loc in (c.location, c.extent.start, c.extent.end):
                if loc.file is None:
                    continue
                assert cursors.position(loc) == (loc.line, loc.column)
                assert cursors.line(loc) == loc.line
                assert cursors.file_name(loc) == loc.file.name
                checked += 1
    assert checked > 40 and ranged > 10  # ranges of the main file were read from their fields
    cursors.new_unit()
    assert cursors.main_file() is None


def test_the_main_file_is_told_from_offsets_only_during_its_facts_pass(tmp_path):
    parsed = _unit(tmp_path / "places.cpp", PLACES)
    cursors.new_unit(parsed.tu, str(parsed.path), PLACES.encode("utf-8"))
    assert cursors.main_file() is not None
    facts_mod.collect(parsed)
    assert cursors.main_file() is None  # another unit's places are never read against this one's lines


def test_names_read_from_the_text_are_those_libclang_spells(tmp_path):
    from qtcheck import facts_names

    for parsed in (_unit(tmp_path / "places.cpp", PLACES), _parsed()):
        data = parsed.text.encode("utf-8")
        cursors.new_unit(parsed.tu, str(parsed.path), data)
        assert cursors.main_file() is not None
        read = facts_names.identifiers(parsed.tu, str(parsed.path), len(data), data)
        asked = facts_names.identifiers(parsed.tu, str(parsed.path), len(data))  # every token asked of libclang
        assert read == asked and len(read) > 10
        if parsed.path.name == "places.cpp":
            assert read["foo"] == [3, 6]  # the name a line splice cuts, as clang spells it
