"""Benchmark: qtcheck in its four cache modes against clazy-standalone measured in the same run, for single files
and for folders; a bare libclang parse (the floor) and the Python share for single files.

Usage: .venv/bin/python bench/run.py [FILE_OR_FOLDER ...] [--repeat N] [--many N]
       .venv/bin/python bench/run.py --scale 1000,5000,20000,50000
Modes: no-cache (--no-cache), cold (an empty cache), edited (preambles cached, the file's text changed: a comment
line with a counter appended before each run, so its facts are not cached), unchanged (preambles and facts cached).
A folder is checked by one qtcheck -j 1 command and one clazy-standalone command over its files; edited changes
every file. Targets are copied into a temporary folder first (a file with the C++ files beside it), never edited
in place. Prints Markdown tables of medians over N runs: wall and CPU seconds (the command and its children) and
each mode's ratio to clazy's; clazy-standalone missing (Debian: apt-get install clazy) leaves the ratios out.
With --scale: the cost by the size of one file, on generated Qt files of about that many lines.
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

ROOT = Path(__file__).resolve().parent.parent  # qtcheck is imported as installed (make install), never from checker/

from qtcheck import cli, facts as facts_mod, frontend, report as report_mod, rules as rules_mod, toolchain, verdicts  # noqa: E402
from qtcheck.claims import load_claims  # noqa: E402
from qtcheck.reports import RENDERERS  # noqa: E402

QTCHECK = Path(sys.executable).parent / "qtcheck"
# Timed commands run with byte-compiled modules, as an installed qtcheck has them: with PYTHONDONTWRITEBYTECODE set
# every start would compile qtcheck's sources again (about 0.7 s of CPU).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# one file, and a folder of small files (every rule's fixtures)
DEFAULT_TARGETS = [ROOT / "fixtures" / "example" / "tst_localsocket_bench.cpp", ROOT / "fixtures" / "rules"]


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command."""
    wall, _cpu, mem = measure(cmd)
    return wall, mem


def process_cpu(pid: int) -> float:
    """CPU seconds a process and the children it reaped have used so far (user + system; /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(cmd: list[str], daemon: int | None = None, env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, of the command and the children it waited for: qtcheck's parse
    process; with daemon, the pid of a qtcheck --daemon, its CPU and its workers' during the command too) and peak
    RSS (MiB) of one command (the command's own, not the daemon's)."""
    before = process_cpu(daemon) if daemon else 0.0
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: clazy's warnings on many files fill a pipe
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=env or ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:300]}")
    extra = 0.0
    if daemon:
        time.sleep(0.05)  # the daemon reaps its worker just after it answers
        try:
            extra = process_cpu(daemon) - before
        except FileNotFoundError:  # its CPU is gone with it: the daemon modes' figures would be wrong
            raise SystemExit("bench: the qtcheck daemon stopped during the run (a daemon stops when qtcheck's code "
                             "changes: do not edit checker/ while the benchmark runs)") from None
    return wall, usage.ru_utime + usage.ru_stime + extra, usage.ru_maxrss // 1024


