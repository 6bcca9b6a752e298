"""`.qtcheck.yaml`: configuration kept in the repository, found the way clang-tidy finds `.clang-tidy`.

For each checked file, the folders from the file's own up to the root are searched and the nearest
`.qtcheck.yaml` wins (no merging with configs further up). `--config FILE` uses FILE for every file instead;
`--no-config` uses none. Paths inside a config (`rules`, `exclude`, `qt-include`, `compile-database`) are
relative to the config file's folder.

Command-line options win: `--checks` is applied after the config's `checks` (as clang-tidy appends `-checks=`
to the `.clang-tidy` Checks), `--fail-on`, `--qt-include` and `-p` replace the config's value, `--rules` adds
folders to the config's. A malformed config stops qtcheck with one line naming the file and the key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import cachesize, rules as rules_mod, selection, yamlio
from .errors import QtcheckError, short

CONFIG_NAME = ".qtcheck.yaml"
SEVERITIES = ("error", "warning", "note")
KEYS = ("checks", "severity", "fail-on", "rules", "exclude", "qt-include", "compile-database", "cache-max")


@dataclass
class Config:
    """One config file, checked and with its paths made absolute."""

    path: Path
    checks: str = ""
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    rules: list[Path] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    qt_include: str | None = None
    compile_database: str | None = None
    cache_max: int | None = None        # bytes

    @property
    def folder(self) -> Path:
        return self.path.parent

    def excludes(self, file: Path) -> bool:
        """file (or a folder it is in) matches one of the exclude globs, taken relative to the config's folder."""
        try:
            rel = file.resolve().relative_to(self.folder.resolve())
        except ValueError:
            return False
        parts = rel.parts
        candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        for glob in self.exclude:
            pattern = _path_glob(glob)
            anywhere = "/" not in glob.strip("/")
            for candidate in candidates:
                if pattern.match(candidate) or (anywhere and pattern.match(candidate.rsplit("/", 1)[-1])):
                    return True
        return False


