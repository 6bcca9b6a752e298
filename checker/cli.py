"""Command line: qtcheck FILE... [--claims PATH] [--format F --output O]... [--fail-on ...] [--checks GLOBS];
qtcheck --list-rules; qtcheck --explain RULE."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from . import __version__, facts as facts_mod, frontend, report as report_mod, rules as rules_mod, verdicts
from .claims import load_claims
from . import pr_comments
from .review_input import DEFAULT_MAX_REVIEW_BYTES
from . import robustness, selection
from . import cachesize, compdb, factcache, files, isolate, outputs as outputs_mod, parallel, preamble
from . import baseline as baseline_mod, config as config_mod, ruledocs, suppressions
from . import facts_unparsed
from .claims import load_claims_file
from .errors import QtcheckError, short
from .reports import COLOR_MODES, RENDERERS

CPP_SUFFIXES = {".cpp", ".cc", ".cxx", ".c++", ".cp", ".h", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl", ".tpp"}
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_MESSAGE = 1000  # characters of a refusal on stderr


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print usage too)
        raise QtcheckError(f"{message} (see qtcheck --help)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="qtcheck", description="Check Qt C++ and verify what code reviews claim about it.",
                epilog="Also: qtcheck merge REPORT... (join --shard reports); qtcheck --daemon start|stop|status|run "
                       "(a long-lived checker that --use-daemon commands use).")
    p.add_argument("files", nargs="*", metavar="FILE", help="C++ source files or folders")
    p.add_argument("--claims", action="append", default=[], metavar="PATH",
                   help="claims YAML file or folder of them (repeatable)")
    p.add_argument("--review", action="append", default=[], metavar="REVIEW",
                   help="a review as text or Markdown; its claims are read from the prose (repeatable; - is stdin)")
    p.add_argument("--github-repo", metavar="OWNER/REPO",
                   help="review comments (--review with GitHub's JSON): the repository the summary's links point to "
                        "(default: from the comments' links, else GITHUB_REPOSITORY)")
    p.add_argument("--head-sha", metavar="SHA",
                   help="review comments: the pull request's head commit, which the summary's evidence links show "
                        "(default: the Actions event's pull_request.head.sha, else the commit the comments are on)")
    p.add_argument("--max-review-bytes", type=int, default=DEFAULT_MAX_REVIEW_BYTES, metavar="N",
                   help="refuse review files larger than this (default 1 MiB)")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rules folder (repeatable)")
    p.add_argument("--format", action="append", default=[], metavar="FORMAT",
                   help=f"output format: {', '.join(RENDERERS)} (repeatable, pairs with --output)")
    p.add_argument("--output", action="append", default=[], metavar="FILE",
                   help="write the report here instead of stdout (pairs with --format)")
    p.add_argument("--fail-on", default=None, metavar="KINDS",
                   help="exit 1 when any of these occur: finding (any severity), finding:warning (warning or "
                        "error), finding:error, confirmed, refuted, partly, unverifiable, parse-error (clang could not parse "
                        "a file or a header it includes)")
    p.add_argument("--checks", default=None, metavar="GLOBS",
                   help="rules that report findings, clang-tidy style: '-*,unchecked-result,unowned-*' (applied "
                        "left to right to the default set, after the config's checks)")
    p.add_argument("--baseline", metavar="REPORT",
                   help="report only findings not in this earlier qtcheck report (--format json or sarif), matched "
                        "by rule, file and the text of the line and its neighbours, so moved lines still match")
    p.add_argument("--diff-base", metavar="GIT_REF",
                   help="report only findings on lines changed since this git ref (git diff REF -- FILE); a file git "
                        "does not track counts as changed throughout")
    p.add_argument("--color", choices=COLOR_MODES, default="auto",
                   help="colours in the text report: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces "
                        "them), always, never")
    p.add_argument("--report-unused-suppressions", action="store_true",
                   help="report a NOLINT comment that suppresses no finding (rule unused-suppression)")
    p.add_argument("--config", metavar="FILE",
                   help="use this config for every file instead of the nearest .qtcheck.yaml")
    p.add_argument("--no-config", action="store_true", help="use no .qtcheck.yaml")
    p.add_argument("--list-rules", action="store_true",
                   help="list the rules: id, severity, on/off (claims: claims only), title; also --format json")
    p.add_argument("--explain", metavar="RULE", help="print what a rule finds, why, an example and the fix")
    p.add_argument("-p", dest="build_dir", metavar="BUILD_DIR",
                   help="folder holding compile_commands.json (default: the config's compile-database, else one "
                        "found in the file's folders or their build/ subfolders, as clangd finds it)")
    p.add_argument("--qt-include", metavar="DIR", help="Qt 6 include folder (default: found by qmake6/pkg-config)")
    p.add_argument("--no-qt", action="store_true",
                   help="parse without Qt headers (degraded: claims needing Qt semantics are unverifiable)")
    p.add_argument("--resource-dir", metavar="DIR", help="clang builtin headers of libclang's major version")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse source files larger than this")
    p.add_argument("--parse-timeout", type=float, default=isolate.DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="abandon a file whose parse takes longer than this (default 120; 0: no limit)")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="keep precompiled Qt preambles here (default: $XDG_CACHE_HOME/qtcheck or ~/.cache/qtcheck)")
    p.add_argument("--no-cache", action="store_true", help="parse without the preamble cache and write nothing to it")
    p.add_argument("--shard", metavar="K/N",
                   help="check only the K-th of N parts of the files, chosen by a hash of each file's path (CI runners "
                        "in parallel); join the parts' --format json reports with `qtcheck merge`")
    p.add_argument("--cache-max", metavar="SIZE",
                   help=f"keep the cache under this size, least recently used entries removed first: 500M, 2G ... "
                        f"(default: the config's cache-max, else {cachesize.DEFAULT_TEXT})")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="check N files at once, one process each (default: the number of CPUs)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="text report: show how each claim was read (its parts, what each says of the code and from "
                        "which words, the names and where the file has them, the rules asked)")
    p.add_argument("--use-daemon", action="store_true",
                   help="let a running `qtcheck --daemon` do the check (same output); without one, check here. "
                        "QTCHECK_DAEMON=1 does the same for every command")
    p.add_argument("--version", action="version", version=f"qtcheck {__version__}")
    return p


def read_source(path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise QtcheckError(f"{path}: no such file")
    if path.suffix.lower() not in CPP_SUFFIXES:
        raise QtcheckError(f"{path}: not a C++ file (expected one of {', '.join(sorted(CPP_SUFFIXES))})")
    try:  # read-only, never written; a FIFO or a device (/dev/zero) is refused, never waited on
        data = files.read_bounded(path, max_bytes)
    except files.NotRegular as exc:
        raise QtcheckError(f"{path}: {exc}") from None
    except OSError as exc:
        raise QtcheckError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        size = max(os.stat(path).st_size, len(data))
        raise QtcheckError(f"{path}: {size} bytes is over the limit of {max_bytes} (--max-bytes)")
    if b"\0" in data:
        raise QtcheckError(f"{path}: binary file, not C++ source")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QtcheckError(f"{path}: not UTF-8 (byte {exc.start})") from None


def expand(paths: list[str], unreadable: list[tuple[str, str]] | None = None,
           database_for=None, notices: list[str] | None = None) -> list[Path]:
    """The files named and the C++ files under the folders named; a folder that cannot be listed is added to
    unreadable as (folder, why): its files are not checked, and the report says so.

    database_for(folder) gives the compile database that applies to a folder (-p, the config's, or one found
    as clangd finds it), or None: with one, a folder yields the database's own files under it (as run-clang-tidy
    checks them), never CMake's files or generated code; without one, or when it lists none there, the folder
    is searched, leaving out CMakeFiles/, *_autogen/, build folders (a CMakeCache.txt) and moc/rcc/uic output."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            database = database_for(path) if database_for else None
            if database is not None and database.fixed is None:  # a compile_flags.txt lists no files: search
                listed, missing = compdb.files_under(database, path, CPP_SUFFIXES)
                if missing and notices is not None:
                    notices.append(f"{len(missing)} file(s) under {path} listed in {compdb.shown(database.path)} are "
                                   f"no longer there (first: {compdb.shown(missing[0])}): not checked")
                if listed:
                    out += listed
                    continue
                if notices is not None:
                    notices.append(f"{compdb.shown(database.path)} lists no C++ file under {path}: checked the C++ "
                                   f"files found in it instead")
            found: list[Path] = []

            def skipped(error: OSError) -> None:
                if unreadable is not None:
                    unreadable.append((str(error.filename), error.strerror or str(error)))

            for folder, dirs, names in os.walk(path, onerror=skipped):  # symlinked folders not followed, as rglob
                dirs[:] = [d for d in dirs if not compdb.GENERATED_DIR_RE.match(d)
                           and not os.path.isfile(os.path.join(folder, d, "CMakeCache.txt"))]
                found += [p for p in (Path(folder) / n for n in names)
                          if p.suffix.lower() in CPP_SUFFIXES and not compdb.GENERATED_NAME_RE.match(p.name)
                          and p.is_file()]
            out += sorted(found)
        else:
            out.append(path)
    return out


