"""qtcheck: verify code-review claims about Qt C++ against the code itself.

The import package is `qtcheck`; its source folder is checker/ (pyproject.toml maps one onto the other). Imported
as `checker` (python run from the repository root, where checker/ sits on sys.path), every module would load a
second time under a second name, with its own registries and caches: that is refused here."""

if __name__ != "qtcheck":
    raise ImportError(f"the folder {__path__[0]} is the source of the package 'qtcheck': import qtcheck, not "
                      f"{__name__} (install it with `pip install -e .` or `make install`)", name=__name__)

__version__ = "0.1.0"
