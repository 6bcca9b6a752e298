"""Bad input: refused with one line and status 2, or handled and reported; never a traceback, never a lie."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat

import pytest

from qtcheck.rules import MATCHERS
from conftest import EXAMPLE, FIXTURES, ROOT, analyze, run_cli

ROBUST = FIXTURES / "robustness"
RULE = ("id: {id}\ntitle: t\nmessage: m\nseverity: note\nmatcher: {{name: discarded-result, params: "
        "{{callees: [QFile::open]}}}}\ndocs: {{what: w, why: y, example: e}}\n")


def refused(result, *fragments: str) -> None:
    """One line on stderr starting with 'qtcheck: ', status 2, nothing on stdout, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("qtcheck: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def report(*args: str) -> dict:
    result = run_cli(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


# ---------- refused: source files ----------

def test_missing_file(tmp_path):
    refused(run_cli(str(tmp_path / "nope.cpp")), "nope.cpp: no such file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    src = tmp_path / "secret.cpp"
    src.write_text("int main() { return 0; }\n")
    src.chmod(0)
    try:
        refused(run_cli(str(src)), "secret.cpp: cannot read (Permission denied)")
    finally:
        src.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_binary_source(tmp_path):
    src = tmp_path / "blob.cpp"
    src.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    refused(run_cli(str(src)), "blob.cpp: binary file, not C++ source")


def test_non_utf8_source(tmp_path):
    src = tmp_path / "latin.cpp"
    src.write_bytes("// caf\u00e9\nint x;\n".encode("latin-1"))
    refused(run_cli(str(src)), "latin.cpp: not UTF-8 (byte 6)")


def test_source_over_the_size_limit(tmp_path):
    src = tmp_path / "big.cpp"
    src.write_text("int x;\n" * 20)
    refused(run_cli(str(src), "--max-bytes", "100"), "big.cpp: 140 bytes is over the limit of 100 (--max-bytes)")


def test_not_a_cpp_file(tmp_path):
    src = tmp_path / "notes.txt"
    src.write_text("hello\n")
    refused(run_cli(str(src)), "notes.txt: not a C++ file")


# ---------- refused: toolchain and Qt ----------

def test_no_qt_headers_found_is_refused_and_names_no_qt(tmp_path):
    refused(run_cli(str(EXAMPLE), "--qt-include", str(tmp_path)), "holds no QtCore/qglobal.h", "--no-qt")


def test_builtin_headers_of_another_clang_version_are_refused(tmp_path):
    fake = tmp_path / "lib" / "clang" / "14"
    (fake / "include").mkdir(parents=True)
    (fake / "include" / "stddef.h").write_text("/* clang 14 */\n")
    result = run_cli(str(EXAMPLE), "--resource-dir", str(fake))
    refused(result)
    assert "14" in result.stderr and "18" in result.stderr


# ---------- refused: compile_commands.json ----------

def test_compile_commands_missing(tmp_path):
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "no compile_commands.json")


def test_compile_commands_malformed(tmp_path):
    (tmp_path / "compile_commands.json").write_text('[{"file": "a.cpp",')
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "not a valid compile database")


def test_compile_commands_not_a_list(tmp_path):
    (tmp_path / "compile_commands.json").write_text('{"file": "a.cpp"}')
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "top level is not a list")


def test_compile_commands_without_any_entry(tmp_path):
    """A file with no entry of its own gets the closest entry's flags (test_compdb.py); with no entry at all
    there are none to take."""
    (tmp_path / "compile_commands.json").write_text("[]")
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "no entry for", "(the database is empty)")


@pytest.mark.parametrize("entry, message", [
    ({"directory": "/", "command": "c++ -DX='unclosed -c {file}"},
     "entry 1: 'command' cannot be split into arguments (No closing quotation)"),
    ({"directory": "/", "command": ["c++", "-c", "{file}"]}, "entry 1: 'command' is not a string"),
    ({"directory": "/", "file": 42, "arguments": ["c++"]}, "entry 1: 'file' is not a string"),
    ({"directory": ["/"], "arguments": ["c++"]}, "entry 1: 'directory' is not a string"),
    ({"directory": "/", "arguments": "c++ -c x.cpp"}, "entry 1: 'arguments' is not a list of strings"),
    ({"directory": "/", "arguments": ["c++", 3, "-c"]}, "entry 1: 'arguments' is not a list of strings"),
    ({"directory": "/", "arguments": ["c++", "-DX=\u0000", "-c"]}, "entry 1: an argument holds a NUL character"),
    ({"directory": "/", "file": "a\u0000b.cpp", "arguments": ["c++"]}, "entry 1: 'file' cannot be resolved"),
    ("not an object", "entry 1 is not an object"),
    (["c++", "-c"], "entry 1 is not an object"),
])
def test_compile_commands_with_a_malformed_entry(tmp_path, entry, message):
    if isinstance(entry, dict):
        entry = {"file": str(EXAMPLE), **entry}
        if isinstance(entry.get("command"), str):
            entry["command"] = entry["command"].format(file=EXAMPLE)
    (tmp_path / "compile_commands.json").write_text(json.dumps([entry]))
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "compile_commands.json: " + message)


def test_compile_commands_that_is_a_folder_or_cannot_be_read(tmp_path, monkeypatch, capsys):
    (tmp_path / "compile_commands.json").mkdir()
    refused(run_cli(str(EXAMPLE), "-p", str(tmp_path)), "compile_commands.json: a folder, not a compile database")
    from pathlib import Path

    from qtcheck import cli

    other = tmp_path / "build"
    other.mkdir()
    (other / "compile_commands.json").write_text("[]")
    real = Path.read_bytes

    def read_bytes(self):  # as if chmod 000 kept this process out (root reads any file)
        if self.name == "compile_commands.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert cli.main([str(EXAMPLE), "-p", str(other), "--no-cache"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"qtcheck: {other / 'compile_commands.json'}: cannot read (Permission denied)\n"