class Daemon:
    """A qtcheck --daemon of the benchmark's own (its socket in the work folder), stopped at the end."""

    def __init__(self, work: Path):
        self.env = {**ENV, "QTCHECK_DAEMON_DIR": str(work / "daemon")}
        done = subprocess.run([str(QTCHECK), "--daemon", "start"], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench: qtcheck --daemon start failed: {done.stderr.strip()}")
        status = subprocess.run([str(QTCHECK), "--daemon", "status"], env=self.env, capture_output=True, text=True)
        self.pid = int(status.stdout.split("pid ", 1)[1].split(",", 1)[0])

    def measure(self, cmd: list[str]) -> tuple[float, float, int]:
        return measure(cmd[:1] + ["--use-daemon"] + cmd[1:], daemon=self.pid, env=self.env)

    def stop(self) -> None:
        subprocess.run([str(QTCHECK), "--daemon", "stop"], env=self.env, capture_output=True)


def floor_parse(path: Path) -> float:
    """CPU seconds of a bare libclang parse with qtcheck's own arguments, in this process."""
    ci = toolchain.cindex()
    text = path.read_text(encoding="utf-8")
    args, _ = frontend.compile_args(path, text, frontend.Options())
    start = time.process_time()
    ci.Index.create().parse(str(path), args=args, unsaved_files=[(str(path), text),
                                                                 *frontend.generated_includes(path, text)],
                            options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD)
    return time.process_time() - start


def python_share(path: Path, cache: Path, rules: list, claims: list) -> tuple[float, float]:
    """CPU seconds of the warm parse, and of everything after it (facts, rules, claims, reports), in this process."""
    text = path.read_text(encoding="utf-8")
    frontend.parse(path, text, frontend.Options(cache_dir=str(cache)))  # make sure the entry exists
    start = time.process_time()
    parsed = frontend.parse(path, text, frontend.Options(cache_dir=str(cache)))
    parsed_at = time.process_time()
    facts = facts_mod.collect(parsed)
    sites = rules_mod.run(facts, rules)
    result = {"facts": facts, "sites": sites, "findings": rules_mod.findings(sites, rules),
              "verdicts": verdicts.judge_all(facts, rules, sites, claims)}
    report = report_mod.build([result], rules, [])
    for render in RENDERERS.values():
        render(report, rules=rules, to_terminal=False)
    return parsed_at - start, time.process_time() - parsed_at


def clazy_exe() -> str | None:
    return shutil.which("clazy-standalone")


def clazy_args(args: list[str]) -> list[str]:
    """qtcheck's arguments without what belongs to its libclang: clang 18's builtin headers (clazy's clang has its
    own, of another version, and crashes on these) and the annotation macros qtcheck defines as clazy does."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-resource-dir":
            skip = True
        elif not arg.startswith("-DQT_ANNOTATE_"):
            out.append(arg)
    return out


def clazy(files: list[Path], work: Path) -> tuple[float, float, int] | None:
    """One clazy-standalone -checks=level1 command over the files, with qtcheck's own compile arguments in a
    compile database; None when clazy is not installed."""
    exe = clazy_exe()
    if not exe:
        return None
    db = work / "clazy-db"
    db.mkdir(exist_ok=True)
    entries = []
    for path in files:
        args, _ = frontend.compile_args(path, path.read_text(encoding="utf-8"), frontend.Options())
        args = clazy_args(args)
        entries.append({"directory": str(path.parent), "file": str(path),
                        "arguments": ["clang++", *args, "-c", str(path)]})
    (db / "compile_commands.json").write_text(json.dumps(entries))
    return measure([exe, "-checks=level1", "-p", str(db), *map(str, files)])


def med(values: list[float]) -> float:
    return statistics.median(values)


MODES = ("no-cache", "cold", "edited", "unchanged", "edited (daemon)", "unchanged (daemon)")
CPP = {".cpp", ".cc", ".cxx", ".c++", ".h", ".hh", ".hpp", ".hxx"}


def work_copy(target: Path, work: Path, n: int) -> tuple[Path, list[Path]]:
    """A copy of the target in work (a folder: its C++ files, at their places; a file: it and the C++ files beside
    it, for its local includes), and the files qtcheck checks in it."""
    dest = work / f"target-{n}"
    if target.is_dir():
        for path in sorted(target.rglob("*")):
            if path.suffix.lower() in CPP and path.is_file():
                (dest / path.relative_to(target)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest / path.relative_to(target))
        return dest, cli.expand([str(dest)])
    dest.mkdir(parents=True)
    for path in target.parent.iterdir():
        if path.suffix.lower() in CPP and path.is_file():
            shutil.copy2(path, dest / path.name)
    return dest / target.name, [dest / target.name]


def bench_target(target: Path, n: int, repeat: int, work: Path, claims_dir: str) -> dict:
    """Medians of each mode's wall and CPU seconds and clazy's, measured in the same rounds."""
    copy, files = work_copy(target, work, n)
    base = [str(QTCHECK), str(copy), "--claims", claims_dir, "--format", "json", "-j", "1"]
    warm = work / f"warm-{n}"
    measure(base + ["--cache-dir", str(warm)])  # preambles and facts of the files as they are
    runs: dict[str, list[tuple[float, float, int]]] = {m: [] for m in (*MODES, "clazy")}
    daemon = Daemon(work)
    try:
        _rounds(base, files, warm, work, n, repeat, runs, daemon)
    finally:
        daemon.stop()
    out = {"files": len(files)}
    for mode, values in runs.items():
        out[mode] = (med([v[0] for v in values]), med([v[1] for v in values]), max(v[2] for v in values)) \
            if values else None
    return out


def _rounds(base: list[str], files: list[Path], warm: Path, work: Path, n: int, repeat: int, runs: dict,
            daemon: Daemon) -> None:
    edit = 0

    def edit_all() -> None:
        nonlocal edit
        edit += 1
        for path in files:  # what an editor or pre-commit sees: the text changed, the include block did not
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"// bench edit {edit}\n")

    for i in range(repeat):
        runs["no-cache"].append(measure(base + ["--no-cache"]))
        runs["cold"].append(measure(base + ["--cache-dir", str(work / f"cold-{n}-{i}")]))
        shutil.rmtree(work / f"cold-{n}-{i}", ignore_errors=True)
        edit_all()
        runs["edited"].append(measure(base + ["--cache-dir", str(warm)]))
        runs["unchanged"].append(measure(base + ["--cache-dir", str(warm)]))
        edit_all()
        runs["edited (daemon)"].append(daemon.measure(base + ["--cache-dir", str(warm)]))
        runs["unchanged (daemon)"].append(daemon.measure(base + ["--cache-dir", str(warm)]))
        found = clazy(files, work)
        if found:
            runs["clazy"].append(found)


def bench_file(path: Path, repeat: int, work: Path, rules: list, claims: list) -> dict:
    """The floor (a bare parse) and the Python side of a warm check, for one file."""
    floor = [floor_parse(path) for _ in range(repeat)]
    cache = work / f"py-{path.stem}"
    parse_s, py_s = python_share(path, cache, rules, claims)
    shutil.rmtree(cache, ignore_errors=True)
    return {"file": path, "floor": med(floor), "warm_parse": parse_s, "python": py_s}


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


# ---- --scale: cost by the size of one file ----
# One module of generated Qt code: every rule gets sites in it (QObject classes with Q_OBJECT, signals, slots,
# Q_PROPERTY and Q_INVOKABLE, a class with signals and no Q_OBJECT, a QThread subclass whose run() makes a
# QLocalServer without a parent and connects lambdas without a context, QMutex / QMutexLocker, a discarded
# open(), a bounded and an unbounded read(), waits with and without a limit, a queued invokeMethod with Q_ARG,
# QTest macros in test slots, in a lambda and in a helper, a snake_case name, an unused local, a sign-compare).
MODULE = r'''
// ---- module {k} ----
struct Sample{k}
{{
    int value = 0;
}};
{metatype}
QMutex g_mutex{k};
int g_counter{k} = 0;

/// Worker {k}: keeps a level and counts ticks.
class Worker{k} : public QObject
{{
    Q_OBJECT
    Q_PROPERTY(int level READ level WRITE setLevel NOTIFY levelChanged)

public:
    explicit Worker{k}(QObject *parent = nullptr)
        : QObject(parent), m_level(0)
    {{
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &Worker{k}::tick);
    }}

    int level() const {{ return m_level; }}

    void setLevel(int value)
    {{
        QMutexLocker locker(&m_mutex);
        if (m_level == value)
            return;
        m_level = value;
        emit levelChanged(value);
    }}

    Q_INVOKABLE void poke{k}() {{ m_count++; }}

signals:
    void levelChanged(int value);
    void sampleReady(Sample{k} sample);

public slots:
    void tick()
    {{
        m_mutex.lock();
        ++m_count;
        m_mutex.unlock();
        qDebug() << "tick" << m_count;
    }}

private:
    QMutex m_mutex;
    QTimer *m_timer;
    int m_level;
    int m_count;
}};

class Relay{k} : public QObject
{{
public:
    void forward() {{ emit relayed(); }}

signals:
    void relayed();
}};

class ServerThread{k} : public QThread
{{
public:
    explicit ServerThread{k}(int chunkSize) {{ buffer.resize(chunkSize); total = 0; }}

    void run() override
    {{
        QLocalServer *server = new QLocalServer();
        connect(server, &QLocalServer::newConnection, [this, server]() {{
            QLocalSocket *peer = server->nextPendingConnection();
            connect(peer, &QLocalSocket::readyRead, [this, peer]() {{
                const qint64 available = peer->bytesAvailable();
                peer->read(buffer.data(), available);
                ++total;
            }});
        }});
        server->listen("server{k}");
        exec();
        delete server;
    }}

    int seen() const {{ return total; }}

protected:
    QByteArray buffer;
    int total;
}};

static int count_items_{k}(const QVector<int> &items, unsigned limit)
{{
    int hits = 0;
    for (int i = 0; i < items.size(); ++i) {{
        if (items[i] > 0 && i < limit)
            ++hits;
    }}
    int unusedLocal = {k};
    QMutexLocker locker(&g_mutex{k});
    g_counter{k} += hits;
    return hits;
}}

bool saveLog{k}(const QString &name, const QByteArray &data)
{{
    QFile file(name);
    file.open(QIODevice::WriteOnly);
    const bool ok = file.write(data) == data.size();
    file.close();
    return ok;
}}

void drain{k}(QIODevice *device, QByteArray &buffer)
{{
    const qint64 n = device->bytesAvailable();
    if (n > buffer.size())
        return;
    device->read(buffer.data(), n);
    QObject *orphan = new QObject();
    orphan->setObjectName("orphan{k}");
    if (buffer.isEmpty()) {{
        delete orphan;
        return;
    }}
    switch (n % 3) {{
    case 0:
        g_counter{k}++;
        break;
    default:
        break;
    }}
    delete orphan;
}}

void waitAll{k}(QThread *worker, QLocalSocket &socket)
{{
    socket.waitForConnected();
    socket.waitForReadyRead(1000);
    worker->wait();
}}

bool post{k}(Worker{k} *sink, const Sample{k} &sample)
{{
    return QMetaObject::invokeMethod(sink, "poke{k}", Qt::QueuedConnection, Q_ARG(Sample{k}, sample));
}}

void helperCompare{k}(int a, int b)
{{
    QCOMPARE(a, b);
}}

class tst_Module{k} : public QObject
{{
    Q_OBJECT

private slots:
    void levels_data();
    void levels();
    void threads();
}};

void tst_Module{k}::levels_data()
{{
    QTest::addColumn<int>("level");
    QTest::addColumn<Sample{k}>("sample");
    for (int n : {{1, 2, 3}})
        QTest::addRow("%d", n) << n << Sample{k}{{n}};
}}

void tst_Module{k}::levels()
{{
    QFETCH(int, level);
    Worker{k} worker;
    worker.setLevel(level);
    QCOMPARE(worker.level(), level);
    QTimer *timer = new QTimer;
    connect(timer, &QTimer::timeout, [&worker]() {{
        QVERIFY(worker.level() >= 0);
    }});
    QVERIFY(saveLog{k}("log{k}.txt", QByteArray("x")));
    helperCompare{k}(level, worker.level());
    QVector<int> items{{1, 2, 3}};
    count_items_{k}(items, 2u);
}}

void tst_Module{k}::threads()
{{
    ServerThread{k} server(16);
    server.start();
    QThread thread;
    Worker{k} *worker = new Worker{k};
    worker->moveToThread(&thread);
    connect(&thread, &QThread::started, worker, &Worker{k}::tick);
    thread.start();
    worker->setLevel(3);
    QLocalSocket socket;
    socket.connectToServer("server{k}");
    socket.write("ping");
    waitAll{k}(&thread, socket);
    QVERIFY(server.seen() >= 0);
    QVERIFY(post{k}(worker, Sample{k}{{1}}));
    server.quit();
    server.wait();
    thread.quit();
    thread.wait();
    delete worker;
}}
'''
HEAD = '''// Generated by bench/run.py --scale: realistic Qt code, {modules} modules, for measuring cost by size.
#include <QtTest/QtTest>
#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtCore/QMutex>
#include <QtCore/QMutexLocker>
#include <QtCore/QByteArray>
#include <QtCore/QTimer>
#include <QtCore/QDebug>
#include <QtCore/QFile>
#include <QtCore/QVector>
#include <QtCore/QMetaObject>
#include <QtNetwork/QLocalSocket>
#include <QtNetwork/QLocalServer>
'''


def generated_file(lines: int, path: Path) -> int:
    """Write a Qt test file of about `lines` lines (whole modules; QTEST_MAIN once at the end); its line count."""
    per = MODULE.count("\n")
    modules = max(1, round((lines - 20) / per))
    body = [HEAD.format(modules=modules)]
    for k in range(modules):
        body.append(MODULE.format(k=k, metatype=f"Q_DECLARE_METATYPE(Sample{k})" if k % 2 else ""))
    body.append(f"\nQTEST_MAIN(tst_Module0)\n\n#include \"{path.stem}.moc\"\n")
    text = "".join(body)
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def phases(path: Path, rules: list, claims: list) -> dict[str, float]:
    """Seconds of each stage of one check, in this process: the parse (no cache), facts, rules, claims, and
    building the report and rendering it in all four formats; with the collector set as qtcheck sets it."""
    with cli._CollectRarely():
        return _phases(path, rules, claims)


def _phases(path: Path, rules: list, claims: list) -> dict[str, float]:
    text = path.read_text(encoding="utf-8")
    out = {}
    start = time.perf_counter()
    parsed = frontend.parse(path, text, frontend.Options())
    out["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    facts = facts_mod.collect(parsed)
    out["facts"] = time.perf_counter() - start
    del parsed
    start = time.perf_counter()
    sites = rules_mod.run(facts, rules)
    found = rules_mod.findings(sites, rules)
    out["rules"] = time.perf_counter() - start
    start = time.perf_counter()
    judged = verdicts.judge_all(facts, rules, sites, claims)
    out["claims"] = time.perf_counter() - start
    start = time.perf_counter()
    report = report_mod.build([{"facts": facts, "sites": sites, "findings": found, "verdicts": judged}], rules, [])
    for render in RENDERERS.values():
        render(report, rules=rules, to_terminal=False, verbose=True)
    out["report"] = time.perf_counter() - start
    return out


PARSE_ALONE = """import sys
from pathlib import Path
from qtcheck import frontend
path = Path(sys.argv[1])
frontend.parse(path, path.read_text(encoding="utf-8"), frontend.Options())
"""


def bench_scale(sizes: list[int], work: Path, claims_dir: str, rules: list, claims: list, split: bool) -> None:
    """One row per size: qtcheck on a generated file (no cache, the claims, all four formats), wall time, CPU time
    and peak memory of the whole command, the peak memory of a process that only parses the file as qtcheck does
    (the floor); the same command edited (its preamble cached, the file changed: what pre-commit and an editor
    see), CPU and peak; and with split the seconds of each stage measured in this process."""
    print("| lines | wall s | CPU s | CPU s per 1k lines | peak MiB | parse alone MiB | edited CPU s | edited peak MiB "
          "| parse s | facts s | rules s | claims s | report s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        path = work / f"scale_{size}.cpp"
        lines = generated_file(size, path)
        out = work / f"scale_{size}"
        cmd = [str(QTCHECK), str(path), "--claims", claims_dir, "--parse-timeout", "0",
               "-j", "1", "--format", "json", "--output", f"{out}.json", "--format", "sarif", "--output",
               f"{out}.sarif", "--format", "markdown", "--output", f"{out}.md", "--format", "text"]
        wall, cpu, mem = measure(cmd + ["--no-cache"])
        _, floor_mem = timed([sys.executable, "-c", PARSE_ALONE, str(path)])
        cache = work / f"scale-cache-{size}"
        measure(cmd + ["--cache-dir", str(cache)])  # the preamble (and the facts of the text as it is)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("// edited\n")
        _, edited_cpu, edited_mem = measure(cmd + ["--cache-dir", str(cache)])
        shutil.rmtree(cache, ignore_errors=True)
        split_s = phases(path, rules, claims) if split else {}
        cells = [fmt(split_s.get(k)) for k in ("parse", "facts", "rules", "claims", "report")]
        print(f"| {lines} | {wall:.1f} | {cpu:.1f} | {cpu / lines * 1000:.2f} | {mem} | {floor_mem} | {edited_cpu:.1f} "
              f"| {edited_mem} | {' | '.join(cells)} |", flush=True)


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def shown(path: Path) -> str:
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="C++ files or folders (default: the example and the rule fixtures)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--many", type=int, default=100, help="generated files for the -j 1 / -j 2 comparison (0: skip)")
    parser.add_argument("--claims", default=str(ROOT / "seeds"), help="claims checked in every run")
    parser.add_argument("--scale", metavar="N,N,...",
                        help="instead: check generated Qt files of about N lines each (e.g. 1000,5000,20000,50000)")
    parser.add_argument("--no-split", action="store_true",
                        help="with --scale: skip the in-process time of each stage (it parses each file again)")
    ns = parser.parse_args()
    if ns.scale:
        sizes = [int(n) for n in ns.scale.split(",") if n.strip()]
        rules = rules_mod.load_rules()
        claims = load_claims(ns.claims, rules)
        with tempfile.TemporaryDirectory(prefix="qtcheck-scale-") as tmp:
            print(f"libclang: {toolchain.libclang_version()}; CPUs: {os.cpu_count()}; "
                  f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
            print()
            bench_scale(sizes, Path(tmp), ns.claims, rules, claims, not ns.no_split)
        return 0
    targets = [Path(p) for p in ns.paths] or DEFAULT_TARGETS
    for target in targets:
        if not target.exists():
            raise SystemExit(f"bench: {target}: no such file or folder")
    rules = rules_mod.load_rules()
    claims = load_claims(ns.claims, rules)
    with tempfile.TemporaryDirectory(prefix="qtcheck-bench-") as tmp:
        work = Path(tmp)
        print(f"libclang: {toolchain.libclang_version()}; CPUs: {os.cpu_count()}; "
              f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; repeat: {ns.repeat}")
        have_clazy = clazy_exe() is not None
        if not have_clazy:
            print("clazy-standalone not found (Debian: apt-get install clazy): the ratios to clazy are left out")
        print()
        print("| target | files | mode | qtcheck wall s | qtcheck CPU s | clazy wall s | clazy CPU s | wall / clazy | "
              "CPU / clazy | peak MiB |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        singles = []
        for n, target in enumerate(targets):
            r = bench_target(target.resolve(), n, ns.repeat, work, ns.claims)
            c = r["clazy"]
            for mode in MODES:
                wall, cpu, mem = r[mode]
                print(f"| {shown(target)} | {r['files']} | {mode} | {wall:.2f} | {cpu:.2f} | "
                      f"{fmt(c[0] if c else None)} | {fmt(c[1] if c else None)} | "
                      f"{fmt(wall / c[0] if c else None)} | {fmt(cpu / c[1] if c else None)} | {mem} |", flush=True)
            if target.is_file():
                singles.append(target.resolve())
        if singles:
            print()
            print("| file | floor parse CPU s | warm parse CPU s | python CPU s | python/floor |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for path in singles:
                r = bench_file(path, ns.repeat, work, rules, claims)
                print(f"| {shown(path)} | {fmt(r['floor'])} | {fmt(r['warm_parse'])} | {fmt(r['python'], 3)} | "
                      f"{r['python'] / r['floor']:.1%} |", flush=True)
        if ns.many:
            one, two = bench_jobs(ns.many, work)
            print()
            print(f"{ns.many} generated files, warm preamble, no cached facts: -j 1 {one:.1f} s, -j 2 {two:.1f} s, "
                  f"speed-up {one / two:.2f}x (CPUs: {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
