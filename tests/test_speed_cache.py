"""The preamble cache and -j: hits, stale and corrupt entries rebuilt, concurrent builders, same results as without."""

from __future__ import annotations

import multiprocessing
import json
import os
import shutil
from pathlib import Path

import pytest

from qtcheck import doccache, facts as facts_mod, frontend, preamble, rules as rules_mod, serial, verdicts
from qtcheck.errors import QtcheckError
from qtcheck.claims import load_claims

from conftest import EXAMPLE, FIXTURES, SEEDS, builtin_rules, run_cli

SPEED = FIXTURES / "speed"
HEADER = SPEED / "include" / "speedlib" / "counter.h"


def copy_fixture(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture file and its header in tmp_path (the tests change the header's mtime)."""
    shutil.copytree(SPEED, tmp_path / "speed")
    return tmp_path / "speed" / "uses_counter.cpp", tmp_path / "speed" / "include"


def options(include: Path, cache: Path | None) -> frontend.Options:
    return frontend.Options(no_qt=True, extra_args=[f"-I{include}"], cache_dir=str(cache) if cache else None)


def prepared(source: Path, include: Path, cache: Path) -> preamble.Preamble:
    text = source.read_text()
    args, _ = frontend.compile_args(source, text, options(include, cache))
    pre = preamble.prepare(cache, text, args, str(source))
    assert pre is not None
    return pre


def test_include_block_keeps_line_numbers_and_stops_at_code():
    text = "// c\n/* a\n b */\n#include <a.h>\n\n#include <b.h>  // why\n#include \"local.h\"\n#include <c.h>\nint x;\n"
    assert preamble.include_block(text) == ["", "", "", "#include <a.h>", "", "#include <b.h>  // why"]
    assert preamble.include_block("int x;\n#include <a.h>\n") == []


def test_include_block_brings_the_leading_includes_of_the_first_quoted_include(tmp_path):
    shutil.copytree(SPEED, tmp_path / "speed")
    own, include = tmp_path / "speed" / "own", tmp_path / "speed" / "include"
    args = [f"-I{include}"]
    widget = own / "widget.cpp"
    origins: dict = {}
    assert preamble.include_block(widget.read_text(), str(widget), args, origins) == [
        "", "#include <speedlib/counter.h>"]
    assert origins == {2: (str(own / "widget.h"), 5)}  # after its comment, #ifndef and #define
    assert preamble.include_block(widget.read_text()) == []  # without the main file's place: its own lines only
    conditional = own / "conditional.cpp"  # an #ifndef that is no include guard: what follows may not be included
    assert preamble.include_block(conditional.read_text(), str(conditional), args) == []
    for stop in ('"widget.moc"', '"moc_widget.cpp"', '"missing.h"'):  # moc output qtcheck stands in for; no file
        text = f"#include <a.h>\n#include {stop}\n#include <b.h>\n"
        assert preamble.include_block(text, str(widget), args) == ["#include <a.h>"], stop
    # a first quoted include among them: its own lead, and the lead ends after it; found beside the header or via -I
    (own / "a.h").write_text('#if !defined(A_H)\n#define A_H 1\n#include <x.h>\n#include "sub/b.h"\n#include <y.h>\n'
                             'int a;\n#endif // A_H\n')
    (own / "sub").mkdir()
    (own / "sub" / "b.h").write_text('#pragma once\n#include <z.h> // why\n#include "a.h"\nint b;\n')
    origins = {}
    text = '#include <first.h>\n\n#include "a.h"  /* mine */\n#include <after.h>\n'
    assert preamble.include_block(text, str(widget), args, origins) == [
        "#include <first.h>", "", "#include <x.h>", "#include <z.h> // why"]
    assert origins == {3: (str(own / "a.h"), 3), 4: (str(own / "sub" / "b.h"), 2)}  # b.h's "a.h" is a.h: seen
    (own / "c.h").write_text("#ifndef C_H\nint c;\n#define C_H\n#include <x.h>\n#endif\n")  # code before #define
    assert preamble.include_block('#include "c.h"\n', str(widget), args) == []
    # an #ifndef / #define that does not wrap the whole file sets what the headers after it see: no include guard
    text = "#ifndef QT_NO_CAST_FROM_ASCII\n#define QT_NO_CAST_FROM_ASCII\n#endif\n#include <QString>\nint x;\n"
    assert preamble.include_block(text) == []
    (own / "d.h").write_text("#ifndef D_H\n#define D_H\n#include <x.h>\n#endif\nint after;\n")
    assert preamble.include_block('#include "d.h"\n', str(widget), args) == []
    (own / "e.h").write_text("#ifndef E_H\n#define E_H\n#include <x.h>\n#else\n#include <y.h>\n#endif\n")
    assert preamble.include_block('#include "e.h"\n', str(widget), args) == []
    # a header checked as the main file: its own guard and includes
    text = "// h\n#ifndef H_H\n#define H_H\n#include <x.h>\n#include <y.h>\nclass H;\n#endif\n"
    assert preamble.include_block(text) == ["", "", "", "#include <x.h>", "#include <y.h>"]
    assert preamble.include_block("#pragma once\n#include <x.h>\n") == ["", "#include <x.h>"]
    assert preamble.include_block('#include "widget.cpp"\n', str(widget), args) == []  # the file itself


def test_what_the_own_header_includes_is_in_the_preamble_and_the_facts_are_the_plain_parses(tmp_path):
    shutil.copytree(SPEED, tmp_path / "speed")
    include, source = tmp_path / "speed" / "include", tmp_path / "speed" / "own" / "widget.cpp"
    header, cache = source.parent / "widget.h", tmp_path / "cache"
    pre = prepared(source, include, cache)
    assert pre.built is True
    assert pre.include_edges == [(str(header), str(include / "speedlib" / "counter.h"), 5)]  # the header's own line
    assert prepared(source, include, cache).built is False

    def both():
        text = source.read_text()
        return [facts_mod.collect(frontend.parse(source, text, options(include, c))) for c in (None, cache)]

    plain, cached = both()
    assert serial.encode(cached) == serial.encode(plain)  # every fact, the include graph and diagnostics too
    assert ("unused_local", 7) in [(v.name, v.line) for v in cached.variables]
    assert (str(source), str(header)) in cached.include_graph.edges
    assert (str(header), str(include / "speedlib" / "counter.h")) in cached.include_graph.edges
    # the header's own code is parsed with the file, bodies and errors included: a change to it keeps the preamble
    header.write_text(header.read_text().replace("const;\n", "const;\n    int broken() { return missing; }\n"))
    plain, cached = both()
    assert [(Path(d.file).name, d.line) for d in cached.parse_errors()] == [("widget.h", 11)]
    assert serial.encode(cached) == serial.encode(plain)
    assert prepared(source, include, cache).built is False
    # a change to what it includes is another block
    header.write_text(header.read_text().replace("#include <speedlib/counter.h>\n",
                                                 "#include <speedlib/counter.h>\n#include <cstddef>\n"))
    pre = prepared(source, include, cache)
    assert pre.built is True and len(list(cache.glob("*.pch"))) == 2


def test_a_block_that_does_not_compile_leaves_the_files_own_lines_and_is_remembered(tmp_path, monkeypatch):
    shutil.copytree(SPEED, tmp_path / "speed")
    include, own = tmp_path / "speed" / "include", tmp_path / "speed" / "own"
    header, source, cache = own / "broken.h", own / "broken.cpp", tmp_path / "cache"
    header.write_text("#pragma once\n#include <speedlib/generated.h>\nint broken;\n")  # not generated yet
    source.write_text('#include <speedlib/counter.h>\n#include "broken.h"\nint f() { return broken; }\n')
    pre = prepared(source, include, cache)
    assert pre.built is True  # the file's own lines: up to its quoted include
    assert pre.include_edges == [(str(source), str(include / "speedlib" / "counter.h"), 1)]
    failed = [m for m in (json.loads(p.read_text()) for p in cache.glob("*.json")) if m.get("failed")]
    assert len(failed) == 1 and str(include / "speedlib") in failed[0]["headers"]
    monkeypatch.setattr(preamble, "_build_from", lambda *a: pytest.fail("a remembered failure was parsed again"))
    assert prepared(source, include, cache).built is False
    monkeypatch.undo()
    (include / "speedlib" / "generated.h").write_text("#pragma once\nint generated;\n")  # the build made it
    pre = prepared(source, include, cache)
    assert pre.built is True and (str(header), str(include / "speedlib" / "generated.h"), 2) in pre.include_edges


def test_files_starting_with_their_own_header_report_the_same_with_and_without_cache(tmp_path):
    folder = tmp_path / "includes"
    shutil.copytree(FIXTURES / "includes", folder)
    source = folder / "through_local.cpp"
    cache = str(tmp_path / "cache")
    plain = run_cli(str(source), "--no-cache", "--format", "json", "--checks", "*")
    cold = run_cli(str(source), "--cache-dir", cache, "--format", "json", "--checks", "*")
    with open(source, "a", encoding="utf-8") as handle:
        handle.write("// edited\n")
    edited = run_cli(str(source), "--cache-dir", cache, "--format", "json", "--checks", "*")
    plain_edited = run_cli(str(source), "--no-cache", "--format", "json", "--checks", "*")
    assert plain.returncode == cold.returncode == edited.returncode == plain_edited.returncode
    assert json.loads(plain.stdout)["findings"] and cold.stdout == plain.stdout
    assert edited.stdout == plain_edited.stdout != plain.stdout
    assert len(list(Path(cache).glob("*.pch"))) == 1  # the edited run used the preamble the cold one built
    meta = json.loads(next(Path(cache).glob("*.json")).read_text())
    assert any(h.endswith("/QtCore/qthread.h") for h in meta["headers"])  # what through_local.h includes
    assert str(folder / "through_local.h") not in meta["headers"]  # parsed with the file: its change costs no build
    text = source.read_text()  # every fact, the include graph through the header with them
    facts = [serial.encode(facts_mod.collect(frontend.parse(source, text, frontend.Options(cache_dir=c))))
             for c in (None, cache)]
    assert facts[0] == facts[1]


def test_hit_then_stale_header_rebuilds(tmp_path):
    source, include = copy_fixture(tmp_path)
    cache = tmp_path / "cache"
    assert prepared(source, include, cache).built is True
    assert prepared(source, include, cache).built is False  # a hit
    header = include / "speedlib" / "counter.h"
    st = header.stat()
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert prepared(source, include, cache).built is True  # stale: rebuilt, never trusted
    assert prepared(source, include, cache).built is False


def test_corrupt_pch_is_rebuilt(tmp_path):
    source, include = copy_fixture(tmp_path)
    cache = tmp_path / "cache"
    pch = prepared(source, include, cache).pch
    data = bytearray(pch.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pch.write_bytes(bytes(data))
    assert prepared(source, include, cache).built is True
    (cache / f"{pch.stem}.json").write_text("{not json")
    assert prepared(source, include, cache).built is True


def test_preamble_parse_sees_only_main_file_and_keeps_lines(tmp_path):
    source, include = copy_fixture(tmp_path)
    cache = tmp_path / "cache"
    plain = facts_mod.collect(frontend.parse(source, source.read_text(), options(include, None)))
    cached = facts_mod.collect(frontend.parse(source, source.read_text(), options(include, cache)))
    assert [(v.name, v.line, v.col) for v in cached.variables] == [(v.name, v.line, v.col) for v in plain.variables]
    assert ("unused_local", 6) in [(v.name, v.line) for v in cached.variables]
    assert sorted(cached.include_graph.edges(data=True)) == sorted(plain.include_graph.edges(data=True))
    assert (str(source), str(include / "speedlib" / "counter.h")) in cached.include_graph.edges


def _build_in_process(source: str, include: str, cache: str, queue) -> None:
    pre = prepared(Path(source), Path(include), Path(cache))
    queue.put(pre.pch.stat().st_size > 0)


def test_concurrent_builders_leave_one_valid_entry(tmp_path):
    source, include = copy_fixture(tmp_path)
    cache = tmp_path / "cache"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_build_in_process, args=(str(source), str(include), str(cache), queue))
               for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    assert [queue.get(timeout=5) for _ in workers] == [True, True, True]
    assert len(list(cache.glob("*.pch"))) == 1 and len(list(cache.glob("*.json"))) == 1
    assert not list(cache.glob(".*.tmp"))
    assert prepared(source, include, cache).built is False  # the entry left behind is valid


def test_example_verdicts_identical_with_and_without_cache(tmp_path):
    rules = list(builtin_rules())
    claims = load_claims(str(SEEDS), rules)
    text = EXAMPLE.read_text(encoding="utf-8")

    def outcome(cache):
        facts = facts_mod.collect(frontend.parse(EXAMPLE, text, frontend.Options(cache_dir=cache)))
        sites = rules_mod.run(facts, rules)
        judged = [(v.claim.review, v.claim.id, v.verdict, v.reason, [(e.line, e.column) for e in v.evidence])
                  for v in verdicts.judge_all(facts, rules, sites, claims)]
        return judged, sorted(facts.include_graph.edges(data=True))

    cache = str(tmp_path / "cache")
    plain, cold, warm = outcome(None), outcome(cache), outcome(cache)
    assert cold == plain and warm == plain
    assert len(list(Path(cache).glob("*.pch"))) == 1


def test_jobs_two_output_identical_to_jobs_one():
    folder = str(FIXTURES / "rules" / "debug-output")
    one = run_cli(folder, str(FIXTURES / "rules" / "unused-variable"), "-j", "1", "--format", "json")
    two = run_cli(folder, str(FIXTURES / "rules" / "unused-variable"), "-j", "2", "--format", "json")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert two.stdout == one.stdout
    assert two.stderr == ""  # not a terminal: no progress bar


def test_no_cache_writes_nothing(tmp_path):
    cache = tmp_path / "never"
    result = run_cli(str(FIXTURES / "rules" / "debug-output" / "triggers.cpp"), "--no-cache", "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    assert not cache.exists()
    used = run_cli(str(FIXTURES / "rules" / "debug-output" / "triggers.cpp"), "--cache-dir", str(cache))
    assert used.returncode == 0, used.stderr
    assert len(list(cache.glob("*.pch"))) == 1


def test_bad_jobs_is_one_line():
    result = run_cli(str(EXAMPLE), "-j", "0")
    assert result.returncode == 2
    assert result.stderr.strip() == "qtcheck: -j 0: the number of jobs must be at least 1"


def test_jobs_two_bad_file_is_one_line(tmp_path):
    (tmp_path / "a.cpp").write_text("int a;\n")
    (tmp_path / "b.cpp").write_bytes(b"\0\0")
    (tmp_path / "c.cpp").write_text("int c;\n")
    result = run_cli(str(tmp_path), "-j", "2", "--no-cache")
    assert result.returncode == 2
    assert result.stderr == f"qtcheck: {tmp_path / 'b.cpp'}: binary file, not C++ source\n"


def test_facts_cache_hit_stale_header_and_corrupt_entry(tmp_path):
    from qtcheck import factcache

    source, include = copy_fixture(tmp_path)
    cache = tmp_path / "cache"
    opts = options(include, cache)
    text = source.read_text()
    entry = factcache.key(source, text, frontend.compile_args(source, text, opts)[0])
    assert factcache.load(cache, entry) is None
    facts = facts_mod.collect(frontend.parse(source, text, opts))
    factcache.store(cache, entry, facts)
    hit = factcache.load(cache, entry)
    assert hit is not None and [(v.name, v.line) for v in hit.variables] == [(v.name, v.line) for v in facts.variables]
    assert factcache.key(source, text + "\n", frontend.compile_args(source, text, opts)[0]) != entry
    header = include / "speedlib" / "counter.h"
    st = header.stat()
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert factcache.load(cache, entry) is None  # an included header changed: not trusted
    factcache.store(cache, entry, facts_mod.collect(frontend.parse(source, text, opts)))
    assert factcache.load(cache, entry) is not None
    from qtcheck import serial

    assert serial.encode(hit) == serial.encode(facts)  # every record comes back as it was stored
    (cache / "facts" / f"{entry}.json").write_bytes(b"garbage")
    assert factcache.load(cache, entry) is None
    factcache.store(cache, entry, facts)
    stored = json.loads((cache / "facts" / f"{entry}.json").read_text())
    del stored["facts"]["stmts"]  # an entry written before the statement facts existed
    (cache / "facts" / f"{entry}.json").write_text(json.dumps(stored))
    assert factcache.load(cache, entry) is None
    stored["facts"]["stmts"] = [{"id": "1; rm -rf /"}]  # a field of the wrong shape
    (cache / "facts" / f"{entry}.json").write_text(json.dumps(stored))
    assert factcache.load(cache, entry) is None


def test_planted_cache_entries_never_run(tmp_path):
    """A pickle planted where the cache once kept facts, or under today's name, is never executed."""
    import pickle

    from qtcheck import factcache

    cache = tmp_path / "cache"
    source = EXAMPLE.resolve()
    text = source.read_text()
    opts = frontend.Options(cache_dir=str(cache))  # what the CLI passes for FILE --cache-dir DIR
    entry = factcache.key(source, text, frontend.compile_args(source, text, opts)[0])
    witness = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {witness}",))

    (cache / "facts").mkdir(parents=True)
    for name in (f"{entry}.pickle", f"{entry}.json"):
        (cache / "facts" / name).write_bytes(pickle.dumps(Payload()))
    assert factcache.load(cache, entry) is None
    result = run_cli(str(source), "--cache-dir", str(cache))
    assert not witness.exists()
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    assert factcache.load(cache, entry) is not None  # rebuilt as JSON on that run


INSTANTIATION_ERROR = """#include <QtCore/QList>

struct NoEquals { int x; };

bool has(const QList<NoEquals> &list, const NoEquals &one)
{
    return list.contains(one);
}
"""


def test_the_preamble_holds_no_header_bodies_so_errors_inside_header_templates_go_unseen(tmp_path):
    """The trade made for speed (README, Speed and Limits): the cached preamble is built without the headers'
    function bodies, so an error clang finds only while instantiating a Qt template's body is reported by a plain
    parse (--no-cache) and not on the cache; the file's own code gives the same facts either way."""
    source = tmp_path / "contains.cpp"
    source.write_text(INSTANTIATION_ERROR, encoding="utf-8")
    text = source.read_text(encoding="utf-8")
    plain = frontend.parse(source, text, frontend.Options())
    errors = [(Path(d.file).name, d.message) for d in plain.diagnostics if d.severity == "error"]
    assert errors and errors[0][0] == "qlist.h" and "invalid operands" in errors[0][1]
    cached = frontend.parse(source, text, frontend.Options(cache_dir=str(tmp_path / "cache")))
    assert list(tmp_path.joinpath("cache").glob("*.pch"))  # parsed on a preamble
    assert not [d for d in cached.diagnostics if d.severity == "error"]
    plain_facts, cached_facts = facts_mod.collect(plain), facts_mod.collect(cached)
    assert [(c.line, c.col, c.candidates) for c in plain_facts.calls] == \
        [(c.line, c.col, c.candidates) for c in cached_facts.calls] == [(7, 12, ["QList::contains", "QListSpecialMethodsBase::contains"])]
    assert run_cli(str(source), "--no-cache", "--fail-on", "parse-error").returncode == 1


def _shape(rules: list) -> list:
    return [(str(path), r.id, r.title, r.message, r.severity, r.matcher, r.params, r.docs, r.claims, r.findings,
             r.default_on) for path, r in rules]


def test_builtin_rules_are_read_from_the_cache_until_a_rule_file_changes(tmp_path, monkeypatch):
    folder = tmp_path / "rules"
    shutil.copytree(rules_mod.builtin_rules_dir(), folder)
    cache = tmp_path / "cache"
    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])
    from_yaml = rules_mod._builtin_rules(folder, cache)
    [entry] = list((cache / "rules").glob("*.json"))
    real_load = rules_mod.yamlio.load_file

    def no_yaml(path, what):
        raise AssertionError(f"{path} read as YAML although the cache holds it")

    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])
    monkeypatch.setattr(rules_mod.yamlio, "load_file", no_yaml)
    assert _shape(rules_mod._builtin_rules(folder, cache)) == _shape(from_yaml)

    # an edited rule file is a new key: its YAML is read again, and the edit is seen
    edited = folder / "unchecked-result.yaml"
    edited.write_text(edited.read_text().replace("title:", "title: Edited.", 1))
    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])
    monkeypatch.setattr(rules_mod.yamlio, "load_file", real_load)
    rules = dict((r.id, r) for _, r in rules_mod._builtin_rules(folder, cache))
    assert rules["unchecked-result"].title.startswith("Edited.")
    assert len(list((cache / "rules").glob("*.json"))) == 2

    # an entry that is not what was written (a planted or truncated one) is never used: the YAML is read
    for planted in ({"format": doccache.FORMAT, "key": "0" * 32, "document": []},
                    {"format": doccache.FORMAT, "key": entry.stem}, "not json"):
        entry.write_text(planted if isinstance(planted, str) else json.dumps(planted))
        assert doccache.load(cache, "rules", entry.stem) is None
    entry.write_text(json.dumps({"format": doccache.FORMAT, "key": entry.stem, "document": [{}]}))  # of another shape
    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])
    assert len(rules_mod._builtin_rules(folder, cache)) == len(from_yaml)


