"""compile_flags.txt as clangd and clang-tidy read it, clang-cl / cl.exe entries of a compile database, and
--output refused onto every file the run reads (response files, compile_flags.txt, the database). Real libclang,
real Qt headers of this machine."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qtcheck import compdb
from qtcheck.qt_discovery import find_qt_include
from conftest import run_cli
from test_robustness import refused

# FROM_FLAGS must come from the flags, local.h through a relative -I: a parse without them fails at line 3 or 2
QT_FILE = """#include <QFile>
#include <local.h>
#ifndef FROM_FLAGS
#error the flags were not used
#endif

bool readSettings()
{
    QFile file(QStringLiteral("settings.ini"));
    file.open(QIODevice::ReadOnly);
    return file.size() > LOCAL_SIZE;
}
"""
OPEN_LINE = 10


def report(*args: str, cwd: Path) -> dict:
    result = run_cli(*args, "--format", "json", "--no-config", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def unchecked_lines(data: dict) -> list[int]:
    return [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"]


def project(root: Path, flags_text: str | None = None) -> Path:
    """root/compile_flags.txt (relative -Iinc), root/inc/local.h, root/src/deep/a.cpp; the source's path."""
    qt = find_qt_include()
    (root / "inc").mkdir(parents=True, exist_ok=True)
    (root / "inc" / "local.h").write_text("#pragma once\n#define LOCAL_SIZE 0\n")
    src = root / "src" / "deep"
    src.mkdir(parents=True, exist_ok=True)
    (src / "a.cpp").write_text(QT_FILE)
    if flags_text is None:  # blanks around a flag and empty lines are ignored, as clang reads the file
        flags_text = f"-I{qt}\n  -I{qt}/QtCore  \n\n-Iinc\n-DFROM_FLAGS\n-std=c++17\n"
    (root / "compile_flags.txt").write_text(flags_text)
    return src / "a.cpp"


# ---------- compile_flags.txt ----------

def test_compile_flags_txt_in_a_folder_above_gives_the_flags_and_is_named(tmp_path):
    source = project(tmp_path)
    for cwd in (source.parent, Path("/")):  # the relative -Iinc is the flags file's folder's, from anywhere
        data = report(str(source) if cwd == Path("/") else "a.cpp", cwd=cwd)
        file = data["files"][0]
        assert file["diagnostics"] == [], cwd
        assert file["qt_version"].endswith("(from compile_flags.txt)") and file["qt_version"][0].isdigit()
        assert unchecked_lines(data) == [OPEN_LINE]
        named = os.path.relpath(tmp_path / "compile_flags.txt", cwd) if cwd == Path("/") else tmp_path / "compile_flags.txt"
        assert (f"compile arguments from {named} (one flag a line, for every file under its folder), found by "
                f"looking in the checked files' folders and the folders above (no -p given)") in data["notices"]


def test_compile_flags_txt_lines_are_arguments_relative_paths_from_its_folder(tmp_path):
    qt = find_qt_include()
    (tmp_path / "compile_flags.txt").write_text(
        f"-I{qt}\r\n-DTWO=two words\n\n   -isystem\nsys\n-include\npre.h\n-c\n-o\nout.o\n-xc\n")
    db = compdb.load(tmp_path)
    assert db.fixed is not None and db.kind == "compile_flags.txt"
    command = compdb.command_for(db, tmp_path / "x.cpp")
    # one line one argument (spaces kept), \r trimmed, -c / -o / -x dropped (qtcheck says the language)
    assert list(command.args) == [f"-I{qt}", "-DTWO=two words", "-isystem", str(tmp_path / "sys"), "-include",
                                  str(tmp_path / "pre.h")]
    assert not command.inferred and command.notice("x.cpp") is None


