"""Benchmark: qtcheck cold and warm against a bare libclang parse (the floor) and clazy-standalone, per file.

Usage: .venv/bin/python bench/run.py [FOLDER_OR_FILE ...] [--repeat N] [--many N] [--jobs-only]
Prints a Markdown table of medians over N runs (wall seconds), ratios, the Python share and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker import cli, facts as facts_mod, frontend, report as report_mod, rules as rules_mod, toolchain, verdicts  # noqa: E402
from checker.claims import load_claims  # noqa: E402
from checker.reports import RENDERERS  # noqa: E402

QTCHECK = Path(sys.executable).parent / "qtcheck"
DEFAULT_FILES = [ROOT / "fixtures" / "example" / "tst_localsocket_bench.cpp",
                 *sorted((ROOT / "fixtures" / "rules").glob("*/*.cpp"))]


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:300]}")
    return wall, usage.ru_maxrss // 1024


def floor_parse(path: Path) -> float:
    """A bare libclang parse with qtcheck's own arguments, in this process."""
    ci = toolchain.cindex()
    text = path.read_text(encoding="utf-8")
    args, _ = frontend.compile_args(path, text, frontend.Options())
    start = time.perf_counter()
    ci.Index.create().parse(str(path), args=args, unsaved_files=[(str(path), text),
                                                                 *frontend.generated_includes(path, text)],
                            options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD)
    return time.perf_counter() - start


def python_share(path: Path, cache: Path, rules: list, claims: list) -> tuple[float, float]:
    """Seconds of the warm parse, and of everything after it (facts, rules, claims, reports), in this process."""
    text = path.read_text(encoding="utf-8")
    frontend.parse(path, text, frontend.Options(cache_dir=str(cache)))  # make sure the entry exists
    start = time.perf_counter()
    parsed = frontend.parse(path, text, frontend.Options(cache_dir=str(cache)))
    parsed_at = time.perf_counter()
    facts = facts_mod.collect(parsed)
    sites = rules_mod.run(facts, rules)
    result = {"facts": facts, "sites": sites, "findings": rules_mod.findings(sites, rules),
              "verdicts": verdicts.judge_all(facts, rules, sites, claims)}
    report = report_mod.build([result], rules, [])
    for render in RENDERERS.values():
        render(report, rules=rules, to_terminal=False)
    return parsed_at - start, time.perf_counter() - parsed_at


def clazy(path: Path, work: Path) -> tuple[float, int] | None:
    exe = shutil.which("clazy-standalone")
    if not exe:
        return None
    text = path.read_text(encoding="utf-8")
    args, _ = frontend.compile_args(path, text, frontend.Options())
    db = work / "clazy-db"
    db.mkdir(exist_ok=True)
    (db / "compile_commands.json").write_text(json.dumps(
        [{"directory": str(path.parent), "file": str(path), "arguments": ["clang++", *args, "-c", str(path)]}]))
    return timed([exe, "-checks=level1", "-p", str(db), str(path)])


def med(values: list[float]) -> float:
    return statistics.median(values)


def bench_file(path: Path, repeat: int, work: Path, rules: list, claims: list, claims_dir: str) -> dict:
    cmd = [str(QTCHECK), str(path), "--claims", claims_dir, "--format", "json", "-j", "1"]
    floor, cold, warm, cold_mem, warm_mem, clazy_t, clazy_mem = [], [], [], [], [], [], []
    warm_cache = work / "warm"
    timed(cmd + ["--cache-dir", str(warm_cache)])  # fill the warm cache
    for i in range(repeat):
        floor.append(floor_parse(path))
        t, m = timed(cmd + ["--cache-dir", str(work / f"cold-{path.stem}-{i}")])
        cold.append(t), cold_mem.append(m)
        t, m = timed(cmd + ["--cache-dir", str(warm_cache)])
        warm.append(t), warm_mem.append(m)
        c = clazy(path, work)
        if c:
            clazy_t.append(c[0]), clazy_mem.append(c[1])
    parse_s, py_s = python_share(path, warm_cache, rules, claims)
    return {"file": path, "floor": med(floor), "cold": med(cold), "warm": med(warm),
            "clazy": med(clazy_t) if clazy_t else None, "mem": max(cold_mem + warm_mem),
            "clazy_mem": max(clazy_mem) if clazy_mem else None, "warm_parse": parse_s, "python": py_s}