def test_a_good_compile_database_is_used(tmp_path):
    src = tmp_path / "src" / "plain.cpp"
    src.parent.mkdir()
    shutil.copy(ROBUST / "plain_qt.cpp", src)
    qt = "/usr/include/x86_64-linux-gnu/qt6"
    db = [{"directory": str(tmp_path / "src"), "file": "plain.cpp",
           "command": f"/usr/bin/c++ -DQT_CORE_LIB -I{qt} -I{qt}/QtCore -fPIC -std=gnu++17 -o plain.o -c plain.cpp"}]
    (tmp_path / "compile_commands.json").write_text(json.dumps(db))
    data = report(str(src), "-p", str(tmp_path))
    assert data["files"][0]["qt_version"].endswith("(from compile database)")  # the Qt its -I flags name
    assert data["files"][0]["diagnostics"] == []
    assert [(f["rule"], f["line"]) for f in data["findings"] if f["rule"] == "unchecked-result"] == [
        ("unchecked-result", 6)]


# ---------- refused: rule YAML ----------

@pytest.mark.parametrize("text, message", [
    ("id: [unclosed\n", "malformed YAML at line"),
    (RULE.format(id="x-rule") + "colour: red\n", "unknown key 'colour'"),
    (RULE.format(id="x-rule").replace("severity: note", "severity: 3"), "key 'severity'"),
    (RULE.format(id="x-rule").replace("discarded-result", "no-such-matcher"), "unknown matcher 'no-such-matcher'"),
    ("- just\n- a list\n", "must hold a mapping"),
])
def test_bad_rule_files(tmp_path, text, message):
    (tmp_path / "rule.yaml").write_text(text)
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path)), "rule.yaml", message)


def test_rule_with_a_bad_regex(tmp_path):
    (tmp_path / "naming.yaml").write_text(
        "id: x-naming\ntitle: t\nmessage: m\nseverity: note\n"
        "matcher: {name: naming, params: {exempt: ['(unclosed']}}\ndocs: {what: w, why: y, example: e}\n")
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path)), "naming.yaml", "bad regex")


def test_duplicate_rule_id(tmp_path):
    (tmp_path / "dup.yaml").write_text(RULE.format(id="unchecked-result"))
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path)), "dup.yaml", "duplicate rule id 'unchecked-result'")


# ---------- refused: claims YAML, options ----------

def test_malformed_claims_file(tmp_path):
    (tmp_path / "c.yaml").write_text("review: r\nclaims: [\n")
    refused(run_cli(str(EXAMPLE), "--claims", str(tmp_path / "c.yaml")), "c.yaml", "malformed YAML")


def test_claims_referring_to_an_unknown_rule(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "review: r\nclaims:\n  - id: '1'\n    quote: q\n    parts:\n      - says: s\n        rule: no-such-rule\n")
    refused(run_cli(str(EXAMPLE), "--claims", str(tmp_path / "c.yaml")), "unknown rule 'no-such-rule'")


def test_unknown_option_and_unknown_format():
    refused(run_cli(str(EXAMPLE), "--frobnicate"), "unrecognized arguments: --frobnicate")
    refused(run_cli(str(EXAMPLE), "--format", "pdf"), "unknown format 'pdf'")


# ---------- handled ----------

def test_a_directory_is_checked_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "a" / "b" / "deep.cpp")
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "top.h")
    (tmp_path / "a" / "readme.txt").write_text("not C++\n")
    data = report(str(tmp_path))
    assert [os.path.relpath(f["path"], tmp_path) for f in data["files"]] == ["a/b/deep.cpp", "top.h"]


def test_a_directory_without_cpp_files_is_refused(tmp_path):
    (tmp_path / "readme.txt").write_text("x\n")
    refused(run_cli(str(tmp_path)), "no C++ files in")


def test_empty_source_says_there_is_nothing_to_check():
    data = report(str(ROBUST / "empty.cpp"))
    assert data["notices"] == [f"{ROBUST / 'empty.cpp'}: empty file, nothing to check"]
    assert data["findings"] == [] and data["files"][0]["lines"] == 0
    text = run_cli(str(ROBUST / "empty.cpp")).stdout
    assert text.startswith(f"note: {ROBUST / 'empty.cpp'}: empty file, nothing to check\n")


def test_syntax_errors_leave_the_clean_function_decided_and_the_broken_one_unverifiable():
    path = ROBUST / "broken_function.cpp"
    data = report(str(path), "--claims", str(ROBUST / "broken_function.claims.yaml"))
    assert [(d["line"], d["message"]) for d in data["files"][0]["diagnostics"]] == [
        (13, "expected expression"), (14, "expected expression")]
    assert data["notices"][0].startswith(f"{path}: clang reported 2 error(s) (first at line 13)")
    claims = {c["id"]: c for c in data["reviews"][0]["claims"]}
    assert claims["clean"]["verdict"] == "confirmed"
    assert [e["line"] for e in claims["clean"]["evidence"]] == [6]
    assert claims["broken"]["verdict"] == "unverifiable"
    assert claims["broken"]["reason"] == "clang could not parse the code this depends on (error at line 13)"
    assert [e["line"] for e in claims["broken"]["evidence"]] == [12]


def test_qt_older_than_the_code_needs_lists_the_missing_names():
    path = ROBUST / "newer_qt.cpp"
    data = report(str(path))
    assert data["files"][0]["qt_version"] == "6.4.2"
    assert [d["line"] for d in data["files"][0]["diagnostics"]] == [8, 13]
    assert data["notices"][1] == (f"{path}: names the Qt 6.4.2 headers do not declare: QTimeZone::UTC, "
                                  f"QString::slice (the code may need a newer Qt, or has typos)")


def test_cited_lines_outside_the_file_make_the_claim_unverifiable(tmp_path):
    claims = tmp_path / "c.yaml"
    claims.write_text(
        "review: r\nclaims:\n"
        + "".join(f"  - id: '{n}'\n    quote: q{n}\n    lines: [{n}]\n    parts:\n      - says: s\n"
                  f"        rule: unchecked-result\n        subjects: {{callee: [open]}}\n"
                  for n in (6, 99, -3, 10**12)))
    data = report(str(ROBUST / "plain_qt.cpp"), "--claims", str(claims))
    got = {c["id"]: (c["verdict"], c["line_note"]) for c in data["reviews"][0]["claims"]}
    assert got["6"] == ("confirmed", "")
    for n in ("99", "-3", str(10**12)):
        assert got[n] == ("unverifiable", f"cited line(s) {n} lie outside the file (7 lines)")


# ---------- degraded mode ----------