def _database_for_folder(folder: Path, args, finder):
    """The compile database that applies to a folder argument: -p, the folder's config's compile-database,
    or one found as for a file in it (unless --qt-include or --no-qt say to use qtcheck's own flags)."""
    if args.build_dir:
        return compdb.load(args.build_dir)
    config = finder.for_folder(folder)
    if config is not None and config.compile_database:
        return compdb.load(config.compile_database, "compile-database")
    if args.qt_include or (config is not None and config.qt_include) or args.no_qt:
        return None
    found = compdb.find_for(folder / "x")
    if found is None:
        return None
    try:
        return compdb.load(found)
    except QtcheckError:
        return None  # named in a notice when its files are checked


def _found_databases(files: list[Path], settings: dict, args, notices: list[str]) -> None:
    """Without -p (or a config's compile-database, --qt-include, --no-qt): each file's database as clangd finds
    it, in the file's folder or one above: compile_commands.json, build/compile_commands.json, compile_flags.txt.
    The report says which was used; one that cannot be used is named in a notice and the file gets qtcheck's own
    flags, as clang-tidy runs without flags when the database it found cannot be loaded."""
    import dataclasses

    for path in files:
        chosen = settings[str(path)]
        if chosen.build_dir or chosen.qt_include or args.no_qt:
            continue
        folder = compdb.find_for(path)
        if folder is None:
            continue
        folder = Path(compdb.shown(folder))  # as notices and refusals name it: relative when under the current folder
        try:
            database = compdb.load(folder)
            if not database.entries and database.fixed is None:
                raise QtcheckError(f"{folder / compdb.DB_NAME}: no entry in it")
        except QtcheckError as exc:
            notice = f"{exc}: not used; parsed with qtcheck's own flags"
            if notice not in notices:
                notices.append(notice)
            continue
        if database.fixed is not None:
            notice = (f"compile arguments from {compdb.shown(database.path)} (one flag a line, for every file under "
                      f"its folder), found by looking in the checked files' folders and the folders above (no -p given)")
        else:
            notice = (f"compile arguments from {compdb.shown(database.path)}, found by looking in the checked files' "
                      f"folders and their build/ subfolders (no -p given)")
        if notice not in notices:
            notices.append(notice)
        settings[str(path)] = dataclasses.replace(chosen, build_dir=str(folder))