def many_files(count: int, folder: Path) -> list[Path]:
    """count small distinct Qt files sharing one include block."""
    files = []
    for i in range(count):
        path = folder / f"gen_{i:03d}.cpp"
        path.write_text(f"""#include <QtCore/QObject>
#include <QtCore/QFile>
#include <QtCore/QDebug>

int generated_{i}(const QString &name)
{{
    QFile file(name);
    file.open(QIODevice::ReadOnly);
    QObject *owner = new QObject();
    qDebug() << owner << {i};
    return int(file.size()) + {i};
}}
""", encoding="utf-8")
        files.append(path)
    return files


def bench_jobs(count: int, work: Path) -> tuple[float, float]:
    folder = work / "many"
    folder.mkdir()
    many_files(count, folder)
    cache = work / "many-cache"
    timed([str(QTCHECK), str(folder / "gen_000.cpp"), "--cache-dir", str(cache)])  # build the shared preamble
    shutil.rmtree(cache / "facts", ignore_errors=True)  # every file is parsed in both runs: no cached facts
    times = []
    for jobs in (1, 2):
        run_cache = work / f"many-cache-{jobs}"
        shutil.copytree(cache, run_cache)
        times.append(timed([str(QTCHECK), str(folder), "--format", "json", "--cache-dir", str(run_cache),
                            "-j", str(jobs)])[0])
    return times[0], times[1]


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="C++ files or folders (default: the example and the rule fixtures)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--many", type=int, default=100, help="generated files for the -j 1 / -j 2 comparison (0: skip)")
    parser.add_argument("--claims", default=str(ROOT / "seeds"), help="claims checked in every run")
    ns = parser.parse_args()
    files = cli.expand(ns.paths) if ns.paths else DEFAULT_FILES
    rules = rules_mod.load_rules()
    claims = load_claims(ns.claims, rules)
    with tempfile.TemporaryDirectory(prefix="qtcheck-bench-") as tmp:
        work = Path(tmp)
        print(f"libclang: {toolchain.libclang_version()}; CPUs: {os.cpu_count()}; "
              f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; repeat: {ns.repeat}")
        print()
        print("| file | floor parse s | qtcheck cold s | qtcheck warm s | clazy level1 s | cold/clazy | "
              "warm/clazy | cold/floor | warm/floor | python s | python/floor | peak MiB (clazy) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for path in files:
            r = bench_file(path.resolve(), ns.repeat, work, rules, claims, ns.claims)
            c = r["clazy"]
            name = os.path.relpath(r["file"], Path.cwd()) if str(r["file"]).startswith(str(Path.cwd())) else r["file"]
            print(f"| {name} | {fmt(r['floor'])} | {fmt(r['cold'])} | {fmt(r['warm'])} | {fmt(c)} | "
                  f"{fmt(r['cold'] / c if c else None)} | {fmt(r['warm'] / c if c else None)} | "
                  f"{fmt(r['cold'] / r['floor'])} | {fmt(r['warm'] / r['floor'])} | {fmt(r['python'], 3)} | "
                  f"{r['python'] / r['floor']:.1%} | {r['mem']} ({r['clazy_mem'] or '-'}) |", flush=True)
        if ns.many:
            one, two = bench_jobs(ns.many, work)
            print()
            print(f"{ns.many} generated files, warm preamble, no cached facts: -j 1 {one:.1f} s, -j 2 {two:.1f} s, "
                  f"speed-up {one / two:.2f}x (CPUs: {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