@pytest.mark.parametrize("fmt, marker", [("text", "note: DEGRADED MODE"), ("markdown", "> DEGRADED MODE")])
def test_no_qt_says_so_at_the_top_of_the_text_formats(fmt, marker):
    result = run_cli(str(ROBUST / "plain_qt.cpp"), "--no-qt", "--format", fmt)
    assert result.returncode == 0, result.stderr
    head = result.stdout.split("\n")
    assert any(line.startswith(marker) for line in head[:8]), result.stdout[:600]


def test_no_qt_says_so_first_in_json_and_in_sarif_notifications():
    data = report(str(ROBUST / "plain_qt.cpp"), "--no-qt")
    assert data["notices"][0].startswith("DEGRADED MODE: parsed without Qt headers (--no-qt)")
    sarif = json.loads(run_cli(str(ROBUST / "plain_qt.cpp"), "--no-qt", "--format", "sarif").stdout)
    notes = [n["message"]["text"] for inv in sarif["runs"][0]["invocations"]
             for n in inv.get("toolExecutionNotifications", [])]
    assert notes and notes[0] == data["notices"][0]


def test_no_qt_claims_that_hold_with_qt_come_out_unverifiable():
    claims = str(ROBUST / "plain_qt.claims.yaml")
    with_qt = report(str(ROBUST / "plain_qt.cpp"), "--claims", claims)
    assert [c["verdict"] for c in with_qt["reviews"][0]["claims"]] == ["confirmed", "confirmed"]
    data = report(str(ROBUST / "plain_qt.cpp"), "--claims", claims, "--no-qt")
    assert data["files"][0]["qt_version"] == "none (--no-qt)"
    assert [c["verdict"] for c in data["reviews"][0]["claims"]] == ["unverifiable", "unverifiable"]


def test_degraded_facts_turn_every_decided_part_unverifiable():
    from qtcheck import facts as facts_mod, frontend, rules as rules_mod, verdicts
    from qtcheck.claims import load_claims

    path = (ROBUST / "broken_function.cpp").resolve()
    parsed = frontend.parse(path, path.read_text(), frontend.Options())
    facts = facts_mod.collect(parsed)
    rules = rules_mod.load_rules()
    claims = load_claims(str(ROBUST / "broken_function.claims.yaml"), rules)
    facts.degraded = True  # the same Qt parse, judged as if Qt were unknown
    got = verdicts.judge_all(facts, rules, rules_mod.run(facts, rules), claims)
    assert [(v.verdict, v.parts[0].reason) for v in got] == [
        ("unverifiable", "parsed without Qt headers: clang did not know the Qt names this depends on"),
        ("unverifiable", "clang could not parse the code this depends on (error at line 13)")]


# ---------- no writes, no unsafe calls ----------

def _work_copy(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    src = work / "plain.cpp"
    shutil.copy(ROBUST / "plain_qt.cpp", src)
    claims = work / "claims.yaml"
    shutil.copy(ROBUST / "plain_qt.claims.yaml", claims)
    review = work / "review.md"
    review.write_text("1. The result of `open()` is never checked.\n")
    return work, src, claims, review


def test_checking_changes_no_file_and_writes_only_the_output(tmp_path):
    work, src, claims, _ = _work_copy(tmp_path)
    os.utime(src, (1_000_000_000, 1_000_000_000))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in work.iterdir()}
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    result = run_cli(str(src), "--claims", str(claims), "--format", "json", "--output", str(out),
                     "--format", "text", cwd=work)
    assert result.returncode == 0, result.stderr
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in work.iterdir()} == before
    assert list(out.parent.iterdir()) == [out] and json.loads(out.read_text())["files"]


def test_the_code_has_no_shell_eval_or_unsafe_yaml():
    sources = list((ROOT / "checker").rglob("*.py"))
    assert len(sources) > 10
    for path in sources:
        text = path.read_text()
        assert "shell=True" not in text, path
        assert "eval(" not in text.replace("literal_eval(", ""), path
        assert "exec(" not in text.replace(".exec(", "").replace("exec()", ""), path
        for loader in ("yaml.load(", "yaml.unsafe_load", "yaml.full_load", "Loader=yaml.Loader", "UnsafeLoader"):
            assert loader not in text, (path, loader)
    # every YAML file is read through the one guarded loader (limits on nesting and aliases)
    for name in ("rules.py", "claims.py"):
        assert "yamlio.load_file(" in (ROOT / "checker" / name).read_text(), name
    for path in sources:
        if path.name != "yamlio.py":
            assert "yaml.safe_load(" not in path.read_text() and "SafeLoader" not in path.read_text(), path


