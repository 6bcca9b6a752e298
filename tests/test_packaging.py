"""Packaging (issue 13, item 9): the import package is qtcheck (its source folder checker/), the built-in rules and
data are found inside the package, and a wheel installed beside other distributions named `rules` and `checker`
still has every rule."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import qtcheck
from qtcheck import rules as rules_mod

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "example" / "tst_localsocket_bench.cpp"
BUILTIN_IDS = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))


def test_the_tests_use_the_installed_qtcheck_and_nothing_loads_twice():
    """pytest runs from the repository root, where checker/ is on sys.path: the tests still get the package
    `qtcheck` (pip install -e maps it onto checker/), and no module of it is loaded under a second name."""
    import pkgutil
    import importlib

    assert qtcheck.__name__ == "qtcheck"
    for info in pkgutil.walk_packages(qtcheck.__path__, "qtcheck."):
        importlib.import_module(info.name)
    rules_mod.builtin_rules_dir()  # imports qtcheck.rules_data (rules/__init__.py)
    sources = {(ROOT / "checker").resolve(), (ROOT / "rules").resolve()}
    twice = [name for name, module in list(sys.modules.items())
             if not name.startswith("qtcheck") and getattr(module, "__file__", None)
             and sources & set(Path(module.__file__).resolve().parents)]
    assert twice == [] and "checker" not in sys.modules and "rules" not in sys.modules
    assert "qtcheck.rules_data" in sys.modules


@pytest.mark.parametrize("name, said", [("checker", "is the source of the package 'qtcheck': import qtcheck, not checker"),
                                        ("rules", "holds qtcheck's built-in rules (the package qtcheck.rules_data), not "
                                                  "a package named rules")])
def test_importing_the_source_folders_by_their_own_names_is_refused(name, said):
    """From the repository root checker/ and rules/ are on sys.path: imported so, a module would load twice."""
    done = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and said in done.stderr


def test_no_file_names_checker_as_a_module():
    """What a merge brings in is caught: the rename script finds nothing left to rename."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "rename_import_package.py"), "--check", str(ROOT)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"still naming `checker` as a module (run tools/rename_import_package.py):\n{done.stdout}"


