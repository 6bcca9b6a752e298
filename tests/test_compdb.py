"""Compile databases as clang-tidy and clangd read them: headers and unlisted files get the closest entry's flags,
response files are expanded, relative paths resolved against the entry's directory, a folder yields the
database's own files, and a compile_commands.json is found without -p. The last tests build a small Qt project
with CMake for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qtcheck import compdb
from qtcheck.qt_discovery import find_qt_include
from conftest import run_cli
from test_robustness import refused

QT_FILE = """#include <QFile>

bool readSettings()
{
    QFile file(QStringLiteral("settings.ini"));
    file.open(QIODevice::ReadOnly);
    return file.size() > 0;
}
"""


def report(*args: str, cwd: Path) -> dict:
    result = run_cli(*args, "--format", "json", "--no-config", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def database(tmp_path: Path, entries: list[dict]) -> compdb.Database:
    (tmp_path / "compile_commands.json").write_text(json.dumps(entries))
    return compdb.load(tmp_path)


def entry(directory: Path, file: str, *flags: str) -> dict:
    return {"directory": str(directory), "file": file, "arguments": ["c++", *flags, "-c", file]}


# ---------- the closest entry ----------

def test_the_closest_entry_is_chosen_as_clang_interpolates(tmp_path):
    names = ["lib/IR/Use.cc", "lib/IR/Value.cc", "lib/Support/Path.cc", "tools/main.cpp", "tools/legacy.c"]
    db = database(tmp_path, [entry(tmp_path, name) for name in names])

    def proxy(name: str) -> str:
        return os.path.relpath(compdb.closest(db, str(tmp_path / name)).file, tmp_path)

    assert proxy("include/llvm/IR/Use.h") == "lib/IR/Use.cc"          # the same stem, elsewhere
    assert proxy("lib/IR/Instruction.h") == "lib/IR/Use.cc"           # the same folder; ties: first in path order
    assert proxy("lib/Support/Process.cpp") == "lib/Support/Path.cc"  # the same folder wins over nothing
    assert proxy("tools/legacy.cpp") == "tools/main.cpp"               # a C++ file prefers a C++ entry ...
    assert proxy("tools/legacy.h") == "tools/legacy.c"                 # ... a .h has no language: the stem wins
    assert proxy("elsewhere/x/y/nothing.hpp") in names                 # nothing scores: still an entry's flags


def test_a_file_with_its_own_entry_gets_it_and_no_notice(tmp_path):
    (tmp_path / "a.cpp").write_text(QT_FILE)
    db = database(tmp_path, [entry(tmp_path, "a.cpp", "-DOWN"), entry(tmp_path, "b.cpp", "-DOTHER")])
    own = compdb.command_for(db, tmp_path / "a.cpp")
    assert "-DOWN" in own.args and not own.inferred and own.notice("a.cpp") is None
    other = compdb.command_for(db, tmp_path / "a.h")
    assert "-DOWN" in other.args and other.inferred and "b.cpp" not in other.args and "a.cpp" not in other.args
    assert other.notice("a.h").endswith(f"parsed with the flags of the closest entry {tmp_path / 'a.cpp'}")


def test_a_header_with_no_entry_is_checked_with_the_closest_entrys_flags(tmp_path):
    """Was exit 2 ('no entry for socket.h'): a pre-commit hook with -p blocked every commit touching a header."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "settings.cpp").write_text('#include "settings.h"\n')
    (src / "settings.h").write_text("#pragma once\n" + QT_FILE.replace("bool readSettings", "inline bool readSettings"))
    qt = find_qt_include()
    db = [entry(src, "settings.cpp", "-DQT_CORE_LIB", f"-I{qt}", f"-I{qt}/QtCore", "-std=gnu++17", "-fPIC")]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "compile_commands.json").write_text(json.dumps(db))
    data = report("src/settings.h", "-p", "build", cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []
    assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [7]
    assert ("src/settings.h: no entry of its own in build/compile_commands.json: parsed with the flags of the "
            "closest entry src/settings.cpp") in data["notices"]


# ---------- response files and relative paths ----------

def test_gnu_quoting_of_response_files():
    assert compdb.tokenize_gnu('-I"/a b/c" -isystem \'/x y\'\n-DX=\\"q\\" a\\ b\t-c') == [
        "-I/a b/c", "-isystem", "/x y", '-DX="q"', "a b", "-c"]
    assert compdb.tokenize_gnu('"" -DA="x \\" y"') == ["", '-DA=x " y']


def test_response_files_are_expanded_from_the_entrys_directory_nested_ones_too(tmp_path):
    (tmp_path / "rsp").mkdir()
    (tmp_path / "rsp" / "flags.rsp").write_text('-DONE "-DTWO=two words" @rsp/more.rsp\n')
    (tmp_path / "rsp" / "more.rsp").write_text("-Iinclude\n")
    db = database(tmp_path, [entry(tmp_path, "a.cpp", "@rsp/flags.rsp", "-DTHREE")])
    args = compdb.command_for(db, tmp_path / "a.cpp").args
    assert list(args) == ["-DONE", "-DTWO=two words", f"-I{tmp_path / 'include'}", "-DTHREE"]


def test_relative_include_paths_are_resolved_against_the_entrys_directory(tmp_path):
    build = tmp_path / "build"
    db = database(tmp_path, [entry(build, "../src/a.cpp", "-I../inc", "-isystem", "../sys", "-iquote", "q",
                                   "-iquote../q2", "-idirafter", "after", "-include", "pre.h", "-I/abs",
                                   "--sysroot=root", "-isystem=/in/sysroot", "-DPATH=rel/x", "-o", "a.o")])
    assert list(compdb.command_for(db, tmp_path / "src" / "a.cpp").args) == [
        f"-I{tmp_path / 'inc'}", "-isystem", str(tmp_path / "sys"), "-iquote", str(build / "q"),
        f"-iquote{tmp_path / 'q2'}", "-idirafter", str(build / "after"), "-include", str(build / "pre.h"),
        "-I/abs", f"--sysroot={build / 'root'}", "-isystem=/in/sysroot", "-DPATH=rel/x"]


def test_a_relative_directory_is_taken_from_the_databases_folder(tmp_path):
    db = database(tmp_path, [{"directory": "out", "file": "../a.cpp", "command": "c++ -Iinc -c ../a.cpp"}])
    assert list(compdb.command_for(db, tmp_path / "a.cpp").args) == [f"-I{tmp_path / 'out' / 'inc'}"]


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "entry 1: response file @flags.rsp not found"),
    (lambda d: (d / "flags.rsp").write_text("-DA @flags.rsp\n"), "entry 1: response file @flags.rsp includes itself"),
    (lambda d: (d / "flags.rsp").mkdir(), "entry 1: response file @flags.rsp cannot be read (Is a directory)"),
    (lambda d: (d / "flags.rsp").write_bytes(b"-DA\xff"), "entry 1: response file @flags.rsp is not UTF-8 (byte 3)"),
])
def test_a_response_file_that_cannot_be_read_is_one_line_and_exit_2(tmp_path, make, message):
    make(tmp_path)
    (tmp_path / "a.cpp").write_text(QT_FILE)
    (tmp_path / "compile_commands.json").write_text(json.dumps([entry(tmp_path, "a.cpp", "@flags.rsp")]))
    refused(run_cli(str(tmp_path / "a.cpp"), "-p", str(tmp_path)), "compile_commands.json: " + message)


