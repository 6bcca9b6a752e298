""".qtcheck.yaml: found like .clang-tidy (nearest up the folders), --config / --no-config, every key, the command
line winning, and a malformed config refused with one line naming the file and the key."""

from __future__ import annotations

import json
import os

import pytest

from qtcheck.qt_discovery import find_qt_include, qt_version
from conftest import ROOT, run_cli
from test_robustness import refused

# One finding of each kind the tests select among: unchecked-result (warning, line 7), unowned-qobject-allocation
# (warning, line 8), debug-output (note, off by default, line 10).
SRC = """#include <QFile>
#include <QTimer>

/// Opens a file, starts a timer and logs.
void work(QFile &file)
{
    file.open(QIODevice::ReadOnly);
    auto *timer = new QTimer;
    timer->start(10);
    qDebug("started");
}
"""
OPEN_DROPPED = ("id: open-dropped\ntitle: open() result dropped\nmessage: the open() result is dropped\n"
                "severity: note\nmatcher: {name: discarded-result, params: {callees: [QIODevice::open]}}\n"
                "docs: {what: w, why: y, example: e}\n")


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def json_report(*args: str, cwd=ROOT, status: int = 0) -> dict:
    result = run_cli(*args, "--format", "json", cwd=cwd)
    assert result.returncode == status, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def rules_by_file(data: dict, root) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {os.path.relpath(f["path"], root): [] for f in data["files"]}
    for f in data["findings"]:
        out[os.path.relpath(f["file"], root)].append((f["rule"], f["line"]))
    return out


def test_no_config_reports_the_default_rules(tmp_path):
    src = write(tmp_path / "work.cpp", SRC)
    data = json_report(str(src))
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [
        ("unchecked-result", 7), ("unowned-qobject-allocation", 8)]  # debug-output is off by default


def test_the_nearest_config_up_the_folders_wins(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "checks: '-*,unchecked-result'\n")
    write(tmp_path / "a" / "b" / "x.cpp", SRC)
    write(tmp_path / "a" / "b" / "c" / ".qtcheck.yaml", "checks: '-*,unowned-*'\n")
    write(tmp_path / "a" / "b" / "c" / "y.cpp", SRC)
    data = json_report(str(tmp_path / "a"), cwd=tmp_path / "a" / "b" / "c")  # the folder qtcheck runs in: no matter
    assert rules_by_file(data, tmp_path) == {"a/b/x.cpp": [("unchecked-result", 7)],
                                             "a/b/c/y.cpp": [("unowned-qobject-allocation", 8)]}


def test_config_option_replaces_the_search_and_no_config_ignores_it(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "checks: '-*'\n")
    src = write(tmp_path / "work.cpp", SRC)
    other = write(tmp_path / "elsewhere" / "strict.yaml", "checks: 'debug-output'\n")
    assert json_report(str(src))["findings"] == []
    picked = json_report(str(src), "--config", str(other))
    assert [f["rule"] for f in picked["findings"]] == ["unchecked-result", "unowned-qobject-allocation",
                                                       "debug-output"]
    plain = json_report(str(src), "--no-config")
    assert [f["rule"] for f in plain["findings"]] == ["unchecked-result", "unowned-qobject-allocation"]


def test_checks_apply_left_to_right_and_the_command_line_after_the_config(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "checks: '-*,unchecked-result'\n")
    src = write(tmp_path / "work.cpp", SRC)
    both = json_report(str(src), "--checks", "-unchecked-*, debug-output")
    assert [(f["rule"], f["line"]) for f in both["findings"]] == [("debug-output", 10)]
    again = json_report(str(src), "--checks", "-*,unowned-qobject-allocation,-unowned-*,unchecked-result")
    assert [f["rule"] for f in again["findings"]] == ["unchecked-result"]