def test_the_rename_script_renames_imports_and_module_names_but_not_paths(tmp_path):
    (tmp_path / "checker" / "reports").mkdir(parents=True)
    for name in ("__init__.py", "cli.py", "rules.py", "reports/__init__.py"):
        (tmp_path / "checker" / name).write_text("")
    (tmp_path / "tests").mkdir()
    # OLD stands for the old name here, so that this file itself holds nothing for the script to rename
    code = ("from OLD import cli\nfrom OLD.reports import x\nimport OLD.rules as r\nimport OLD\n"
            "monkeypatch.setattr('OLD.cli.main', f)\nsrc = ROOT / 'OLD' / 'cli.py'\n"
            "# the OLD.py file, not a module; a OLD of Qt code\nfrom OLDs import y\n").replace("OLD", "checker")
    (tmp_path / "tests" / "test_x.py").write_text(code)
    (tmp_path / "Makefile").write_text("run:\n\tpython -m OLD.cli x.cpp  # see OLD/cli.py\n".replace("OLD", "checker"))
    (tmp_path / "pyproject.toml").write_text('packages = ["checker"]\n')
    script = [sys.executable, str(ROOT / "tools" / "rename_import_package.py")]
    assert subprocess.run([*script, str(tmp_path)], capture_output=True, timeout=60).returncode == 0
    assert (tmp_path / "tests" / "test_x.py").read_text() == (
        "from qtcheck import cli\nfrom qtcheck.reports import x\nimport qtcheck.rules as r\nimport qtcheck\n"
        "monkeypatch.setattr('qtcheck.cli.main', f)\nsrc = ROOT / 'checker' / 'cli.py'\n"
        "# the checker.py file, not a module; a checker of Qt code\nfrom checkers import y\n")
    assert (tmp_path / "Makefile").read_text() == "run:\n\tpython -m qtcheck.cli x.cpp  # see checker/cli.py\n"
    assert (tmp_path / "pyproject.toml").read_text() == 'packages = ["checker"]\n'  # written by hand
    again = subprocess.run([*script, "--check", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout == ""


def test_builtin_rules_are_the_package_data_of_qtcheck():
    folder = rules_mod.builtin_rules_dir()
    assert folder.resolve() == (Path(qtcheck.__file__).parent.parent / "rules").resolve() or \
        folder.resolve() == (Path(qtcheck.__file__).parent / "rules_data").resolve()
    assert sorted(r.id for r in rules_mod.load_rules() if r.builtin) == BUILTIN_IDS


# --- the wheel, installed beside other `rules` and `checker` distributions ----------------------------------------

def _wheel(folder: Path, name: str, files: dict[str, str]) -> Path:
    """A minimal wheel of a pure-Python distribution holding files (as an unrelated PyPI package would)."""
    info = f"{name}-1.0.dist-info"
    files = {**files, f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    out = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(out, "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)
        whl.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return out


def _build_qtcheck_wheel(tmp: Path) -> Path:
    """The wheel, built offline from a copy of the sources (no build isolation: the test extra has setuptools;
    the copy keeps build/ and *.egg-info out of the checkout)."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "checker", src / "checker", ignore=ignore)
    shutil.copytree(ROOT / "rules", src / "rules", ignore=ignore)
    dist = tmp / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", "-w", str(dist), str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = dist.glob("qtcheck-*.whl")
    return wheel


@pytest.mark.packaging
def test_the_wheel_beside_packages_named_rules_and_checker_has_every_rule(tmp_path):
    wheel = _build_qtcheck_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(Path(n).stem for n in names if n.startswith("qtcheck/rules_data/") and n.endswith(".yaml")) \
        == BUILTIN_IDS
    assert "qtcheck/prose.yaml" in names and "qtcheck/reports/sarif.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if n.split("/")[0] in ("checker", "rules")]  # nothing under a generic top-level name

    # Two unrelated distributions with the generic names: a `rules` holding YAML that is not a qtcheck rule (the
    # wrong folder, if read, is refused or gives other rules), a `checker` that fails when imported.
    rules_whl = _wheel(tmp_path, "rules", {"rules/__init__.py": "RULES = {}\n",
                                           "rules/permissions.yaml": "not: a qtcheck rule\n"})
    checker_whl = _wheel(tmp_path, "checker", {
        "checker/__init__.py": "raise ImportError('the unrelated package named checker was imported')\n"})
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index",
                           "--no-deps", str(wheel), str(rules_whl), str(checker_whl)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # qtcheck's dependencies (libclang, PyYAML ...) from this test's environment, after the new venv's own packages
    # (a path in a .pth file is searched last; that environment's editable qtcheck is not loaded: its own .pth files
    # are not read)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    Path(site, "deps-of-the-test-environment.pth").write_text(sysconfig.get_path("purelib") + "\n")

    # Run where folders named rules/ and checker/ sit in the current folder too (python -m puts it on sys.path).
    work = tmp_path / "work"
    (work / "rules").mkdir(parents=True)
    (work / "rules" / "bogus.yaml").write_text("id: [not a rule\n")
    (work / "checker").mkdir()
    (work / "checker" / "__init__.py").write_text("raise ImportError('checker/ of the current folder was imported')\n")
    env = {**os.environ, "QTCHECK_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    where = subprocess.run([str(python), "-c", "import qtcheck, rules; print(qtcheck.__file__); print(rules.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert where.returncode == 0, where.stderr
    assert where.stdout.split("\n")[0].startswith(site) and where.stdout.split("\n")[1].startswith(site)
    for command in ([str(venv / "bin" / "qtcheck")], [str(python), "-m", "qtcheck.entry"]):
        listed = subprocess.run([*command, "--list-rules", "--format", "json", "--no-config"], cwd=work,
                                capture_output=True, text=True, timeout=120, env=env)
        assert listed.returncode == 0, listed.stderr
        assert sorted(r["id"] for r in json.loads(listed.stdout)) == BUILTIN_IDS

    def check(qtcheck_command: list[str], cache: str) -> dict:  # the seed review's claims and every finding
        done = subprocess.run([*qtcheck_command, str(FIXTURE), "--claims", str(ROOT / "seeds"), "--format", "json",
                               "--no-config", "--cache-dir", str(tmp_path / cache)],
                              cwd=work, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    # The wheel parses (an empty cache); the checkout's run reuses those facts and runs its own rules and claims.
    from_wheel = check([str(venv / "bin" / "qtcheck")], "cache")
    from_checkout = check([str(Path(sys.executable).parent / "qtcheck")], "cache")
    assert from_wheel["findings"] and from_wheel["findings"] == from_checkout["findings"]
    assert from_wheel["reviews"] == from_checkout["reviews"]
    assert {f["rule"] for f in from_wheel["findings"]} >= {"unchecked-result", "manual-delete",
                                                                "connect-lambda-without-context"}
