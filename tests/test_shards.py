"""--shard K/N and `qtcheck merge`: three shards merged give, byte for byte, the report of one -j 1 run over the same
files in every format; bad input is one line and exit 2. Also: the built-in rules pass the schema (they are not
validated at run time), and a plain JSON run loads neither networkx, jsonschema nor rich."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SEEDS, run_cli
from qtcheck import __version__, rules as rules_mod, shards

# Small files with findings, claims, a parse error and an empty file (notices), NOLINT comments (suppressed findings).
FILES = [FIXTURES / "flow" / "leak_paths.cpp", FIXTURES / "flow" / "leaky_server_thread.cpp",
         FIXTURES / "includes" / "use_map.cpp", FIXTURES / "parse" / "clean_templates.cpp",
         FIXTURES / "parse" / "missing_header.cpp", FIXTURES / "suppressions" / "nolint.cpp",
         FIXTURES / "robustness" / "empty.cpp"]
FORMATS = {"json": "json", "sarif": "sarif", "markdown": "md", "text": "txt"}
COMMON = ["src", "--no-config", "--claims", str(SEEDS), "--fail-on", "finding:warning"]


def _outputs(stem: str) -> list[str]:
    out = []
    for fmt, ext in FORMATS.items():
        out += ["--format", fmt, "--output", f"{stem}.{ext}"]
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A folder (no git, so paths are relative to it) with src/ holding FILES, checked once whole (-j 1) and once
    as three shards (-j 2 in each, which must not matter)."""
    base = tmp_path_factory.mktemp("shards")
    (base / "src").mkdir()
    for f in FILES:
        shutil.copy(f, base / "src" / f.name)
    whole = run_cli(*COMMON, "-j", "1", *_outputs("one"), cwd=base)
    assert whole.returncode == 1, whole.stderr  # the --fail-on matched: merge must say so too
    for k in (1, 2, 3):
        done = run_cli(*COMMON, "--shard", f"{k}/3", "-j", "2", "--format", "json", "--output", f"shard{k}.json",
                       cwd=base)
        assert done.returncode in (0, 1), done.stderr
    return base


def test_the_split_depends_on_the_path_alone():
    files = [Path(f"src/dir{i % 7}/file{i}.cpp") for i in range(300)]
    parts = [shards.select(files, k, 4) for k in (1, 2, 3, 4)]
    assert sorted(i for part in parts for i in part) == list(range(300))  # each file in exactly one shard
    assert all(40 < len(part) < 110 for part in parts)  # about a quarter each
    backwards, fewer = list(reversed(files)), files[::3]
    for k, part in enumerate(parts, 1):  # neither the order nor the other files change a file's shard
        mine = {files[i] for i in part}
        assert mine == {backwards[i] for i in shards.select(backwards, k, 4)}
        assert mine & set(fewer) == {fewer[i] for i in shards.select(fewer, k, 4)}
    # the path is taken relative to the source root: ./src/x.cpp and an absolute path name the same file
    assert shards.select([Path("./src/dir1/file1.cpp")], 1, 4) == shards.select([Path.cwd() / "src/dir1/file1.cpp"], 1, 4)


def test_the_shards_cover_every_file_once(run_dir):
    records = [json.loads((run_dir / f"shard{k}.json").read_text())["shard"] for k in (1, 2, 3)]
    checked = sorted(e["index"] for r in records for e in r["checked"])
    assert checked == list(range(len(FILES)))
    assert all(r["files"] == records[0]["files"] for r in records)
    assert all(r["checked"] for r in records), "each shard should get files here"