def test_a_source_file_is_opened_read_only():
    """read_source reads through files.read_bounded, whose only open is os.open(..., O_RDONLY | ...)."""
    import ast

    tree = ast.parse((ROOT / "checker" / "cli.py").read_text())
    read_source = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "read_source")
    calls = [ast.unparse(c.func) for c in ast.walk(read_source) if isinstance(c, ast.Call)]
    assert "files.read_bounded" in calls and "open" not in calls
    tree = ast.parse((ROOT / "checker" / "files.py").read_text())
    opens = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and ast.unparse(c.func) in ("open", "os.open")]
    assert len(opens) == 1 and ast.unparse(opens[0].func) == "os.open"
    flags = ast.unparse(opens[0].args[1])
    assert "O_RDONLY" in flags and not any(w in flags for w in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"))


# ---------- --output never lands on an input ----------

def _snapshot(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("which", ["source", "claims", "review", "source-symlink", "source-hardlink",
                                   "source-relative"])
def test_output_onto_an_input_is_refused_and_changes_nothing(tmp_path, which):
    work, src, claims, review = _work_copy(tmp_path)
    target = {"source": src, "claims": claims, "review": review, "source-relative": "plain.cpp"}.get(which)
    if which == "source-symlink":
        target = work / "link.json"
        target.symlink_to(src)
    elif which == "source-hardlink":
        target = work / "hard.json"
        os.link(src, target)
    before = _snapshot(work)
    result = run_cli(str(src), "--claims", str(claims), "--review", str(review), "--format", "json",
                     "--output", str(target), cwd=work)
    refused(result, "is an input of this run", "refusing to overwrite it")
    assert _snapshot(work) == before


@pytest.mark.parametrize("second,why", [(".", "named twice"), ("missing", "does not exist")])
def test_a_second_output_that_cannot_be_written_refuses_the_run_and_writes_nothing(tmp_path, second, why):
    """Two formats into one file, or a second target in a missing folder: refused before the first is written."""
    work, src, _, _ = _work_copy(tmp_path)
    first = tmp_path / "first.json"
    refused(run_cli(str(src), "--format", "json", "--output", str(first), "--format", "sarif", "--output",
                    str(tmp_path / second / "first.json")), why)
    assert not first.exists()


def test_a_run_refused_midway_writes_no_output(tmp_path):
    work, src, _, _ = _work_copy(tmp_path)
    first = tmp_path / "first.json"
    refused(run_cli(str(src), str(tmp_path / "nope.cpp"), "--format", "json", "--output", str(first)), "no such file")
    assert not first.exists() and list(tmp_path.glob(".first.json*")) == []


def test_output_replaces_an_old_report_whole(tmp_path):
    work, src, _, _ = _work_copy(tmp_path)
    out = tmp_path / "report.json"
    out.write_text("old report " * 10000)
    result = run_cli(str(src), "--format", "json", "--output", str(out))
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(out.read_text())["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "work"]


# ---------- more hostile input (issue: hostile input and faults) ----------

def test_a_number_of_thousands_of_digits_in_a_review_is_a_line_no_file_has(tmp_path):
    review = tmp_path / "r.md"
    review.write_text("1. Line " + "9" * 5000 + ": the result of `listen()` is not checked.\n")
    result = run_cli(str(EXAMPLE), "--review", str(review), "--format", "json")
    assert result.returncode == 0, result.stderr
    [claim] = json.loads(result.stdout)["reviews"][0]["claims"]
    assert claim["verdict"] == "unverifiable" and claim["lines"] == [10 ** 9]


def test_closed_stdout_and_closed_stdin_are_refused_with_one_line():
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).parent / "qtcheck")
    closed_out = subprocess.run([exe, str(EXAMPLE)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: os.close(1))
    assert closed_out.returncode == 2
    assert closed_out.stderr == "qtcheck: standard output is closed: give --output FILE for the report\n"
    closed_in = subprocess.run([exe, str(EXAMPLE), "--review", "-"], capture_output=True, text=True,
                               preexec_fn=lambda: os.close(0))
    refused(closed_in, "--review -: standard input is closed")


def test_a_broken_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    review = tmp_path / "many.md"
    review.write_text("".join(f"{i}. The result of `listen()` is not checked.\n" for i in range(1, 3000)))
    exe = str(Path(sys.executable).parent / "qtcheck")
    proc = subprocess.Popen([exe, str(EXAMPLE), "--review", str(review)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141)
    assert first and err == "", err


def test_a_file_name_starting_with_a_dash(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "-bench.cpp")
    refused(run_cli("-bench.cpp", cwd=tmp_path), "a file name starting with '-' reads as an option",
            "put -- before it")
    result = run_cli("--format", "json", "--", "-bench.cpp", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["files"][0]["lines"] == 153


def test_ctrl_c_while_starting_or_running_is_one_line():
    """SIGINT at several moments of a run (loading the libraries, parsing, judging): never a traceback."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    exe = str(Path(sys.executable).parent / "qtcheck")
    for delay in (0.05, 0.15, 0.3, 0.6):
        proc = subprocess.Popen([exe, str(EXAMPLE), "--no-cache"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True,  # a shell's background job ignores SIGINT
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        if "init_import_site" in err:  # on a loaded machine the signal came while CPython itself was still
            continue                   # starting (its site module), before any line of qtcheck ran
        frames = re.findall(r'File "([^"]+)"', err)
        if (err.rstrip().endswith("KeyboardInterrupt") and frames
                and all(f == exe or f.startswith("<frozen ") for f in frames)):
            continue  # or while Python was still finding the entry module (the console script's import line)
        assert "Traceback" not in err, (delay, err)
        assert err in ("", "qtcheck: interrupted\n"), (delay, err)


# ---------- hostile input, round two (issue #15) ----------

NAMING_RULE = ("id: x-naming\ntitle: t\nmessage: m\nseverity: note\n"
               "matcher: {{name: naming, params: {{exempt: [{pattern}]}}}}\ndocs: {{what: w, why: y, example: e}}\n")


def test_rule_regexes_take_linear_time_on_long_names(tmp_path):
    """`on_\\w+_\\w+` (built in) and `(a+)+_x` (a user's) backtrack for minutes in Python's re on a 100 KB name."""
    import time

    src = tmp_path / "long.cpp"
    src.write_text("void someValue() {}\nvoid on_" + "a_" * 50000 + "a$() {}\nvoid " + "a" * 100000 + "_y() {}\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "user.yaml").write_text(NAMING_RULE.format(pattern="'(a+)+_x'"))
    start = time.monotonic()
    data = report(str(src), "--rules", str(tmp_path / "rules"), "--no-cache", "--checks", "mixed-naming")
    assert time.monotonic() - start < 30  # mixed-naming is off by default: selected here to run its regexes
    got = sorted((f["rule"], f["line"]) for f in data["findings"] if f["rule"] in ("mixed-naming", "x-naming"))
    assert got == [("mixed-naming", 2), ("mixed-naming", 3), ("x-naming", 2), ("x-naming", 3)]


def test_the_builtin_exempt_patterns_still_exempt_what_they_did():
    from qtcheck import rules as rules_mod
    from qtcheck.saferegex import compile_rule_regex

    exempt = next(r for r in rules_mod.load_rules() if r.id == "mixed-naming").params["exempt"]
    names = ["tst_QLocalSocket", "pingPong_data", "on_button_clicked", "qt_metacall", "MAX_SIZE", "init"]
    assert all(any(compile_rule_regex(p).fullmatch(n) for p in exempt) for n in names)
    assert not any(compile_rule_regex(p).fullmatch("chunk_size") for p in exempt)


@pytest.mark.parametrize("pattern, why", [("'(a)\\1'", "invalid escape sequence"),
                                          ("'(?<!x)y'", "invalid perl operator")])
def test_a_rule_regex_the_linear_engine_cannot_compile_is_refused(tmp_path, pattern, why):
    (tmp_path / "naming.yaml").write_text(NAMING_RULE.format(pattern=pattern))
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path)), "naming.yaml", "key 'matcher.params.exempt'",
            "bad regex", why, "RE2 syntax")


def test_non_ascii_before_a_call_keeps_the_evidence_and_columns_in_characters(tmp_path):
    """clang's columns count UTF-8 bytes; slicing the line by them garbled the code and made a false error."""
    path = (ROBUST / "non_ascii_columns.cpp").resolve()
    facts, _ = analyze(path)
    lines = path.read_text().splitlines()
    assert {c.text: (c.line, c.col) for c in facts.calls if c.name in ("read", "open")} == {
        "file.read(buffer.data(), n)": (9, lines[8].index("file.read") + 1),
        "file.open(QIODevice::ReadOnly)": (10, lines[9].index("file.open") + 1)}
    data = report(str(path), "--no-cache")
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"] if f["severity"] != "note"] == [
        ("unchecked-result", 10, 17)]  # no unbounded-read: n <= buffer.size() guards the read
    sarif = json.loads(run_cli(str(path), "--no-cache", "--format", "sarif").stdout)
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"
    src = tmp_path / "broken.cpp"
    src.write_text('const char *s = "\u00e9\u00e9\u00e9"; int x = ;\n')
    [diag] = report(str(src), "--no-cache")["files"][0]["diagnostics"]
    assert diag["column"] == 'const char *s = "\u00e9\u00e9\u00e9"; int x = ;'.index(";", 22) + 1


def test_char_column_counts_code_points():
    from qtcheck.frontend import char_column

    assert char_column("int x;", 5) == 5
    assert char_column("/* gr\u00f6\u00dfe */ f();", len("/* gr\u00f6\u00dfe */ ".encode()) + 1) == 13
    assert char_column("\U0001f600 f();", 6) == 3  # an emoji: four bytes, one code point
    assert char_column("\u00e9", 4) == 3  # past the end of the line stays past it


def test_classes_a_macro_of_the_file_defines_are_named_in_a_notice():
    path = ROBUST / "macro_classes.cpp"
    data = report(str(path), "--no-cache")
    assert data["notices"] == [
        f"{path}: 2 class(es) defined by a macro were not analysed (qtcheck does not look inside macro expansions; "
        f"findings and claims about them are missing): Worker (line 14, macro DECLARE_WORKER), "
        f"Holder (line 15, macro PLAIN_HOLDER)"]  # not Q_OBJECT's QPrivateSignal, not Q_DECLARE_METATYPE's
    assert [(f["rule"], f["line"]) for f in data["findings"] if f["rule"] == "unchecked-result"] == [
        ("unchecked-result", 24)]
    assert report(str(path))["notices"] == data["notices"]  # the same through the preamble and facts cache


def _unreadable_folder(monkeypatch, locked):
    """As if `chmod 000 locked` kept this process out (root reads any folder, so listing it is made to fail)."""
    real = os.scandir

    def scandir(path="."):
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_named_in_a_notice(tmp_path, monkeypatch, capsys):
    from qtcheck import cli

    (tmp_path / "ok").mkdir()
    (tmp_path / "locked").mkdir()
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "ok" / "a.cpp")
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "locked" / "b.cpp")
    _unreadable_folder(monkeypatch, tmp_path / "locked")
    assert cli.main([str(tmp_path), "--format", "json", "-j", "1", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert err == "" and [f["path"] for f in data["files"]] == [str(tmp_path / "ok" / "a.cpp")]
    assert data["notices"] == [f"{tmp_path / 'locked'}: folder not read (Permission denied); the C++ files in it "
                               f"were not checked"]


def test_a_folder_whose_only_subfolder_is_unreadable_is_refused_saying_why(tmp_path, monkeypatch, capsys):
    from qtcheck import cli

    (tmp_path / "locked").mkdir()
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "locked" / "b.cpp")
    _unreadable_folder(monkeypatch, tmp_path / "locked")
    assert cli.main([str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (f"qtcheck: no C++ files in {tmp_path} (could not read {tmp_path / 'locked'}: "
                                 f"Permission denied)\n")


def _fake_resource_dir(root, name, drop=(), add=()):
    """The real builtin headers, linked one by one into root/<name>/include, less drop and plus add."""
    from qtcheck import toolchain

    real = toolchain.resource_dir() / "include"
    fake = root / name
    (fake / "include").mkdir(parents=True)
    for entry in real.iterdir():
        if entry.name not in drop:
            (fake / "include" / entry.name).symlink_to(entry)
    for extra in add:
        (fake / "include" / extra).write_text("/* a header of a newer clang */\n")
    return fake


@pytest.mark.parametrize("drop, add, why", [
    (("stdckdint.h",), (), "it lacks include/stdckdint.h, which clang 18 and later ship: the headers of an older clang"),
    ((), ("ptrauth.h",), "it has include/ptrauth.h, which only clang 19 and later ship: the headers of a newer clang")])
def test_builtin_headers_of_another_clang_in_a_folder_named_18_are_refused(tmp_path, drop, add, why):
    fake = _fake_resource_dir(tmp_path / "lib" / "clang", "18", drop, add)
    refused(run_cli(str(ROBUST / "plain_qt.cpp"), "--resource-dir", str(fake)),
            f"resource dir {fake} does not hold clang 18's builtin headers ({why})", "--resource-dir")


def test_clang_18_builtin_headers_in_a_folder_of_any_name_are_used(tmp_path):
    fake = _fake_resource_dir(tmp_path, "builtins")
    data = report(str(ROBUST / "plain_qt.cpp"), "--resource-dir", str(fake), "--no-cache")
    assert data["files"][0]["diagnostics"] == [] and [f["rule"] for f in data["findings"]].count("unchecked-result") == 1


def _cache_run(capsys, cache, *extra):
    from qtcheck import cli

    status = cli.main([str(ROBUST / "plain_qt.cpp"), "--format", "json", "-j", "1", "--cache-dir", str(cache), *extra])
    out, err = capsys.readouterr()
    assert status == 0 and err == "", err
    return json.loads(out)


@pytest.mark.parametrize("free, kept", [(0, [".lock"]),  # nothing free: nothing kept
                                        (65 * 1024 * 1024, [".json", ".lock"])])  # room for the facts, not the PCH
def test_a_full_cache_folder_means_no_cache_and_a_notice(tmp_path, monkeypatch, capsys, free, kept):
    """libclang aborts the process when a PCH does not fit on the disk: the room is checked before saving."""
    from qtcheck import preamble

    plain = _cache_run(capsys, tmp_path / "unused", "--no-cache")
    cache = tmp_path / "cache"
    monkeypatch.setattr(preamble, "free_bytes", lambda folder: free)
    data = _cache_run(capsys, cache)
    assert data["notices"] == [f"{cache}: cache folder too full; files were parsed without the cache "
                               f"(slower, same results)"]
    assert data["findings"] == plain["findings"] and data["files"] == plain["files"]
    assert sorted(p.suffix for p in cache.rglob("*") if p.is_file()) == kept  # no PCH, header or temporary file


def test_a_failing_pch_write_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    from qtcheck import toolchain

    ci = toolchain.cindex()

    def save(tu, filename):  # as clang does when the disk fills: part of the file written, then the error
        with open(filename, "wb") as handle:
            handle.write(b"CPCH" * 1000)
        raise ci.TranslationUnitSaveError(ci.TranslationUnitSaveError.ERROR_UNKNOWN, "No space left on device")

    monkeypatch.setattr(ci.TranslationUnit, "save", save)
    cache = tmp_path / "cache"
    data = _cache_run(capsys, cache)
    assert len(data["notices"]) == 1 and data["notices"][0].startswith(f"{cache}: cache folder not usable (")
    assert sorted(p.suffix for p in cache.rglob("*") if p.is_file()) == [".json", ".lock"]  # the facts entry only


def test_temporary_files_a_killed_builder_left_are_removed(tmp_path, capsys):
    cache = tmp_path / "cache"
    _cache_run(capsys, cache)
    [pch] = cache.glob("*.pch")
    key = pch.stem
    for path in [pch, pch.with_suffix(".json")] + list((cache / "facts").glob("*.json")):
        path.unlink()
    leftover = cache / f".{key}.pch.x1y2z3.tmp"
    leftover.write_bytes(b"half a PCH")
    _cache_run(capsys, cache)
    assert not leftover.exists() and pch.exists()


def test_form_feeds_and_unicode_line_separators_do_not_shift_lines(tmp_path):
    """clang ends lines at CR and LF only; str.splitlines also at \\f, \\v, U+2028 ..., which shifted the quoted code."""
    src = tmp_path / "paged.cpp"
    src.write_text("#include <QtCore/QFile>\n\f\n// a comment \u2028 with a line separator\nvoid f(QFile &file)\n{\n"
                   "    file.open(QIODevice::ReadOnly);\n}\n", encoding="utf-8")
    data = report(str(src), "--no-cache")
    assert data["files"][0]["lines"] == 7
    [finding] = [f for f in data["findings"] if f["rule"] == "unchecked-result"]
    assert (finding["line"], finding["source"]) == (6, "file.open(QIODevice::ReadOnly);")


# ---------- hostile YAML: deep nesting, alias bombs, long echoes (issue #15) ----------

def _laughs(levels: int, top: str) -> str:
    """A "billion laughs": each level a list of nine aliases of the level below."""
    lines = ['l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]']
    lines += [f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\n{top}: *l{levels - 1}\n"


def _yaml_input(tmp_path, kind: str, text: str) -> list[str]:
    if kind == "claims":
        (tmp_path / "c.yaml").write_text(text)
        return ["--claims", str(tmp_path / "c.yaml")]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(text)
    return ["--rules", str(tmp_path / "rules")]


@pytest.mark.parametrize("kind", ["claims", "rules"])
@pytest.mark.parametrize("shape", ["flow", "block", "mapping"])
def test_yaml_nested_100000_deep_is_refused_with_the_nesting_limit(tmp_path, kind, shape):
    n = 100_000
    text = {"flow": "review: r\nclaims: " + "[" * n + "]" * n + "\n",
            "block": "review: r\nclaims:\n" + "- " * n + "x\n",
            "mapping": "id: " + "{a: " * n + "1" + "}" * n + "\n"}[shape]
    result = run_cli(str(ROBUST / "plain_qt.cpp"), *_yaml_input(tmp_path, kind, text))
    refused(result)
    assert "nesting" in result.stderr, result.stderr  # ours (100 levels) or libyaml's own flow limit


@pytest.mark.parametrize("kind", ["claims", "rules"])
def test_yaml_nested_past_the_limit_names_the_limit(tmp_path, kind):
    text = "review: r\nclaims: " + "[" * 500 + "]" * 500 + "\n"
    refused(run_cli(str(ROBUST / "plain_qt.cpp"), *_yaml_input(tmp_path, kind, text)),
            "nests deeper than 100 levels", "the YAML nesting limit")


@pytest.mark.parametrize("kind", ["claims", "rules"])
def test_a_yaml_alias_bomb_is_refused_at_once_with_a_short_line(tmp_path, kind):
    import time

    text = "review: r\n" + _laughs(9, "claims")
    assert len(text) < 500
    start = time.monotonic()
    result = run_cli(str(ROBUST / "plain_qt.cpp"), *_yaml_input(tmp_path, kind, text))
    assert time.monotonic() - start < 20
    refused(result, "expands to over 200000 nodes", "the YAML size limit")
    assert len(result.stderr) < 300


def test_a_yaml_alias_that_holds_itself_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text("review: r\nclaims: &c [*c]\n")
    refused(run_cli(str(ROBUST / "plain_qt.cpp"), "--claims", str(tmp_path / "c.yaml")), "holds itself through the alias")


def test_a_schema_error_quotes_the_input_briefly(tmp_path):
    """A bomb small enough to load, in the wrong place: the message names the key and cuts the value short."""
    (tmp_path / "c.yaml").write_text("review: r\n" + _laughs(5, "x").replace("\nx: *l4", "\nclaims: [*l4]"))
    result = run_cli(str(ROBUST / "plain_qt.cpp"), "--claims", str(tmp_path / "c.yaml"))
    refused(result, "c.yaml: key '(top)'")
    assert len(result.stderr) < 400, len(result.stderr)


# ---------- FIFOs, devices and slow parses (issue #15) ----------

def _run_bounded(*args: str, timeout: float = 90, **kw):
    """run_cli that fails the test instead of hanging it."""
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "qtcheck"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=kw.get("stdin", subprocess.DEVNULL), cwd=kw.get("cwd", ROOT),
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.parametrize("make, kind", [(os.mkfifo, "a FIFO"),
                                        (lambda p: os.symlink("/dev/zero", p), "a character device")])
def test_a_source_that_is_not_a_regular_file_is_refused(tmp_path, make, kind):
    make(tmp_path / "x.cpp")
    refused(_run_bounded(str(tmp_path / "x.cpp")), "x.cpp: not a regular file", kind)


def test_a_fifo_in_a_folder_is_not_a_file_to_check(tmp_path):
    os.mkfifo(tmp_path / "x.cpp")
    shutil.copy(ROBUST / "plain_qt.cpp", tmp_path / "plain.cpp")
    result = _run_bounded(str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [os.path.basename(f["path"]) for f in json.loads(result.stdout)["files"]] == ["plain.cpp"]


@pytest.mark.parametrize("which", ["fifo", "/dev/zero"])
def test_a_review_that_is_not_a_regular_file_is_refused(tmp_path, which):
    review = "/dev/zero" if which == "/dev/zero" else str(tmp_path / "r.md")
    if which == "fifo":
        os.mkfifo(review)
    refused(_run_bounded(str(ROBUST / "plain_qt.cpp"), "--review", review), "not a regular file",
            "a review must be one")


@pytest.mark.parametrize("kind", ["claims", "rules"])
def test_yaml_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    if kind == "claims":
        os.mkfifo(tmp_path / "c.yaml")
        args = ["--claims", str(tmp_path / "c.yaml")]
    else:
        (tmp_path / "rules").mkdir()
        os.symlink("/dev/zero", tmp_path / "rules" / "r.yaml")
        args = ["--rules", str(tmp_path / "rules")]
    refused(_run_bounded(str(ROBUST / "plain_qt.cpp"), *args), "not a regular file")


@pytest.mark.parametrize("spelling, make, kind", [
    ('"pipe.h"', lambda d: os.mkfifo(d / "pipe.h"), "a FIFO"),
    ('"/dev/zero"', lambda d: None, "a character device"),
    ('"zero.h"', lambda d: os.symlink("/dev/zero", d / "zero.h"), "a character device"),
    ("<pipe.h>", lambda d: os.mkfifo(d / "inc" / "pipe.h"), "a FIFO"),
])
def test_an_include_of_a_fifo_or_a_device_is_refused_before_parsing(tmp_path, spelling, make, kind):
    (tmp_path / "inc").mkdir()
    make(tmp_path)
    src = tmp_path / "x.cpp"
    src.write_text(f"#include <QFile>\n#include {spelling}\nint x;\n")
    db = [{"directory": str(tmp_path), "file": "x.cpp", "arguments": ["c++", f"-I{tmp_path / 'inc'}", "-c", "x.cpp"]}]
    (tmp_path / "compile_commands.json").write_text(json.dumps(db))
    result = _run_bounded(str(src), "--no-cache", "-p", str(tmp_path))
    refused(result, f"x.cpp: line 2: #include {spelling} names {kind}, not a regular file")


def test_an_include_of_a_fifo_through_a_local_header_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe.h")
    (tmp_path / "local.h").write_text('#pragma once\n\n#include "pipe.h"\n')
    (tmp_path / "x.cpp").write_text('#include "local.h"\nint x;\n')
    (tmp_path / "y.cpp").write_text("int y;\n")
    for jobs in ("1", "2"):
        result = _run_bounded(str(tmp_path / "y.cpp"), str(tmp_path / "x.cpp"), "-j", jobs)
        refused(result, f"x.cpp: {tmp_path / 'local.h'}, line 3: #include \"pipe.h\" names a FIFO")


def test_a_parse_over_the_time_limit_is_abandoned_with_one_line():
    import time

    start = time.monotonic()
    result = _run_bounded(str(EXAMPLE), "--no-cache", "--parse-timeout", "0.05")
    assert time.monotonic() - start < 30
    refused(result, "tst_localsocket_bench.cpp: parsing took longer than 0.05 s (the --parse-timeout limit)")
    refused(_run_bounded(str(EXAMPLE), "--parse-timeout", "-1"), "--parse-timeout -1: give a number of seconds")


# ---------- long review lines (issue #15) ----------

REVIEW_SENTENCES = ["The result of `server->listen()` is not checked, so a failure goes unnoticed.",
                    "The `QLocalSocket` object is created with `new` and never deleted, which leaks memory.",
                    "In `ServerThread::run()` the lambda connected to `readyRead` has no context object."]


@pytest.mark.parametrize("shape", ["item of sentences", "no spaces", "backticks", "one long clause"])
def test_a_200000_character_review_line_is_read_in_seconds(tmp_path, shape):
    import time

    n = 200_000
    line = {"item of sentences": "1. " + " ".join(REVIEW_SENTENCES * (n // 240)),
            "no spaces": "x" * n,
            "backticks": "`a`" * (n // 3),
            "one long clause": "`listen()` is unchecked, but " * (n // 29)}[shape][:n]
    (tmp_path / "r.md").write_text(line + "\n")
    start = time.monotonic()
    result = _run_bounded(str(EXAMPLE), "--review", str(tmp_path / "r.md"), "--format", "json", timeout=60)
    assert time.monotonic() - start < 30
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["reviews"][0]["claims"]
    if shape != "no spaces":
        [claim] = claims
        assert claim["verdict"] == "unverifiable"
        assert "over the limit of 4000 for one claim (the claim length limit)" in claim["reason"], claim


def test_many_sentences_just_under_the_claim_limit_are_read_in_seconds(tmp_path):
    """A paragraph of 3,900-character sentences: each is a claim under the limit and is mapped."""
    import time

    sentence = ("`listen()` is unchecked, " * 160)[:3900].rstrip(", ") + ". "
    (tmp_path / "r.md").write_text((sentence * 13)[:50_000] + "\n")
    start = time.monotonic()
    result = _run_bounded(str(EXAMPLE), "--review", str(tmp_path / "r.md"), "--format", "json", timeout=60)
    assert time.monotonic() - start < 30
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["reviews"][0]["claims"]
    assert len(claims) == 13 and not any("claim length limit" in c["reason"] for c in claims)


# ---------- deeply nested code (issue #15) ----------

def _nested_lambdas(tmp_path, n: int):
    src = tmp_path / "nested.cpp"
    src.write_text("void f() {\n" + "".join("[&]() {\n" for _ in range(n)) + "int x = 0; (void)x;\n"
                   + "".join("}();\n" for _ in range(n)) + "}\n")
    return src


def test_lambdas_nested_200_deep_are_all_analysed_without_a_traceback(tmp_path):
    from qtcheck import cli, frontend, isolate

    src = _nested_lambdas(tmp_path, 200)
    result = _run_bounded(str(src), "--no-cache", "--format", "json")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert json.loads(result.stdout)["notices"] == []
    facts, _ = isolate.run(cli._parse_and_collect, (src, src.read_text(), frontend.Options()), 60, str(src))
    assert len(facts.lambdas) == 200 and facts.not_analysed == []


def test_code_nested_past_the_limit_is_skipped_with_a_notice(tmp_path, monkeypatch):
    from qtcheck import facts as facts_mod, frontend, robustness

    src = _nested_lambdas(tmp_path, 30)
    monkeypatch.setattr(facts_mod, "MAX_NESTING", 40)
    facts = facts_mod.collect(frontend.parse(src, src.read_text(), frontend.Options()))
    assert 0 < len(facts.lambdas) < 30
    [note] = robustness.file_notices(facts)
    assert note.startswith(f"{src}: line ") and note.endswith(
        "code nested more than 40 syntax levels deep was not analysed (the nesting limit)")


# ---------- found by fuzzing (bench/fuzz.py, issue #15) ----------

@pytest.mark.parametrize("name", sorted(n for n, m in MATCHERS.items() if m.required))
def test_a_rule_without_a_parameter_its_matcher_needs_is_refused(tmp_path, name):
    """`matcher: {name: macro-context}` without `macros` passed the schema and crashed the run (KeyError)."""
    (tmp_path / "rule.yaml").write_text(RULE.format(id="x-rule").replace(
        "name: discarded-result, params: {callees: [QFile::open]}", f"name: {name}"))
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path)),
            f"rule.yaml: missing key 'matcher.params.{MATCHERS[name].required[0]}'")


CLAIM_EXPECTING = ("review: r\nclaims:\n  - id: '1'\n    quote: q\n    parts:\n      - says: s\n"
                   "        rule: unchecked-result\n        expects: {{since: {value}}}\n")


@pytest.mark.parametrize("value, message", [
    ("2020-01-01", "key 'claims.0.parts.0.expects.since': 2020-01-01 is a YAML timestamp"),
    ("!!binary AAAA", "key 'claims.0.parts.0.expects.since': b'\\x00\\x00\\x00' is YAML binary data (!!binary)"),
    ("!!set {a}", "key 'claims.0.parts.0.expects.since': {'a'} is a YAML set (!!set)"),
    (".nan", "key 'claims.0.parts.0.expects.since': nan is not a finite number"),
    ("{1: x}", "key 'claims.0.parts.0.expects.since.1': a mapping key that is a number, not a string (quote it)"),
])
def test_yaml_values_json_has_no_form_for_are_refused_naming_the_key(tmp_path, value, message):
    """A timestamp in a claim's `expects` reached the JSON report and crashed it (date is not JSON serializable)."""
    (tmp_path / "c.yaml").write_text(CLAIM_EXPECTING.format(value=value))
    refused(run_cli(str(ROBUST / "plain_qt.cpp"), "--claims", str(tmp_path / "c.yaml"), "--format", "json"),
            "c.yaml: " + message)


def test_a_quoted_timestamp_is_a_string_and_a_rule_timestamp_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(CLAIM_EXPECTING.format(value="'2020-01-01'"))
    [claim] = report(str(ROBUST / "plain_qt.cpp"), "--claims", str(tmp_path / "c.yaml"))["reviews"][0]["claims"]
    assert claim["id"] == "1"
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        RULE.format(id="x-rule") + "claims: {attributes: [{phrases: [p], expects: {x: 2020-01-01}}]}\n")
    refused(run_cli(str(EXAMPLE), "--rules", str(tmp_path / "rules")),
            "r.yaml: key 'claims.attributes.0.expects.x': 2020-01-01 is a YAML timestamp")


def test_an_item_numbered_with_thousands_of_digits_is_read_as_item_one_billion(tmp_path):
    """`999...9. The result ...` (5,000 digits) made int() refuse the item number: an internal error."""
    def claims(number: str) -> list:
        (tmp_path / "r.md").write_text(f"{number}. The result of `listen()` is not checked.\n"
                                       f"3. The socket is never deleted.\n")
        return report(str(EXAMPLE), "--review", str(tmp_path / "r.md"))["reviews"][0]["claims"]

    huge, small = claims("9" * 5000), claims("1")
    assert [c["id"] for c in huge] == ["1000000000", "3"] and [c["id"] for c in small] == ["1", "3"]
    assert [c["verdict"] for c in huge] == [c["verdict"] for c in small]


@pytest.mark.parametrize("kind", ["claims", "rules"])
@pytest.mark.parametrize("value, message", [
    ("!!float .", "line 9: !!float value '.' cannot be read (could not convert string to float: '.')"),
    ("!!bool maybe", "line 9: !!bool value 'maybe' cannot be read"),
    ("!!timestamp 2020-02-30", "line 9: !!timestamp value '2020-02-30' cannot be read (day is out of range for month)"),
    ("9" * 5000, f"line 9: !!int value '{'9' * 37}...' cannot be read (Exceeds the limit (4300 digits)"),
])
def test_a_yaml_value_its_type_cannot_hold_is_malformed_yaml_with_its_line(tmp_path, kind, value, message):
    """PyYAML lets float(), int() and datetime's errors out of `!!float .` or a 5,000-digit integer: internal errors."""
    text = {"claims": CLAIM_EXPECTING.format(value="x") + f"        lines: [1, {value}]\n",  # line 9
            "rules": RULE.format(id="x-rule") + f"cwe: []\ncwe_related: []\ntags: [a, {value}]\n"}[kind]
    refused(run_cli(str(EXAMPLE), *_yaml_input(tmp_path, kind, text)), f"malformed YAML at {message}")


def test_the_fuzzer_still_runs_the_cli_code():
    """bench/fuzz.py drives the CLI in-process with only the parse replaced: when the CLI's inner functions change
    shape, a few seconds of fuzzing must still find no crash (a stale stand-in once crashed every case)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(root / "bench" / "fuzz.py"), "--minutes", "0.1", "--cli-share", "0",
                           "--seed", "7"], capture_output=True, text=True, timeout=600, cwd=root)
    assert done.returncode == 0 and ", 0 crashes, 0 hangs" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert " 0 cases" not in done.stdout