def _database_inputs(files: list[Path], settings: dict) -> list[Path]:
    """The compile databases (compile_commands.json, compile_flags.txt) and the response files the run reads for
    files: inputs that no --output may overwrite. Computed before any work, so a response file that cannot be
    read is refused here too."""
    out: list[Path] = []
    seen: set[str] = set()
    for path in files:
        build_dir = settings[str(path)].build_dir
        if not build_dir:
            continue
        database = compdb.load(build_dir)
        target = path.resolve() if path.is_absolute() or str(path).startswith("-") else path
        names = [str(database.path)] + list(compdb.command_for(database, target).responses)
        for name in names:
            if name not in seen:
                seen.add(name)
                out.append(Path(name))
    return out


def _parse_and_collect(target: Path, text: str, options: frontend.Options):
    """The facts and the parse's notices (a full cache folder)."""
    parsed = frontend.parse(target, text, options)
    return facts_mod.collect(parsed), parsed.notices


def check_file(path: Path, args, rules: list, claims: list, chosen: config_mod.Settings) -> dict:
    """One file: its facts, every rule's sites, the claims' verdicts, and the findings its settings select, less
    those a NOLINT comment suppresses."""
    text = read_source(path, args.max_bytes)
    if any(c.pin for c in claims):  # a pull request comment's claims are about its own file only
        here = str(path.resolve())
        claims = [c for c in claims if not c.pin or c.pin["path"] == here]
    options = frontend.Options(qt_include=chosen.qt_include, build_dir=chosen.build_dir,
                               resource_dir=args.resource_dir, no_qt=args.no_qt,
                               cache_dir=None if args.no_cache else str(args.cache_dir))
    # a relative name starting with '-' would read as an option to clang: give it as an absolute path
    target = path.resolve() if path.is_absolute() or str(path).startswith("-") else path
    facts, entry, notices = None, None, []
    command = frontend.compile_command(target, options)
    if command is not None and command.inferred:  # a header, a file the build does not compile: say whose flags
        notices.append(command.notice(path))
    if command is not None and command.msvc:
        notices.append(command.msvc_notice())
    compile_args = frontend.compile_args(target, text, options)[0]
    frontend.check_includes(target, text, compile_args, args.max_bytes)  # no #include of a FIFO or a device
    if options.cache_dir:
        entry = factcache.key(target, text, compile_args)
        facts = factcache.load(Path(options.cache_dir), entry)
    if facts is None:  # in a child process that is abandoned after --parse-timeout seconds
        facts, parse_notices = isolate.run(_parse_and_collect, (target, text, options), args.parse_timeout or None,
                                           str(path))
        notices += parse_notices
        if entry:
            notice = factcache.store(Path(options.cache_dir), entry, facts)
            if notice and notice not in notices:
                notices.append(notice)
    sites = rules_mod.run(facts, rules)
    outcome = suppressions.apply(text, rules_mod.findings(sites, rules, set(chosen.selected)), set(chosen.selected),
                                 [r.id for r in rules], facts_unparsed.quiet_lines(facts, sites))
    if suppressions.RULE_ID not in chosen.selected:  # otherwise they are unused-suppression findings
        notices += [f"{path}:{d.line}: {d.text} has no matching "
                    f"{'NOLINTEND' if d.kind == 'NOLINTBEGIN' else 'NOLINTBEGIN'}: it suppresses nothing"
                    for d in outcome.unmatched]
    return {"facts": facts, "sites": sites,
            "findings": sorted(outcome.kept + outcome.unused, key=lambda s: (s.line, s.col, s.rule)),
            "suppressed": [(site, d.text, d.line) for site, d in outcome.suppressed],
            "severity": dict(chosen.severity),
            "verdicts": verdicts.judge_all(facts, rules, sites, claims), "notices": notices}