def test_a_shard_with_no_file_writes_an_empty_report(run_dir):
    names = [f"src/{f.name}" for f in FILES]
    k = next(k for k in range(1, 50) if all(shards.shard_of(n, 50) != k for n in names))
    done = run_cli(*COMMON, "--shard", f"{k}/50", "--format", "json", cwd=run_dir)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == [] and report["findings"] == [] and report["shard"]["checked"] == []
    assert report["notices"] == [f"shard {k}/50: checked 0 of the {len(FILES)} file(s); join the shards' --format "
                                 f"json reports with qtcheck merge"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_merge_gives_the_single_run_byte_for_byte(run_dir, fmt):
    ext = FORMATS[fmt]
    done = run_cli("merge", "shard3.json", "shard1.json", "shard2.json", "--format", fmt, "--output", f"merged.{ext}",
                   cwd=run_dir)
    assert done.returncode == 1, done.stderr  # as the single run: a warning met --fail-on finding:warning
    merged, one = (run_dir / f"merged.{ext}").read_bytes(), (run_dir / f"one.{ext}").read_bytes()
    assert merged == one
    assert len(one) > 1000


def test_merge_writes_several_formats_and_stdout(run_dir):
    done = run_cli("merge", "shard1.json", "shard2.json", "shard3.json", "--format", "sarif", "--output", "m2.sarif",
                   "--format", "markdown", cwd=run_dir)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (run_dir / "one.md").read_text()
    assert (run_dir / "m2.sarif").read_bytes() == (run_dir / "one.sarif").read_bytes()


def test_a_shard_report_is_a_report_of_its_own_files(run_dir):
    for k in (1, 2, 3):
        report = json.loads((run_dir / f"shard{k}.json").read_text())
        paths = [f["path"] for f in report["files"]]
        assert paths == [report["shard"]["files"][e["index"]] for e in report["shard"]["checked"]]
        assert {f["file"] for f in report["findings"]} <= set(paths)
        assert any(n.startswith(f"shard {k}/3: checked {len(paths)} of the {len(FILES)} file(s)") for n in report["notices"])


def _shard_report(run_dir: Path, name: str, edit) -> str:
    report = json.loads((run_dir / "shard2.json").read_text())
    edit(report)
    (run_dir / name).write_text(json.dumps(report))
    return name


@pytest.mark.parametrize("args, message", [
    (["--shard", "0/3"], "--shard 0/3: K must be between 1 and 3 (shards are numbered from 1)"),
    (["--shard", "4/3"], "--shard 4/3: K must be between 1 and 3 (shards are numbered from 1)"),
    (["--shard", "1/0"], "--shard 1/0: N, the number of shards, must be at least 1"),
    (["--shard", "2"], "--shard 2: give K/N, two whole numbers"),
    (["--shard", "1/three"], "--shard 1/three: give K/N, two whole numbers"),
    (["--shard=-1/3"], "--shard -1/3: give K/N, two whole numbers"),
    (["--shard", ""], "--shard : give K/N, two whole numbers"),
])
def test_a_bad_shard_is_refused(run_dir, args, message):
    done = run_cli("src", "--no-config", *args, cwd=run_dir)
    assert done.returncode == 2
    assert done.stderr.startswith(f"qtcheck: {message}") and done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""


def _bad_inputs(run_dir: Path) -> list[tuple[list[str], str]]:
    (run_dir / "notes.txt").write_text("# not a report\n")
    (run_dir / "other.json").write_text('{"tool": {"name": "other"}, "findings": []}')
    return [
        ([], "merge: give the shards' JSON reports"),
        (["shard1.json", "shard2.json"], "merge: shard 3/3 missing: give the reports of all 3 shards"),
        (["shard1.json", "shard2.json", "shard2.json", "shard3.json"],
         "merge: shard2.json and shard2.json are both shard 2/3"),
        (["one.json", "shard2.json"], "merge: one.json: a report of a run without --shard"),
        (["one.sarif"], "merge: one.sarif: a SARIF log; merge reads the shards' --format json reports"),
        (["one.md"], "merge: one.md: not JSON (line 1 column 1: Expecting value); merge reads the shards'"),
        (["notes.txt"], "merge: notes.txt: not JSON"),
        (["other.json"], "merge: other.json: not a qtcheck report (no tool.name 'qtcheck')"),
        (["missing.json"], "merge: missing.json: no such file"),
        (["shard1.json", _shard_report(run_dir, "old.json", lambda r: r["tool"].update(version="0.0.1")),
          "shard3.json"], f"merge: old.json: written by qtcheck 0.0.1, this is qtcheck {__version__}"),
        (["shard1.json", _shard_report(run_dir, "checks.json", lambda r: r["shard"]["options"].update(checks="-*")),
          "shard3.json"], 'merge: checks.json and shard1.json were made with different options (--checks: "-*" and '
                          'null): run every shard with the same command'),
        (["shard1.json", _shard_report(run_dir, "four.json", lambda r: r["shard"].update(count=4)), "shard3.json"],
         "merge: four.json is shard 2/4, shard1.json is shard 1/3: give the shards of one run"),
        (["shard1.json", _shard_report(run_dir, "files.json", lambda r: r["shard"]["files"].append("src/x.cpp")),
          "shard3.json"], "merge: files.json and shard1.json were given different files"),
        (["shard1.json", _shard_report(run_dir, "rules.json", lambda r: r["shard"].update(rules="0" * 64)),
          "shard3.json"], "merge: rules.json and shard1.json were made with different rule files"),
        (["shard1.json", _shard_report(run_dir, "cut.json", lambda r: r["shard"]["checked"][0].update(findings=7)), "shard3.json"],
         "merge: cut.json: not a qtcheck shard report ('shard.checked' counts"),
        (["shard1.json", _shard_report(run_dir, "shape.json", lambda r: r["shard"].pop("status")), "shard3.json"],
         "merge: shape.json: not a qtcheck shard report (its 'shard' record is not one qtcheck writes)"),
        (["shard1.json", "shard2.json", "shard3.json", "--format", "json", "--output", "shard1.json"],
         "--output shard1.json: that is an input of this run"),
        (["shard1.json", "shard2.json", "shard3.json", "--format", "yaml"], "unknown format 'yaml'"),
    ]


def test_bad_merge_input_is_one_line_and_exit_2(run_dir):
    for args, message in _bad_inputs(run_dir):
        before = (run_dir / "shard1.json").read_bytes()
        done = run_cli("merge", *args, cwd=run_dir)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith(f"qtcheck: {message}"), (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stdout == ""
        assert (run_dir / "shard1.json").read_bytes() == before


def test_every_builtin_rule_passes_the_schema():
    """The built-in rules are not validated at run time (jsonschema's import costs a tenth of a second): here."""
    paths = sorted(rules_mod.builtin_rules_dir().glob("*.y*ml"))
    assert len(paths) > 10
    for path in paths:
        assert rules_mod.load_rule(path, validate=True).id == rules_mod.load_rule(path, validate=False).id


def test_a_rule_of_a_rules_folder_is_still_validated(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: my-rule\ntitle: x\nmessage: x\nseverity: loud\n"
                                       "matcher: {name: unchecked_result}\ndocs: {what: x, why: x, fix: x, example: x}\n")
    done = run_cli(str(FIXTURES / "flow" / "leak_paths.cpp"), "--rules", str(tmp_path))
    assert done.returncode == 2
    assert "bad.yaml: key 'severity'" in done.stderr


RUNNER = """
import os, sys
WATCH = ("networkx", "jsonschema", "rich")
class Watch:  # notes every import of a watched package, in this process and in the forked parse process
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in WATCH:
            with open(os.environ["WATCH_LOG"], "a") as log:
                log.write(name + "\\n")
        return None
sys.meta_path.insert(0, Watch())
from qtcheck.cli import main
status = main(sys.argv[1:])
with open(os.environ["WATCH_LOG"], "a") as log:
    log.write("".join(f"loaded {m}\\n" for m in WATCH if m in sys.modules))
sys.exit(status)
"""


def _watched(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    log = tmp_path / "watch.log"
    log.write_text("")
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "WATCH_LOG": str(log), "NO_COLOR": "1"}, timeout=600)
    return done, sorted(set(log.read_text().split("\n")) - {""})


def test_a_plain_json_run_loads_neither_networkx_jsonschema_nor_rich(tmp_path):
    for cache in ("--no-cache", f"--cache-dir={tmp_path / 'cache'}", f"--cache-dir={tmp_path / 'cache'}"):
        done, seen = _watched(tmp_path, str(FIXTURES / "flow" / "leak_paths.cpp"), "--format", "json", cache)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["findings"]  # the rules ran (flow questions, the include graph)
        assert seen == [], (cache, seen)


def test_the_watch_sees_what_a_run_does_load(tmp_path):
    """The other side: the text format needs rich and a claims file jsonschema, and the runner sees them."""
    done, seen = _watched(tmp_path, str(FIXTURES / "flow" / "leak_paths.cpp"), "--claims", str(SEEDS), "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "loaded rich" in seen and "loaded jsonschema" in seen
    assert not any("networkx" in s for s in seen)