def test_compile_flags_txt_never_loads_a_plugin(tmp_path):
    evil = tmp_path / "evil.so"
    qt = find_qt_include()
    source = project(tmp_path, f"-I{qt}\n-I{qt}/QtCore\n-Iinc\n-DFROM_FLAGS\n-fplugin={evil}\n-Xclang\n-load\n"
                               f"-Xclang\n{evil}\n-fpass-plugin={evil}\n-DAFTER\n")
    args = compdb.command_for(compdb.load(tmp_path), source).args
    assert "-DAFTER" in args and not [a for a in args if "plugin" in a or "evil" in a or a == "-load"]
    data = report(str(source), cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []  # clang never tried to load evil.so (it does not exist)


def test_clangds_order_the_nearest_folder_wins_and_in_a_folder_the_json_first(tmp_path):
    outer = tmp_path / "outer"
    source = project(outer)
    (tmp_path / "compile_commands.json").write_text("[]")
    assert compdb.find_for(source) == outer  # compile_flags.txt in outer/ is nearer than the json above it
    compdb.reset()
    (source.parent / "compile_flags.txt").write_text("-DNEAREST\n")
    assert compdb.find_for(source) == source.parent  # the file's own folder first
    assert compdb.load(source.parent).fixed == ("-DNEAREST",)
    compdb.reset()
    (source.parent / "build").mkdir()
    (source.parent / "build" / "compile_commands.json").write_text("[]")
    assert compdb.find_for(source) == source.parent / "build"  # build/compile_commands.json before compile_flags
    compdb.reset()
    (source.parent / "compile_commands.json").write_text("[]")
    assert compdb.find_for(source) == source.parent
    assert compdb.load(source.parent).path.name == "compile_commands.json"  # the json before compile_flags.txt


def test_p_and_the_configs_compile_database_keep_precedence_and_may_name_a_flags_folder(tmp_path):
    qt = find_qt_include()
    source = project(tmp_path, "-DWRONG\n")  # found by the search: must not be used
    given = tmp_path / "given"
    given.mkdir()
    (given / "compile_flags.txt").write_text(f"-I{qt}\n-I{qt}/QtCore\n-I../inc\n-DFROM_FLAGS\n")
    data = report(str(source), "-p", str(given), cwd=tmp_path)  # -p DIR holding only compile_flags.txt
    assert data["files"][0]["diagnostics"] == [] and unchecked_lines(data) == [OPEN_LINE]
    assert not any("found by looking" in n for n in data["notices"])
    (tmp_path / ".qtcheck.yaml").write_text("compile-database: given\n")
    result = run_cli(str(source), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["files"][0]["diagnostics"] == [] and unchecked_lines(data) == [OPEN_LINE]


@pytest.mark.parametrize("make, message", [
    (lambda f: f.write_bytes(b"-DA\n\xff\n"), "compile_flags.txt: not UTF-8 (byte 4)"),
    (lambda f: f.write_bytes(b"-DA\0\n"), "compile_flags.txt: holds a NUL byte"),
    (lambda f: f.write_text("-DA\n" * 300_000), "compile_flags.txt: over 1048576 bytes"),
    (lambda f: f.mkdir(), "compile_flags.txt: cannot read (Is a directory)"),
    (lambda f: os.mkfifo(f), "compile_flags.txt: a FIFO, not a regular file"),
])
def test_a_bad_compile_flags_txt_given_with_p_is_one_line_and_exit_2(tmp_path, make, message):
    (tmp_path / "a.cpp").write_text(QT_FILE)
    make(tmp_path / "compile_flags.txt")
    refused(run_cli(str(tmp_path / "a.cpp"), "-p", str(tmp_path), "--no-config"), message)


def test_a_found_compile_flags_txt_that_cannot_be_read_is_named_and_not_used(tmp_path):
    (tmp_path / "a.cpp").write_text("#include <QFile>\n\nbool ok(QFile &f)\n{\n    f.open(QIODevice::ReadOnly);\n"
                                    "    return true;\n}\n")
    (tmp_path / "compile_flags.txt").write_bytes(b"-DBROKEN\xfe\n")
    data = report("a.cpp", cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []  # qtcheck's own flags
    assert "compile_flags.txt: not UTF-8 (byte 8): not used; parsed with qtcheck's own flags" in data["notices"]
    assert unchecked_lines(data) == [5]


def test_a_folder_argument_with_compile_flags_txt_checks_the_files_in_it(tmp_path):
    project(tmp_path)
    (tmp_path / "src" / "deep" / "b.cpp").write_text(QT_FILE)
    data = report("src", cwd=tmp_path)
    assert [f["path"] for f in data["files"]] == ["src/deep/a.cpp", "src/deep/b.cpp"]
    assert all(f["diagnostics"] == [] for f in data["files"])
    assert not any("lists no C++ file" in n for n in data["notices"])


# ---------- clang-cl / cl.exe entries ----------

CL_FILE = """#include <QFile>
#include <QLocalSocket>
#include "local.h"
#ifndef FROM_SLASH_D
#error /D was not read
#endif
#ifdef UNDONE
#error /U was not read
#endif
#ifndef FORCED
#error /FI was not read
#endif
#if __cplusplus < 201703L
#error /std:c++17 was not read
#endif

__int64 counter = 0;   // MSVC's type: -fms-extensions, as clang-cl

bool readSettings(QLocalSocket *socket)
{
    QFile file(QStringLiteral("settings.ini"));
    file.open(QIODevice::ReadOnly);
    return socket->isValid() && file.size() > LOCAL_SIZE;
}
"""


def cl_project(root: Path, compiler: str = "C:/Program Files/LLVM/bin/clang-cl.exe") -> Path:
    """A database as CMake writes it for clang-cl (cross-building here: the paths are this machine's), its
    Qt folders through a response file split by Windows rules."""
    qt = find_qt_include()
    (root / "src").mkdir(parents=True)
    (root / "inc").mkdir()
    (root / "build").mkdir()
    (root / "src" / "a.cpp").write_text(CL_FILE)
    (root / "inc" / "local.h").write_text("#pragma once\n#define LOCAL_SIZE 0\n")
    (root / "inc" / "forced.h").write_text("#pragma once\n#define FORCED 1\n")
    (root / "build" / "qt.rsp").write_text(f'/I"{qt}/QtNetwork" /external:I {qt}/QtCore\r\n')
    (root / "build" / "compile_commands.json").write_text(json.dumps([{
        "directory": str(root / "build"), "file": str(root / "src" / "a.cpp"),
        "arguments": [compiler, "/nologo", "-TP", "/DFROM_SLASH_D", "-DUNDONE", "/UUNDONE", f"/I{qt}", "@qt.rsp",
                      "/I", "../inc", "/FI../inc/forced.h", "/EHsc", "/GR", "/Zi", "/Od", "-MDd", "-std:c++17",
                      "/Zc:__cplusplus", "/permissive-", "/W4", "/wd4996", "/FoCMakeFiles\\tiny.dir\\a.cpp.obj",
                      "/FdTARGET_COMPILE_PDB", "/FS", "-Xclang", "-load", "-Xclang", str(root / "evil.so"),
                      "-c", str(root / "src" / "a.cpp")]}]))
    return root / "src" / "a.cpp"


def test_a_clang_cl_entry_parses_with_its_include_folders_and_defines(tmp_path):
    source = cl_project(tmp_path)
    data = report(str(source), "-p", str(tmp_path / "build"), cwd=tmp_path)
    file = data["files"][0]
    assert file["diagnostics"] == []
    assert file["qt_version"].endswith("(from compile database)") and file["qt_version"][0].isdigit()
    assert unchecked_lines(data) == [22]
    assert any(n.startswith("build/compile_commands.json: clang-cl / cl.exe flags (/I, /D, /std:) read as clang's")
               and "code under _MSC_VER or Q_OS_WIN is not parsed" in n for n in data["notices"]), data["notices"]


def test_cl_flags_are_translated_to_clangs_spelling(tmp_path):
    qt = find_qt_include()
    source = cl_project(tmp_path)
    command = compdb.command_for(compdb.load(tmp_path / "build"), source)
    assert command.msvc and command.responses == (str(tmp_path / "build" / "qt.rsp"),)
    assert list(command.args) == [
        "-fms-extensions", "-DFROM_SLASH_D", "-DUNDONE", "-UUNDONE", f"-I{qt}", f"-I{qt}/QtNetwork", "-isystem",
        f"{qt}/QtCore", f"-I{tmp_path / 'inc'}", "-include", str(tmp_path / "inc" / "forced.h"), "-std=c++17"]


@pytest.mark.parametrize("argv, msvc", [
    (["cl.exe", "/c", "a.cpp"], True),
    (["CL", "a.cpp"], True),
    (["/usr/bin/clang-cl-18", "a.cpp"], True),
    (["clang++", "--driver-mode=cl", "a.cpp"], True),
    (["/opt/wrap/cc", "/std:c++17", "a.cpp"], True),        # told by a flag only cl has
    (["/opt/wrap/cc", "/DQT_CORE_LIB", "a.cpp"], True),
    (["c++", "-std=c++17", "-MD", "-MT", "x.o", "-O2", "-Wall", "a.cpp"], False),  # GCC's -MD, -MT, -O2, -W
    (["c++", "/usr/include/x.h"], False),
])
def test_which_entries_are_cl_s(tmp_path, argv, msvc):
    assert (compdb._cl_by_name(argv) or compdb.cl_style(argv[1:])) is msvc


def test_an_existing_absolute_path_is_no_slash_option(tmp_path):
    """clang-cl's own pitfall: /Users/me/a.cpp read as /U sers/me/a.cpp. An input that exists is an input."""
    folder = tmp_path / "Users"
    folder.mkdir()
    (folder / "a.cpp").write_text("")
    entry = compdb.Entry(1, str(folder / "a.cpp"), str(tmp_path), {})
    assert compdb.from_cl([str(folder / "a.cpp"), "/Ufoo", "/D", "X=1", "/U/not-a-name"], entry) == [
        "-fms-extensions", "-Ufoo", "-DX=1"]
    assert not compdb.cl_style([str(folder)])


def test_windows_response_file_quoting():
    assert compdb.tokenize_windows('/I"C:\\Program Files\\Qt" /DX=\\"q\\" C:\\dir\\a.cpp "a ""b"" c"\r\n') == [
        "/IC:\\Program Files\\Qt", '/DX="q"', "C:\\dir\\a.cpp", 'a "b" c']
    assert compdb.tokenize_windows('"C:\\dir\\\\" next') == ["C:\\dir\\", "next"]


# ---------- --output onto what the run reads ----------

def _unchanged(path: Path, before: tuple[bytes, int]) -> None:
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize("which", ["response-file", "response-file-symlink", "database"])
def test_output_onto_a_response_file_or_the_database_is_refused_and_changes_nothing(tmp_path, which):
    source = cl_project(tmp_path)
    target = {"response-file": tmp_path / "build" / "qt.rsp", "database": tmp_path / "build" / "compile_commands.json",
              "response-file-symlink": tmp_path / "link.json"}[which]
    if which == "response-file-symlink":
        target.symlink_to(tmp_path / "build" / "qt.rsp")
    watched = tmp_path / "build" / ("compile_commands.json" if which == "database" else "qt.rsp")
    before = (watched.read_bytes(), watched.stat().st_mtime_ns)
    result = run_cli(str(source), "--format", "json", "--output", str(target), "--no-config", cwd=tmp_path)
    refused(result, f"--output {target}: that is an input of this run", "refusing to overwrite it")
    _unchanged(watched, before)


def test_output_onto_a_nested_gnu_response_file_is_refused_when_found_without_p(tmp_path):
    qt = find_qt_include()
    source = project(tmp_path)
    (tmp_path / "compile_flags.txt").unlink()
    build = tmp_path / "build"
    (build / "rsp").mkdir(parents=True)
    (build / "rsp" / "outer.rsp").write_text(f"-I{qt} @rsp/inner.rsp\n")
    (build / "rsp" / "inner.rsp").write_text(f"-I{qt}/QtCore -I../inc\n")
    (build / "compile_commands.json").write_text(json.dumps([{
        "directory": str(build), "file": str(source), "arguments": ["c++", "@rsp/outer.rsp", "-DFROM_FLAGS", "-c",
                                                                    str(source)]}]))
    inner = build / "rsp" / "inner.rsp"
    before = (inner.read_bytes(), inner.stat().st_mtime_ns)
    refused(run_cli("a.cpp", "--format", "sarif", "--output", str(inner), "--no-config", cwd=source.parent),
            "that is an input of this run", "inner.rsp")
    _unchanged(inner, before)
    assert report("a.cpp", cwd=source.parent)["files"][0]["diagnostics"] == []  # the same run, without the --output


def test_output_onto_compile_flags_txt_is_refused_found_or_given(tmp_path):
    source = project(tmp_path)
    flags = tmp_path / "compile_flags.txt"
    before = (flags.read_bytes(), flags.stat().st_mtime_ns)
    for extra in ([], ["-p", str(tmp_path)]):
        refused(run_cli("a.cpp", *extra, "--output", "../../compile_flags.txt", "--no-config", cwd=source.parent),
                "--output ../../compile_flags.txt: that is an input of this run")
        _unchanged(flags, before)