def _claims_and_their_files(locations: list[str], rules: list, cache_dir: Path | None = None
                            ) -> tuple[list, dict[str, tuple[str, str]]]:
    """The claims of every --claims location, and for each review they name the YAML file and its text (claims
    without evidence are placed at their quote in it)."""
    claims, where = [], {}
    for location in locations:
        path = Path(location)
        listed = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        if not listed or not all(f.is_file() for f in listed):
            claims += load_claims(location, rules, cache_dir)  # it refuses what is wrong with the location, in its words
            continue
        for file in listed:
            loaded = load_claims_file(file, rules, cache_dir)
            for review in dict.fromkeys(c.review for c in loaded):
                if review not in where:
                    try:
                        where[review] = (str(file), file.read_text(encoding="utf-8", errors="replace"))
                    except OSError:  # gone since it was loaded: its claims without evidence stay on the C++ file
                        pass
            claims += loaded
    return claims, where


def _hide_known(results: list[dict], known, changed) -> tuple[int | None, int | None]:
    """Drop the findings --baseline holds and those on lines --diff-base did not change; how many each hid (None:
    not asked for)."""
    if known is None and changed is None:
        return None, None
    by_baseline, by_diff = baseline_mod.apply(results, known, changed)
    return (by_baseline if known is not None else None), (by_diff if changed is not None else None)