def test_claims_files_that_passed_the_schema_are_read_from_the_cache(tmp_path, monkeypatch):
    from qtcheck import claims as claims_mod

    rules = builtin_rules()
    seeds = sorted(SEEDS.glob("*.yaml"))
    cache = tmp_path / "cache"
    first = [claims_mod.load_claims_file(p, rules, cache) for p in seeds]
    assert len(list((cache / "claims").glob("*.json"))) == len(seeds)

    def no_yaml(path, what):
        raise AssertionError(f"{path} read as YAML although the cache holds it")

    monkeypatch.setattr(claims_mod.yamlio, "load_file", no_yaml)
    assert [claims_mod.load_claims_file(p, rules, cache) for p in seeds] == first
    monkeypatch.undo()
    # a changed file is read again and checked again: a schema error is said, never cached
    bad = tmp_path / "bad.yaml"
    bad.write_text(seeds[0].read_text().replace("claims:", "claimz:", 1))
    for _ in range(2):
        with pytest.raises(QtcheckError, match="claims"):
            claims_mod.load_claims_file(bad, rules, cache)
    assert len(list((cache / "claims").glob("*.json"))) == len(seeds)


def test_no_cache_keeps_no_rules_and_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])
    cache = tmp_path / "file-not-folder"
    cache.write_text("")
    assert rules_mod.load_rules([], cache)  # the cache folder cannot be made: the rules come from their files
    monkeypatch.setattr(rules_mod, "_BUILTIN", [None, []])

    def no_store(*_args):
        raise AssertionError("a run without a cache folder kept the rules somewhere")

    monkeypatch.setattr(rules_mod.doccache, "store", no_store)
    assert rules_mod.load_rules([], None)