@functools.lru_cache(maxsize=None)  # the same globs for every file a config applies to
def _path_glob(glob: str) -> re.Pattern:
    """A path glob: `**` any folders (none too), `*` and `?` within one name, `[...]` a character class."""
    glob = glob.strip().strip("/")
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and "]" in glob[i + 1:]:
            end = glob.index("]", i + 1)
            body = glob[i + 1:end]
            out.append("[" + ("^" + re.escape(body[1:]) if body.startswith("!") else re.escape(body)) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _fail(path: Path, key: str, why: str) -> QtcheckError:
    return QtcheckError(f"{path}: key '{key}': {why}")


def _type_name(value) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a mapping", type(None): "empty"}.get(type(value), type(value).__name__)


def _string(path: Path, key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"expected a non-empty string, got {_type_name(value)}")
    if "\0" in value:
        raise _fail(path, key, "holds a NUL character")
    return value


def _strings(path: Path, key: str, value) -> list[str]:
    """A list of strings (a single string counts as a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(path, key, f"expected a list of strings, got {_type_name(value)}")
    return [_string(path, f"{key}[{i}]", item) for i, item in enumerate(value)]


def _comma_text(path: Path, key: str, value) -> str:
    """checks / fail-on: a comma-separated string, or a YAML list of items."""
    if isinstance(value, list):
        return ",".join(_strings(path, key, value))
    if not isinstance(value, str):
        raise _fail(path, key, f"expected a string like 'a,b' or a list, got {_type_name(value)}")
    return value


def _parsed(path: Path, key: str, value, parse) -> str:
    """checks / fail-on as text, refused here (naming the key) when parse finds it wrong."""
    text = _comma_text(path, key, value)
    try:
        parse(text)
    except ValueError as exc:
        raise _fail(path, key, str(exc)) from None
    return text


def load(path: Path) -> Config:
    """Read and check one config file; paths in it become absolute."""
    data = yamlio.load_file(path, "config file")
    if data is None:  # an empty file: no settings
        data = {}
    if not isinstance(data, dict):
        raise QtcheckError(f"{path}: a config file must hold a mapping of keys ({', '.join(KEYS)}), "
                           f"not {_type_name(data)}")
    for key in data:
        if key not in KEYS:
            near = selection.suggest(str(key), list(KEYS)).replace("qtcheck --list-rules shows them all",
                                                                    f"known: {', '.join(KEYS)}")
            raise QtcheckError(f"{path}: unknown key '{short(str(key), 60)}'{near}")
    folder = path.parent
    config = Config(path=path)
    if "checks" in data:
        config.checks = _parsed(path, "checks", data["checks"], selection.parse_checks)
    if "severity" in data:
        value = data["severity"]
        if not isinstance(value, dict):
            raise _fail(path, "severity", f"expected a mapping of rule id to {'/'.join(SEVERITIES)}, "
                                          f"got {_type_name(value)}")
        for rule, level in value.items():
            if not isinstance(rule, str):
                raise _fail(path, "severity", f"a rule id must be a string, got {_type_name(rule)}")
            if level not in SEVERITIES:
                raise _fail(path, f"severity.{short(rule, 60)}",
                            f"'{short(str(level), 40)}' is not a severity (choose from {', '.join(SEVERITIES)})")
        config.severity = dict(value)
    if "fail-on" in data:
        config.fail_on = _parsed(path, "fail-on", data["fail-on"], selection.parse_fail_on)
    if "rules" in data:
        config.rules = [folder / p for p in _strings(path, "rules", data["rules"])]
        for i, rules_dir in enumerate(config.rules):
            if not rules_dir.is_dir():
                raise _fail(path, f"rules[{i}]", f"folder {rules_dir} not found")
    if "exclude" in data:
        config.exclude = _strings(path, "exclude", data["exclude"])
    if "qt-include" in data:
        config.qt_include = str(folder / _string(path, "qt-include", data["qt-include"]))
        if not Path(config.qt_include).is_dir():
            raise _fail(path, "qt-include", f"folder {config.qt_include} not found")
    if "compile-database" in data:
        config.compile_database = str(folder / _string(path, "compile-database", data["compile-database"]))
        if not any((Path(config.compile_database) / name).exists() for name in ("compile_commands.json",
                                                                                "compile_flags.txt")):
            raise _fail(path, "compile-database", f"no compile_commands.json (nor compile_flags.txt) in "
                                                  f"{config.compile_database} (give the build folder, as to -p)")
    if "cache-max" in data:
        try:
            config.cache_max = cachesize.parse_size(data["cache-max"])
        except ValueError as exc:
            raise _fail(path, "cache-max", str(exc)) from None
    return config


class Finder:
    """The config of each file: `--config FILE`, none (`--no-config`), or the nearest `.qtcheck.yaml` up its
    folders. Each config file is read once."""

    def __init__(self, explicit: str | None = None, disabled: bool = False):
        self.disabled = disabled
        self.loaded: dict[Path, Config] = {}
        self.nearest: dict[Path, Path | None] = {}
        self.explicit = None
        if explicit is not None and not disabled:
            path = Path(explicit)
            if not path.exists():
                raise QtcheckError(f"--config {explicit}: no such file")
            self.explicit = self._load(path)

    def _load(self, path: Path) -> Config:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = load(path)
        return self.loaded[key]

    def for_folder(self, folder: Path) -> Config | None:
        if self.disabled:
            return None
        if self.explicit is not None:
            return self.explicit
        folder = folder.resolve()
        walked = []
        found: Path | None = None
        for candidate in (folder, *folder.parents):
            if candidate in self.nearest:
                found = self.nearest[candidate]
                break
            walked.append(candidate)
            here = candidate / CONFIG_NAME
            if here.exists() and not here.is_dir():  # a FIFO or device by that name is refused when read
                found = here
                break
        for candidate in walked:
            self.nearest[candidate] = found
        return self._load(found) if found else None

    def for_file(self, file: Path) -> Config | None:
        return self.for_folder(file.parent if str(file.parent) else Path("."))

    def configs(self) -> list[Config]:
        return list(self.loaded.values())

    def cache_max(self, given: int | None) -> int:
        """The cache's size bound for the run: --cache-max, else the smallest `cache-max` of the configs that
        apply (each is a limit its repository asks for), else the default."""
        if given is not None:
            return given
        return min((c.cache_max for c in self.configs() if c.cache_max is not None), default=cachesize.DEFAULT_MAX)


@dataclass(frozen=True)
class Settings:
    """What applies to one file: its config (if any) merged with the command line."""

    config: Path | None
    selected: frozenset[str]            # rules whose findings are reported
    severity: dict                      # rule id -> severity, where the config overrides the rule's
    fail_on: selection.FailOn
    qt_include: str | None
    build_dir: str | None


def _rule_dirs_of(config: Config | None) -> set[Path]:
    return {d.resolve() for d in config.rules} if config else set()


def resolve(config: Config | None, args, rules: list, cli_rule_dirs: list[str]) -> Settings:
    """The settings of the files that config (None: no config) applies to. Rules from another config's `rules`
    folders run too (claims may name them) but report no finding here."""
    own_dirs = _rule_dirs_of(config) | {Path(d).resolve() for d in cli_rule_dirs}
    available = [r for r in rules if r.builtin or r.source.parent.resolve() in own_dirs]
    ids = sorted(r.id for r in available)
    defaults = rules_mod.default_selection(available)
    items: list[tuple[bool, str]] = []
    if config and config.checks:
        config_items = selection.parse_checks(config.checks)  # checked when loaded
        try:
            selection.check_names(config_items, ids)
        except ValueError as exc:
            raise _fail(config.path, "checks", str(exc)) from None
        items += config_items
    if args.checks:
        try:
            cli_items = selection.parse_checks(args.checks)
            selection.check_names(cli_items, ids)
        except ValueError as exc:
            raise QtcheckError(f"--checks: {exc}") from None
        items += cli_items
    if getattr(args, "report_unused_suppressions", False):
        items.append((True, "unused-suppression"))
    severity = {}
    if config:
        for rule_id, level in config.severity.items():
            if rule_id not in ids:
                raise _fail(config.path, f"severity.{short(rule_id, 60)}",
                            f"no rule '{short(rule_id, 60)}'{selection.suggest(rule_id, ids)}")
            severity[rule_id] = level
    fail_text = args.fail_on if args.fail_on is not None else (config.fail_on if config else None) or ""
    try:
        fail_on = selection.parse_fail_on(fail_text)
    except ValueError as exc:
        raise QtcheckError(f"--fail-on: {exc}" if args.fail_on is not None
                           else f"{config.path}: key 'fail-on': {exc}") from None
    return Settings(
        config=config.path if config else None,
        selected=frozenset(selection.select(defaults, ids, items)),
        severity=severity,
        fail_on=fail_on,
        qt_include=args.qt_include or (config.qt_include if config else None),
        build_dir=args.build_dir or (config.compile_database if config else None),
    )