def hidden_notices(by_baseline: int | None, by_diff: int | None, baseline: str | None,
                   diff_base: str | None) -> list[str]:
    """One sentence for each of --baseline and --diff-base saying how many findings it hid."""
    out = []
    if by_baseline is not None:
        out.append(f"{by_baseline} finding(s) hidden: already in the baseline {baseline}")
    if by_diff is not None:
        out.append(f"{by_diff} finding(s) hidden: on lines not changed since {diff_base}")
    return out


def outputs(args) -> list[tuple[str, str | None]]:
    formats = args.format or ["text"]
    for fmt in formats:
        if fmt not in RENDERERS:
            raise QtcheckError(f"unknown format '{fmt}' (choose from {', '.join(RENDERERS)})")
    if len(args.output) > len(formats):
        raise QtcheckError("more --output than --format options: give one --format per --output")
    pairs: list[tuple[str, str | None]] = []
    for i, fmt in enumerate(formats):
        pairs.append((fmt, args.output[i] if i < len(args.output) else None))
    if sum(1 for _, o in pairs if o is None) > 1:
        raise QtcheckError("several formats would all go to stdout: give each but one an --output")
    return pairs


def exit_status(results: list[dict], settings: list, rules: list) -> int:
    """1 when a file's findings or claim verdicts meet the --fail-on of its settings (suppressed findings never
    do), else 0."""
    by_id = {r.id: r for r in rules}
    for result, chosen in zip(results, settings):
        severity = result.get("severity", {})
        if any(chosen.fail_on.finding_fails(severity.get(s.rule, by_id[s.rule].severity)) for s in result["findings"]):
            return 1
        if {v.verdict for v in result["verdicts"]} & chosen.fail_on.verdicts:
            return 1
        if chosen.fail_on.parse_errors and result["facts"].parse_errors():
            return 1
    return 0


def _single_output(args, what: str) -> tuple[str, str | None]:
    if len(args.format) > 1 or len(args.output) > 1:
        raise QtcheckError(f"{what} writes one format: give at most one --format and one --output")
    return (args.format or ["text"])[0], (args.output or [None])[0]


def rules_command(args) -> int:
    """--list-rules / --explain: the config of the current folder (or --config) and --checks apply."""
    if args.files:
        raise QtcheckError(f"{'--list-rules' if args.list_rules else '--explain'} takes no FILE "
                           f"(got {args.files[0]})")
    if args.list_rules and args.explain:
        raise QtcheckError("give --list-rules or --explain RULE, not both")
    finder = config_mod.Finder(args.config, args.no_config)
    config = finder.for_folder(Path.cwd())
    rules = rules_mod.load_rules(args.rules + [str(d) for d in (config.rules if config else [])])
    chosen = config_mod.resolve(config, args, rules, args.rules)
    fmt, target = _single_output(args, "--list-rules" if args.list_rules else "--explain")
    if args.list_rules:
        text = ruledocs.list_rules(rules, fmt, set(chosen.selected), chosen.severity)
    else:
        text = ruledocs.explain(ruledocs.find_rule(rules, args.explain), fmt, set(chosen.selected), chosen.severity)
    if target is None:
        if sys.stdout is None:
            raise QtcheckError("standard output is closed: give --output FILE")
        sys.stdout.write(text)
    else:
        outputs_mod.check_targets([target], [r.source for r in rules] + [c.path for c in finder.configs()])
        outputs_mod.write_all([(target, text)])
    return 0