def test_a_deselected_rule_still_answers_claims(tmp_path):
    src = write(tmp_path / "work.cpp", SRC)
    claims = write(tmp_path / "c.yaml", "review: r.txt\nclaims:\n  - id: '1'\n    quote: open() is unchecked\n"
                                        "    parts:\n      - says: unchecked\n        rule: unchecked-result\n"
                                        "        subjects: {callee: [open]}\n")
    data = json_report(str(src), "--checks", "-*", "--claims", str(claims))
    assert data["findings"] == []
    assert data["reviews"][0]["claims"][0]["verdict"] == "confirmed"


def test_severity_overrides_and_fail_on_thresholds(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "severity:\n  unchecked-result: error\n  unowned-qobject-allocation: note\n"
                                      "fail-on: finding:error\n")
    src = write(tmp_path / "work.cpp", SRC)
    data = json_report(str(src), status=1)  # the config's fail-on: an error-level finding
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [
        ("unchecked-result", "error"), ("unowned-qobject-allocation", "note")]
    assert run_cli(str(src), "--fail-on", "refuted").returncode == 0  # the command line replaces the config's
    assert run_cli(str(src), "--checks", "-unchecked-result").returncode == 0  # a note does not reach error
    assert run_cli(str(src), "--no-config", "--fail-on", "finding:error").returncode == 0  # warnings only
    assert run_cli(str(src), "--no-config", "--fail-on", "finding:warning").returncode == 1
    bad = run_cli(str(src), "--fail-on", "finding:loud")
    refused(bad, "--fail-on: unknown severity 'loud'")


def test_exclude_and_rule_folders_are_relative_to_the_config(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "exclude: ['third_party/**', '*_generated.cpp']\nrules: [tools/rules]\n")
    write(tmp_path / "tools" / "rules" / "open-dropped.yaml", OPEN_DROPPED)
    write(tmp_path / "src" / "work.cpp", SRC)
    write(tmp_path / "src" / "ui_generated.cpp", SRC)
    write(tmp_path / "third_party" / "lib" / "vendor.cpp", SRC)
    data = json_report(str(tmp_path))  # run from the repository root: not the config's folder
    assert rules_by_file(data, tmp_path) == {"src/work.cpp": [("open-dropped", 7), ("unchecked-result", 7),
                                                              ("unowned-qobject-allocation", 8)]}
    named = json_report(str(tmp_path / "third_party" / "lib" / "vendor.cpp"))  # named on the command line too
    assert named["files"] == [] and named["findings"] == []
    assert named["notices"] == ["all 1 C++ file(s) given are excluded by the exclude globs of their .qtcheck.yaml: "
                                "nothing to check"]


def test_qt_include_and_compile_database_are_relative_to_the_config(tmp_path):
    qt = find_qt_include()
    os.symlink(qt, tmp_path / "qt")
    src = write(tmp_path / "src" / "work.cpp", "#ifdef FROM_DATABASE\n" + SRC + "#endif\n")
    for build, define in (("build", "-DFROM_DATABASE "), ("plain-build", "")):
        db = [{"directory": str(src.parent), "file": "work.cpp",
               "command": f"/usr/bin/c++ {define}-DQT_CORE_LIB -I{qt} -I{qt}/QtCore -fPIC -std=gnu++17 -c work.cpp"}]
        write(tmp_path / build / "compile_commands.json", json.dumps(db))
    write(tmp_path / ".qtcheck.yaml", "qt-include: qt\n")
    # (--qt-include: without it, --no-config would find build/compile_commands.json as clangd does)
    assert json_report(str(src))["files"][0]["qt_version"] == json_report(
        str(src), "--no-config", "--qt-include", str(qt))["files"][0]["qt_version"] == qt_version(qt)
    (tmp_path / "no-qt").mkdir()  # a folder without Qt: the key is used, and read from the config's folder
    write(tmp_path / ".qtcheck.yaml", "qt-include: no-qt\n")
    refused = run_cli(str(src), cwd=ROOT)
    assert refused.returncode == 2 and str(tmp_path / "no-qt") in refused.stderr, refused.stderr
    write(tmp_path / ".qtcheck.yaml", "compile-database: build\n")
    data = json_report(str(src))
    assert data["files"][0]["qt_version"] == f"{qt_version(qt)} (from compile database)"
    assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [8]
    overridden = json_report(str(src), "-p", str(tmp_path / "plain-build"))  # -p wins over the config
    assert overridden["findings"] == []