# ---------- a database without -p ----------

def test_a_database_is_found_in_a_folder_above_or_its_build_subfolder(tmp_path):
    qt = find_qt_include()
    src = tmp_path / "src" / "deep"
    src.mkdir(parents=True)
    (src / "a.cpp").write_text("#ifndef FROM_DATABASE\n#error no database\n#endif\n" + QT_FILE)
    (tmp_path / "build").mkdir()
    db = [entry(src, "a.cpp", "-DFROM_DATABASE", f"-I{qt}", f"-I{qt}/QtCore", "-fPIC")]
    (tmp_path / "build" / "compile_commands.json").write_text(json.dumps(db))
    assert compdb.find_for(src / "a.cpp") == tmp_path / "build"
    data = report("a.cpp", cwd=src)
    assert data["files"][0]["diagnostics"] == []
    assert (f"compile arguments from {tmp_path / 'build' / 'compile_commands.json'}, found by looking in the "
            f"checked files' folders and their build/ subfolders (no -p given)") in data["notices"]
    # --qt-include says which flags to use: no database is looked for
    assert report("a.cpp", "--qt-include", str(qt), cwd=src)["files"][0]["diagnostics"][0]["message"] == (
        "no database")


def test_a_broken_database_found_without_p_is_named_and_not_used(tmp_path):
    (tmp_path / "a.cpp").write_text(QT_FILE)
    (tmp_path / "compile_commands.json").write_text("[{")
    data = report("a.cpp", cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []  # qtcheck's own flags
    assert any(n.startswith("compile_commands.json: not a valid compile database")  # named from the current folder
               and n.endswith("not used; parsed with qtcheck's own flags") for n in data["notices"]), data["notices"]


# ---------- a real CMake build ----------

CMAKE_LISTS = """cmake_minimum_required(VERSION 3.16)
project(tiny LANGUAGES CXX)
set(CMAKE_AUTOMOC ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
set(CMAKE_CXX_STANDARD 17)
find_package(Qt6 REQUIRED COMPONENTS Core Network)
add_executable(tiny src/main.cpp src/server.cpp src/server.h)
# a relative flag, as a hand-written build passes it: relative to the build folder, where the compiler runs
target_compile_options(tiny PRIVATE "SHELL:-iquote ../quoted")
target_link_libraries(tiny PRIVATE Qt6::Core Qt6::Network)
"""
SERVER_H = """#pragma once

#include <QTcpServer>

class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(QObject *parent = nullptr);
    bool start();

private:
    QTcpServer *m_server;
};
"""
SERVER_CPP = """#include "server.h"

#include "port.h"

Server::Server(QObject *parent) : QObject(parent), m_server(new QTcpServer(this)) {}

bool Server::start()
{
    return m_server->listen(QHostAddress::LocalHost, TINY_PORT);
}
"""
MAIN_CPP = """#include <QCoreApplication>
#include <QFile>

#include "port.h"
#include "server.h"

class Ticker : public QObject
{
    Q_OBJECT
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QFile file(QStringLiteral("port.txt"));
    file.open(QIODevice::ReadOnly);
    Server server;
    server.start();
    Ticker ticker;
    return app.exec() + TINY_PORT * 0;
}

#include "main.moc"
"""
UNLISTED_CPP = """#include <QFile>

#include "server.h"

bool ping(QFile *file)
{
    file->open(QIODevice::ReadOnly);
    return Server().start();
}
"""


def _tools_missing() -> str | None:
    for tool in ("cmake", "make", "c++"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (make test installs cmake, make and g++ with apt-get when root)"
    return None


@pytest.fixture(scope="module")
def cmake_project(tmp_path_factory):
    """A small Qt project, configured and built with CMake (Unix Makefiles: its include flags go through a
    response file the compile database names, as CMAKE_CXX_USE_RESPONSE_FILE_FOR_INCLUDES makes it)."""
    missing = _tools_missing()
    if missing:
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("cmake-project")
    for name, text in (("CMakeLists.txt", CMAKE_LISTS), ("src/server.h", SERVER_H), ("src/server.cpp", SERVER_CPP),
                       ("src/main.cpp", MAIN_CPP), ("src/unlisted.cpp", UNLISTED_CPP),
                       ("quoted/port.h", "#pragma once\n\n#define TINY_PORT 4242\n")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for command in (["cmake", "-S", ".", "-B", "build", "-G", "Unix Makefiles", "-DCMAKE_BUILD_TYPE=Debug",
                     "-DCMAKE_CXX_USE_RESPONSE_FILE_FOR_INCLUDES=ON"],
                    ["cmake", "--build", "build", "-j", "2"]):
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        if done.returncode and "Qt6Config.cmake" in done.stderr:
            pytest.skip("Qt 6's CMake files are not installed (qt6-base-dev provides them; make test installs it)")
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root


def test_the_real_build_names_a_response_file_and_a_relative_flag(cmake_project):
    """What the other tests rely on: CMake wrote what clang-tidy must cope with."""
    db = json.loads((cmake_project / "build" / "compile_commands.json").read_text())
    main = next(e for e in db if e["file"].endswith("main.cpp"))
    assert "@CMakeFiles/tiny.dir/includes_CXX.rsp" in main["command"]
    assert "-iquote ../quoted" in main["command"]
    assert any(e["file"].endswith("mocs_compilation.cpp") for e in db)


def test_a_listed_file_parses_cleanly_from_any_folder(cmake_project):
    """Qt's include folders come only from the response file, port.h only through the relative -iquote."""
    for cwd in (cmake_project, cmake_project / "src", Path("/")):
        data = report(str(cmake_project / "src" / "main.cpp"), "-p", str(cmake_project / "build"), cwd=cwd)
        file = data["files"][0]
        assert file["diagnostics"] == [], cwd
        assert file["qt_version"].endswith("(from compile database)") and file["qt_version"][0].isdigit()
        assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [16]
        assert not any("closest entry" in n for n in data["notices"])


def test_a_header_and_an_unlisted_file_get_the_closest_entrys_flags_and_say_so(cmake_project):
    data = report("src/server.h", "src/unlisted.cpp", "-p", "build", cwd=cmake_project)
    assert [f["diagnostics"] for f in data["files"]] == [[], []]
    assert ("src/server.h: no entry of its own in build/compile_commands.json: parsed with the flags of the "
            "closest entry src/server.cpp") in data["notices"]
    assert any(n.startswith("src/unlisted.cpp: no entry of its own in build/compile_commands.json: parsed with the "
                            "flags of the closest entry src/") for n in data["notices"]), data["notices"]
    assert [f["rule"] for f in data["findings"] if f["file"] == "src/unlisted.cpp"] == ["unchecked-result"]


def test_the_pre_commit_hook_with_p_passes_a_header(cmake_project):
    result = run_cli("src/server.h", "-p", "build", "--fail-on", "finding", "--no-config", cwd=cmake_project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_folder_with_p_checks_the_databases_own_files_only(cmake_project):
    """Not CMakeFiles/ (CMakeCXXCompilerId.cpp), not the moc output (mocs_compilation.cpp, moc_server.cpp)."""
    for folder in (".", "src"):
        data = report(folder, "-p", "build", cwd=cmake_project)
        assert [f["path"] for f in data["files"]] == ["src/main.cpp", "src/server.cpp"], folder
        assert all(f["diagnostics"] == [] for f in data["files"])


def test_without_p_the_build_folders_database_is_found_and_named(cmake_project):
    data = report("main.cpp", "server.h", cwd=cmake_project / "src")
    assert [f["diagnostics"] for f in data["files"]] == [[], []]
    assert (f"compile arguments from {cmake_project / 'build' / 'compile_commands.json'}, found by looking in the "
            f"checked files' folders and their build/ subfolders (no -p given)") in data["notices"]
    walked = report(".", cwd=cmake_project)  # a folder: the found database's own files, as with -p
    assert [f["path"] for f in walked["files"]] == ["src/main.cpp", "src/server.cpp"]


def test_a_folder_without_a_database_skips_build_trees_and_generated_code(cmake_project, tmp_path, monkeypatch):
    from qtcheck import cli

    shutil.copytree(cmake_project, tmp_path / "copy", symlinks=True)
    (tmp_path / "copy" / "build" / "compile_commands.json").unlink()
    (tmp_path / "copy" / "src" / "moc_server.cpp").write_text("// generated\n")
    monkeypatch.chdir(tmp_path / "copy")
    assert compdb.find_for(Path("x")) is None
    assert [str(p) for p in cli.expand(["."])] == ["quoted/port.h", "src/main.cpp", "src/server.cpp", "src/server.h",
                                                   "src/unlisted.cpp"]


def test_a_folder_with_the_configs_compile_database_checks_its_files(cmake_project):
    """The config's compile-database is -p for a folder too; --qt-include turns off only the search."""
    (cmake_project / "out").symlink_to(cmake_project / "build")
    (cmake_project / ".qtcheck.yaml").write_text("compile-database: out\n")
    try:
        result = run_cli(".", "--qt-include", str(find_qt_include()), "--format", "json", cwd=cmake_project)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert [f["path"] for f in data["files"]] == ["src/main.cpp", "src/server.cpp"]
        assert all(f["diagnostics"] == [] for f in data["files"])
    finally:
        (cmake_project / ".qtcheck.yaml").unlink()
        (cmake_project / "out").unlink()


def test_a_forced_include_from_the_database_is_parsed(tmp_path):
    qt = find_qt_include()
    (tmp_path / "pre.h").write_text("#pragma once\n#include <QFile>\n")
    (tmp_path / "a.cpp").write_text(QT_FILE.replace("#include <QFile>\n", ""))  # QFile only through -include
    db = [entry(tmp_path, "a.cpp", "-include", "pre.h", f"-I{qt}", f"-I{qt}/QtCore", "-fPIC")]
    (tmp_path / "compile_commands.json").write_text(json.dumps(db))
    data = report("a.cpp", "-p", ".", cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []
    assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [5]


def test_flags_that_load_a_plugin_are_dropped(tmp_path):
    """A compile database comes with the code under review: its flags must never make the parse run a library."""
    (tmp_path / "a.cpp").write_text(QT_FILE)
    evil = str(tmp_path / "evil.so")
    qt = find_qt_include()
    db = database(tmp_path, [entry(tmp_path, "a.cpp", f"-I{qt}", f"-I{qt}/QtCore", "-DKEEP", f"-fplugin={evil}", "-Xclang", "-load", "-Xclang",
                                   evil, f"-fpass-plugin={evil}", "-Xclang", "-add-plugin", "-Xclang", "x",
                                   "-fplugin-arg-x-y", "-Xclang", "-plugin-arg-x", "-Xclang", "y", "-DAFTER")])
    args = compdb.command_for(db, tmp_path / "a.cpp").args
    assert "-DKEEP" in args and "-DAFTER" in args
    assert not [a for a in args if "plugin" in a or a in ("-load", evil, "x", "y") or "evil" in a]
    data = report(str(tmp_path / "a.cpp"), "-p", str(tmp_path), cwd=tmp_path)
    assert data["files"][0]["diagnostics"] == []  # clang never tried to load evil.so (it does not exist)
    assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [6]


def test_a_cpp20_build_parses_without_the_false_errors_of_a_precompiled_preamble(tmp_path):
    """clang 18 reports '__va_list_tag' overloads in every C++20 file parsed with a PCH (llvm#61931): such files
    are parsed without one, cached run or not."""
    (tmp_path / "a.cpp").write_text(QT_FILE)
    qt = find_qt_include()
    database(tmp_path, [entry(tmp_path, "a.cpp", f"-I{qt}", f"-I{qt}/QtCore", "-std=c++20")])
    for _ in range(2):  # the second run would load the cached preamble
        data = report(str(tmp_path / "a.cpp"), "-p", str(tmp_path), "--cache-dir", str(tmp_path / "cache"),
                      cwd=tmp_path)
        assert not [n for n in data["notices"] if "__va_list_tag" in n]
        assert [f["line"] for f in data["findings"] if f["rule"] == "unchecked-result"] == [6]
    assert not list((tmp_path / "cache").glob("*.pch"))  # no preamble was built for it