def _glued(argv: list[str]) -> list[str]:
    """`--checks -*,x` as `--checks=-*,x`: a clang-tidy glob list often starts with '-', which argparse would
    take for an option."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] == "--":
            return out + argv[i:]
        if argv[i] == "--checks" and i + 1 < len(argv) and argv[i + 1].startswith("-") and argv[i + 1] != "--":
            out.append(f"--checks={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def _comment_sets(texts: list[tuple[str, str]], args, finder) -> list:
    """The review comments of each GitHub JSON --review, placed on the files of the checkout: paths are relative to
    the source root (the top of the git work tree of the current folder, else the current folder)."""
    if not texts:
        return []
    root = baseline_mod.source_root()

    def excluded(path: Path) -> str:
        config = finder.for_file(path)
        return f"{path.relative_to(root)} is excluded by {config.path}" if config and config.excludes(path) else ""

    return [pr_comments.load(text, name, root, lambda p: read_source(p, args.max_bytes),
                             lambda p: p.suffix.lower() in CPP_SUFFIXES and p.is_file(), excluded)
            for name, text in texts]


def _commented_files(comment_sets: list, found: list[Path]) -> list[Path]:
    """The files the checked comments are on that the files named do not already hold, in the comments' order."""
    have = {str(p.resolve()) for p in found}
    out = []
    for comment_set in comment_sets:
        for comment in comment_set.comments:
            if comment.resolved and comment.resolved not in have:
                have.add(comment.resolved)
                out.append(Path(comment.file))
    return out