def test_rules_listed_in_a_config_folder_follow_its_checks(tmp_path):
    write(tmp_path / ".qtcheck.yaml", "checks: '-*,unchecked-result,debug-output'\nseverity: {debug-output: error}\n")
    listed = {line.split()[0]: line.split()[1:3] for line in run_cli("--list-rules", cwd=tmp_path).stdout.splitlines()}
    assert listed["unchecked-result"] == ["warning", "on"]
    assert listed["debug-output"] == ["error", "on"]
    assert listed["unowned-qobject-allocation"] == ["warning", "off"]
    assert listed["sign-compare"] == ["note", "claims"]


@pytest.mark.parametrize("text, fragments", [
    ("checks: [unclosed\n", ["malformed YAML at line"]),
    ("chekcs: '-*'\n", ["unknown key 'chekcs' (did you mean checks?)"]),
    ("- a list\n", ["a config file must hold a mapping"]),
    ("checks: 3\n", ["key 'checks': expected a string like 'a,b' or a list, got a number"]),
    ("checks: '-*,unchecked-reslt'\n", ["key 'checks': no rule 'unchecked-reslt' (did you mean unchecked-result?)"]),
    ("checks: 'bad name!'\n", ["key 'checks': 'bad name!' is not a rule name or glob"]),
    ("severity: [error]\n", ["key 'severity': expected a mapping of rule id to error/warning/note, got a list"]),
    ("severity: {unchecked-result: loud}\n", ["key 'severity.unchecked-result': 'loud' is not a severity"]),
    ("severity: {no-such-rule: error}\n", ["key 'severity.no-such-rule': no rule 'no-such-rule'"]),
    ("fail-on: finding:loud\n", ["key 'fail-on': unknown severity 'loud'"]),
    ("fail-on: {finding: true}\n", ["key 'fail-on': expected a string"]),
    ("rules: missing-folder\n", ["key 'rules[0]': folder", "missing-folder not found"]),
    ("rules: [[nested]]\n", ["key 'rules[0]': expected a non-empty string, got a list"]),
    ("exclude: 7\n", ["key 'exclude': expected a list of strings, got a number"]),
    ("qt-include: nowhere\n", ["key 'qt-include': folder", "nowhere not found"]),
    ("compile-database: build\n", ["key 'compile-database': no compile_commands.json (nor compile_flags.txt) in", "(give the build folder"]),
    ("a: &a [*a]\n", ["holds itself through the alias"]),
])
def test_a_malformed_config_is_one_line_naming_the_file_and_the_key(tmp_path, text, fragments):
    config = write(tmp_path / ".qtcheck.yaml", text)
    src = write(tmp_path / "work.cpp", SRC)
    refused(run_cli(str(src)), f"qtcheck: {config}: ", *fragments)
    refused(run_cli("--list-rules", cwd=tmp_path), f"{config}: ", *fragments)


def test_config_option_naming_a_missing_or_bad_file_is_refused(tmp_path):
    src = write(tmp_path / "work.cpp", SRC)
    refused(run_cli(str(src), "--config", str(tmp_path / "none.yaml")), "--config", "none.yaml: no such file")
    os.mkfifo(tmp_path / "pipe.yaml")
    refused(run_cli(str(src), "--config", str(tmp_path / "pipe.yaml")), "pipe.yaml: not a regular file")
    refused(run_cli(str(src), "--checks", "-*,unchecked-reslt"), "--checks: no rule 'unchecked-reslt'")


def test_output_onto_the_config_is_refused(tmp_path):
    config = write(tmp_path / ".qtcheck.yaml", "checks: '-*'\n")
    src = write(tmp_path / "work.cpp", SRC)
    refused(run_cli(str(src), "--format", "json", "--output", str(config)), "that is an input of this run")
    assert config.read_text() == "checks: '-*'\n"
