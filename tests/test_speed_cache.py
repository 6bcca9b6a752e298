"""The preamble cache and -j: hits, stale and corrupt entries rebuilt, concurrent builders, same results as without."""

from __future__ import annotations

import multiprocessing
import json
import os
import shutil
from pathlib import Path

import pytest

from qtcheck import doccache, facts as facts_mod, frontend, preamble, rules as rules_mod, verdicts
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