def run(argv: list[str]) -> int:
    if argv[:1] == ["--daemon"]:  # `python -m qtcheck.cli --daemon ...` as the qtcheck command does
        from . import daemon

        return daemon.command(argv[1:])
    if argv[:1] == ["merge"]:  # a folder named merge: ./merge
        from . import shards

        return shards.command(argv[1:])
    try:
        args = build_parser().parse_args(_glued(argv))
    except QtcheckError as exc:
        dashed = [a for a in argv if a.startswith("-") and Path(a).suffix.lower() in CPP_SUFFIXES and Path(a).exists()]
        if dashed:  # `qtcheck -x.cpp`: the name reads as an option
            raise QtcheckError(f"{dashed[0]}: a file name starting with '-' reads as an option; write ./{dashed[0]} "
                               f"or put -- before it") from None
        raise
    if args.list_rules or args.explain is not None:
        return rules_command(args)
    if args.github_repo is not None:
        pr_comments.check_repository(args.github_repo)
    if args.head_sha is not None:
        args.head_sha = pr_comments.check_sha(args.head_sha)
    if args.review or args.max_review_bytes <= 0:  # the prose reader only for a review (and to refuse a bad limit)
        from .prose import read_reviews

        reviews = read_reviews(args.review, args.max_review_bytes)
    else:
        reviews = []
    comment_texts = [(name, text) for _, name, text in reviews if pr_comments.looks_like_comments(text)]
    if not args.files and not comment_texts:
        raise QtcheckError("no FILE given: name the C++ files or folders to check, or give GitHub review comments "
                           "with --review (or --list-rules, --explain RULE; see qtcheck --help)")
    if "pr-comment" in (args.format or []) and not comment_texts:
        raise QtcheckError("--format pr-comment summarizes a pull request's review comments: give their JSON with "
                           "--review (gh api repos/OWNER/REPO/pulls/N/comments > comments.json)")
    if sys.stdout is None and any(target is None for _, target in outputs(args)):
        raise QtcheckError("standard output is closed: give --output FILE for the report")
    if args.fail_on is not None:
        try:
            selection.parse_fail_on(args.fail_on)
        except ValueError as exc:
            raise QtcheckError(f"--fail-on: {exc}") from None
    pairs = outputs(args)
    shard = None
    if args.shard is not None:
        from . import shards

        shard = shards.parse(args.shard)
    try:
        cache_max = cachesize.parse_size(args.cache_max) if args.cache_max is not None else None
    except ValueError as exc:
        raise QtcheckError(f"--cache-max: {exc}") from None
    unreadable: list[tuple[str, str]] = []
    compdb.reset()
    finder = config_mod.Finder(args.config, args.no_config)
    db_notices: list[str] = []
    found = expand(args.files, unreadable, lambda folder: _database_for_folder(folder, args, finder), db_notices)
    comment_sets = _comment_sets(comment_texts, args, finder)
    found += _commented_files(comment_sets, found)
    configs = {path: finder.for_file(path) for path in found}
    files = [path for path in found if not (configs[path] and configs[path].excludes(path))]
    excluded = len(found) - len(files)
    rule_dirs = args.rules + [str(d) for c in finder.configs() for d in c.rules]
    if not args.no_cache:
        args.cache_dir = Path(args.cache_dir) if args.cache_dir else preamble.default_cache_dir()
    rules = rules_mod.load_rules(rule_dirs, None if args.no_cache else args.cache_dir)
    by_config: dict[int, config_mod.Settings] = {}
    settings: dict[str, config_mod.Settings] = {}
    for path in files:
        cfg = configs[path]
        if id(cfg) not in by_config:
            by_config[id(cfg)] = config_mod.resolve(cfg, args, rules, args.rules)
        settings[str(path)] = by_config[id(cfg)]
    if args.checks and not files:  # a bad --checks is refused even when every file is excluded
        config_mod.resolve(None, args, rules, args.rules)
    _found_databases(files, settings, args, db_notices)
    build_dirs = sorted({s.build_dir for s in settings.values() if s.build_dir})
    outputs_mod.check_targets([o for _, o in pairs if o is not None],
                              outputs_mod.input_paths(files, args.review, args.claims, args.rules
                                                      + [str(d) for c in finder.configs() for d in c.rules], None)
                              + [Path(d) / "compile_commands.json" for d in build_dirs]
                              + _database_inputs(files, settings)
                              + ([Path(args.baseline)] if args.baseline is not None else [])
                              + [c.path for c in finder.configs()])
    claims, review_files = _claims_and_their_files(args.claims, rules, None if args.no_cache else args.cache_dir)
    if reviews:  # the prose reader (50 ms of imports) only for a review
        from .prose import claims_from_texts

        review_claims, notices = claims_from_texts([(name, text) for _, name, text in reviews
                                                    if not pr_comments.looks_like_comments(text)], rules)
    else:
        review_claims, notices = [], []
    notices = db_notices + notices
    claims += review_claims
    for comment_set in comment_sets:
        claims += pr_comments.claims_of(comment_set, rules)
        if not comment_set.comments:
            notices.append(f"{comment_set.review}: no review comments in it: nothing to check")
    for location, name, text in reviews:  # to place claims without evidence at their line of the review
        if location != "-" and not pr_comments.looks_like_comments(text):
            review_files[name] = (location, text)
    all_files = files
    if shard is not None:  # every shard works out the same list of files, then checks its part of it
        checked = shards.select(all_files, *shard)
        files = [all_files[i] for i in checked]
    known = baseline_mod.load(args.baseline) if args.baseline is not None else None
    changed = baseline_mod.changed_lines(files, args.diff_base) if args.diff_base is not None else None
    if not all_files and excluded:  # every file is excluded: nothing to check is no error (a pre-commit run)
        notices.append(f"all {excluded} C++ file(s) given are excluded by the exclude globs of their "
                       f".qtcheck.yaml: nothing to check")
    elif not all_files and not comment_sets:
        more = f" and {len(unreadable) - 1} more folder(s)" if len(unreadable) > 1 else ""
        why = f" (could not read {unreadable[0][0]}: {unreadable[0][1]}{more})" if unreadable else ""
        raise QtcheckError(f"no C++ files in {', '.join(args.files)}{why}")
    if args.parse_timeout < 0 or args.parse_timeout != args.parse_timeout:
        raise QtcheckError(f"--parse-timeout {args.parse_timeout:g}: give a number of seconds (0: no limit)")
    jobs = parallel.default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise QtcheckError(f"-j {jobs}: the number of jobs must be at least 1")
    results = parallel.check_all(check_file, files, jobs, args, rules, claims,
                                 per_file=[settings[str(p)] for p in files])
    run_notices = [f"{folder}: folder not read ({why}); the C++ files in it were not checked"
                   for folder, why in unreadable] + notices
    counts = _hide_known(results, known, changed)
    hidden = hidden_notices(*counts, args.baseline, args.diff_base)
    if not args.no_cache:
        cachesize.prune(args.cache_dir, finder.cache_max(cache_max))
    for line in hidden:  # also when every report goes to a file: the person running it learns what was left out
        print(f"qtcheck: {line}", file=sys.stderr)
    mine = []
    if shard is not None:
        mine = [f"shard {shard[0]}/{shard[1]}: checked {len(files)} of the {len(all_files)} file(s); join the "
                f"shards' --format json reports with qtcheck merge"]
    pull = None
    if comment_sets:
        pull = {"sets": comment_sets, **pr_comments.link_target(comment_sets, args.github_repo, args.head_sha)}
    report = report_mod.build(results, rules, robustness.notices(results) + run_notices + mine + hidden, review_files,
                              pull)
    status = exit_status(results, [settings[str(p)] for p in files], rules)
    if shard is not None:
        report["shard"] = shards.record(*shard, all_files, checked, results, run_notices, counts, status, args,
                                        rule_dirs, rules)
    render_all(report, rules, pairs, args)
    return status


