"""Include paths as a Qt build has them: module headers named without their folder, Qt reached through a local
header. Both parse with no error and no flags."""

from __future__ import annotations

from pathlib import Path

from qtcheck import frontend, qt_discovery
from conftest import FIXTURES, analyze

INCLUDES = FIXTURES / "includes"


def test_module_headers_named_without_their_folder_parse_cleanly():
    facts, sites = analyze(INCLUDES / "module_header_by_name.cpp")
    assert facts.error_lines() == []
    listen = [s for s in sites["unchecked-result"] if s.flagged]
    assert [(s.line, s.subjects["callee"][0]) for s in listen] == [(10, "QLocalServer::listen")]


def test_qt_reached_through_a_local_header_gets_its_module():
    path = INCLUDES / "local_header" / "main.cpp"
    text = path.read_text()
    args, qt = frontend.compile_args(path, text, frontend.Options())
    assert "-DQT_NETWORK_LIB" in args and f"-I{qt / 'QtNetwork'}" in args
    facts, sites = analyze(path)
    assert facts.error_lines() == []
    assert [c.qualified for c in facts.calls if c.name == "listen"] == ["QTcpServer::listen"]


def test_every_installed_module_folder_is_on_the_path_but_only_used_modules_are_defined():
    path = INCLUDES / "module_header_by_name.cpp"
    args, qt = frontend.compile_args(path, path.read_text(), frontend.Options())
    folders = {a[2:] for a in args if a.startswith("-I")}
    assert {str(qt / m) for m in qt_discovery.installed_modules(qt)} <= folders
    assert "-DQT_NETWORK_LIB" in args and "-DQT_WIDGETS_LIB" not in args


def test_the_moc_stand_in_is_found_from_the_files_own_folder(tmp_path):
    """`cd tests/foo && qtcheck tst_foo.cpp`: clang looks for "tst_foo.moc" as ./tst_foo.moc, and the empty
    stand-in must be given under that name (it was given as tst_foo.moc and never matched)."""
    import json
    import shutil

    from conftest import run_cli

    src = FIXTURES / "revision" / "tst_localsocket_bench_fixed.cpp"
    shutil.copy(src, tmp_path / src.name)
    for name, cwd in ((src.name, tmp_path), (f"./{src.name}", tmp_path), (f"{tmp_path.name}/{src.name}", tmp_path.parent)):
        result = run_cli(name, "--format", "json", "--no-cache", "--no-config", cwd=cwd)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["files"][0]["diagnostics"] == [], name
