"""The cache's size bound (issue 13, item 9): least recently used entries go first, a read counts as a use,
`--cache-max SIZE` or the config's `cache-max`, a bad value is one line and exit 2."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from qtcheck import cachesize

from conftest import run_cli

# Three files whose include blocks differ: three precompiled preambles (of the C++ library: --no-qt keeps them
# small and quick) and three facts entries.
HEADERS = ("vector", "map", "deque")


def sources(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for header in HEADERS:
        out[header] = tmp_path / f"{header}.cpp"
        out[header].write_text(f"#include <{header}>\n\n/// One.\nint use_{header}()\n{{\n    return 1;\n}}\n")
    return out


def check(cache: Path, *args: str):
    result = run_cli("--no-qt", "--no-config", "-j", "1", "--cache-dir", str(cache), *args)
    assert result.returncode == 0, result.stderr
    return result


def files_in(cache: Path) -> dict[Path, int]:
    """Every file of the cache folder and its size (the pruner's own lock aside)."""
    return {p: p.stat().st_size for p in cache.rglob("*") if p.is_file() and p.name != ".prune.lock"}


def test_sizes_are_read_as_people_write_them():
    assert cachesize.parse_size("500M") == 500 * 1024 ** 2
    assert cachesize.parse_size("2G") == cachesize.parse_size("2GiB") == cachesize.parse_size("2gb") == 2 * 1024 ** 3
    assert cachesize.parse_size("1.5G") == 1536 * 1024 ** 2
    assert cachesize.parse_size(" 750K ") == 750 * 1024
    assert cachesize.parse_size("123456") == cachesize.parse_size(123456) == 123456
    assert cachesize.parse_size("1T") == 1024 ** 4
    for bad in ("", "lots", "-1G", "2 G B", "5X", "1e9", "G", "0", "0M", True, None, [1], 1.5):
        with pytest.raises(ValueError):
            cachesize.parse_size(bad)


def test_the_bound_holds_after_a_run_that_would_exceed_it(tmp_path):
    files = [str(p) for p in sources(tmp_path).values()]
    check(tmp_path / "free", *files)
    written = sum(files_in(tmp_path / "free").values())
    bound = written // 2
    check(tmp_path / "bounded", *files, "--cache-max", f"{bound // 1024}K")  # the same run, half the room
    kept = files_in(tmp_path / "bounded")
    assert 0 < sum(kept.values()) <= bound < written
    entries, _ = cachesize.scan(tmp_path / "bounded")
    preambles = [e for name, e in entries.items() if name.startswith("preamble:")]
    assert 0 < len(preambles) < len(HEADERS)
    for entry in preambles:  # what is kept is whole: the PCH, its metadata and the header it was built from
        assert sorted(p.suffix for p in entry.files) == [".h", ".json", ".lock", ".pch"]
    again = check(tmp_path / "bounded", *files, "--cache-max", f"{bound // 1024}K")  # usable, and still bounded
    assert "0 parse error(s)" in again.stdout and sum(files_in(tmp_path / "bounded").values()) <= bound


def test_least_recently_used_go_first_and_a_read_counts_as_a_use(tmp_path):
    cache = tmp_path / "cache"
    src = sources(tmp_path)
    made = {}
    for header in HEADERS:  # vector first, deque last
        before = set(files_in(cache)) if cache.exists() else set()
        check(cache, str(src[header]))
        made[header] = {p for p in set(files_in(cache)) - before if p.parent.name != "rules"}
    rules = {p for p in files_in(cache) if p.parent.name == "rules"}  # the built-in rules, read by every run
    assert len(rules) == 1
    facts = {h: {p for p in made[h] if p.parent.name == "facts"} for h in HEADERS}
    pchs = {h: made[h] - facts[h] for h in HEADERS}
    assert all(len(facts[h]) == 1 and len(pchs[h]) == 4 for h in HEADERS)

    # vector again: its facts are read from the cache (and so touched), its preamble is not needed
    sizes = files_in(cache)
    bound = sum(sizes.values()) - sum(sizes[p] for p in pchs["vector"] | made["map"])
    check(cache, str(src["vector"]), "--cache-max", str(bound))
    kept = set(files_in(cache))
    assert sum(files_in(cache).values()) <= bound
    # the oldest use went: vector's preamble, then map's entries; vector's facts, made first but read last, stay
    assert kept == made["deque"] | facts["vector"] | rules

    # a preamble read from the cache is touched too: deque's facts removed, its preamble is used again
    (meta,) = [p for p in pchs["deque"] if p.suffix == ".json"]
    (pch,) = [p for p in pchs["deque"] if p.suffix == ".pch"]
    os.utime(meta, ns=(1, 1))
    built = pch.stat().st_mtime_ns
    (facts_file,) = facts["deque"]
    facts_file.unlink()
    check(cache, str(src["deque"]))
    assert meta.stat().st_mtime_ns > built and pch.stat().st_mtime_ns == built  # used, not rebuilt


def test_the_config_sets_the_bound_and_the_command_line_wins(tmp_path):
    src = sources(tmp_path)
    check(tmp_path / "free", *map(str, src.values()))
    written = sum(files_in(tmp_path / "free").values())
    (tmp_path / ".qtcheck.yaml").write_text(f"cache-max: {written // 3}\n")
    config = ["--config", str(tmp_path / ".qtcheck.yaml")]
    cache = tmp_path / "cache"
    result = run_cli("-j", "1", "--no-qt", "--cache-dir", str(cache), *config, *map(str, src.values()))
    assert result.returncode == 0, result.stderr
    assert sum(files_in(cache).values()) <= written // 3
    result = run_cli("-j", "1", "--no-qt", "--cache-dir", str(cache), *config, "--cache-max", "1G", *map(str, src.values()))
    assert result.returncode == 0, result.stderr
    assert sum(files_in(cache).values()) > written // 3  # rebuilt and kept: --cache-max replaced the config's


@pytest.mark.parametrize("value, said", [
    ("12Q", "--cache-max: '12Q' is not a size: give a number with K, M, G or T (powers of 1024), like 500M or 2G"),
    ("0", "--cache-max: '0' keeps nothing: give a size like 500M or 2G (--no-cache keeps no cache)"),
])
def test_a_bad_cache_max_is_one_line_and_exit_2(tmp_path, value, said):
    src = sources(tmp_path)["vector"]
    result = run_cli(str(src), "--no-qt", "--no-config", "--cache-dir", str(tmp_path / "cache"), "--cache-max", value)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"qtcheck: {said}\n"
    assert not (tmp_path / "cache").exists()  # refused before any work


@pytest.mark.parametrize("value, said", [
    ("lots", "key 'cache-max': 'lots' is not a size: give a number with K, M, G or T (powers of 1024), like 500M or 2G"),
    ("[1G]", "key 'cache-max': expected a size like 500M or 2G"),
])
def test_a_bad_cache_max_in_the_config_is_one_line_and_exit_2(tmp_path, value, said):
    src = sources(tmp_path)["vector"]
    (tmp_path / ".qtcheck.yaml").write_text(f"cache-max: {value}\n")
    result = run_cli(str(src), "--no-qt", "--cache-dir", str(tmp_path / "cache"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"qtcheck: {tmp_path / '.qtcheck.yaml'}: {said}\n"


def _entry(folder: Path, key: str, size: int, when: int, suffixes=(".pch", ".json", ".lock")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for suffix in suffixes:
        path = folder / f"{key}{suffix}"
        path.write_bytes(b"x" * (size if suffix == ".pch" else 0))
        os.utime(path, ns=(when, when))
        out.append(path)
    return out


def test_prune_removes_only_its_own_entries_and_never_one_being_built(tmp_path):
    cache = tmp_path / "cache"
    oldest = _entry(cache, "a" * 32, 1000, 10 ** 18)
    building = _entry(cache, "b" * 32, 1000, 2 * 10 ** 18)
    newest = _entry(cache, "c" * 32, 1000, 3 * 10 ** 18)
    foreign = cache / "notes.txt"  # a --cache-dir shared with something else: never counted or removed
    foreign.write_bytes(b"y" * 5000)
    fresh_tmp = cache / f".{'d' * 32}.pch.abc.tmp"  # a write in progress elsewhere
    fresh_tmp.write_bytes(b"z" * 10)
    with open(building[2], "rb") as lock:  # another process is building b's entry
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        freed = cachesize.prune(cache, 1500)
    assert freed == 2000
    assert not any(p.exists() for p in oldest + newest)
    assert all(p.exists() for p in building + [foreign, fresh_tmp])
    assert cachesize.prune(tmp_path / "no-such-folder", 1) == 0