def render_all(report: dict, rules: list, pairs: list[tuple[str, str | None]], args) -> None:
    """Render every --format, then write the files (all or none), then stdout."""
    on_tty = sys.stdout is not None and sys.stdout.isatty()
    if on_tty:
        from .reports.text import terminal_width
    width = terminal_width(sys.stdout) if on_tty else None
    rendered = [(target, RENDERERS[fmt](report, rules=rules, to_terminal=target is None and on_tty,
                                        verbose=args.verbose,
                                        color=args.color if target is None or args.color == "always" else "never",
                                        width=width if target is None else None))
                for fmt, target in pairs]
    outputs_mod.write_all([(t, text) for t, text in rendered if t is not None])  # files only once all rendered
    for target, text in rendered:
        if target is None:
            sys.stdout.write(text)


class _CollectRarely:
    """A check builds hundreds of thousands of objects that live to its end (facts, sites, the report) and few
    reference cycles; with the collector's defaults (a pass per 700 new objects, a full pass whenever the heap
    has grown by a quarter) walking them took about a tenth of a check of 20k lines. While a run lasts, what is
    loaded is frozen (never walked again) and a pass comes every 100,000 new objects; then the defaults return."""

    def __enter__(self):
        self.threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(100_000, 50, 100)

    def __exit__(self, *_exc):
        gc.set_threshold(*self.threshold)
        gc.unfreeze()


def main(argv: list[str] | None = None) -> int:
    try:
        with _CollectRarely():
            status = run(sys.argv[1:] if argv is None else argv)
        if sys.stdout is not None:
            sys.stdout.flush()
        return status
    except BrokenPipeError:  # `qtcheck ... | head`: the reader is gone; end quietly, as Unix tools do
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, AttributeError, ValueError):
            pass
        return 141  # 128 + SIGPIPE
    except QtcheckError as exc:  # one line, whatever the message holds
        print(f"qtcheck: {short(str(exc), MAX_MESSAGE)}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("qtcheck: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for the user; QTCHECK_DEBUG=1 shows it
        if os.environ.get("QTCHECK_DEBUG"):
            raise
        print(f"qtcheck: internal error: {type(exc).__name__}: {short(str(exc))} (QTCHECK_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
