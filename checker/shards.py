"""A code base split across CI runners: `--shard K/N` checks a stable part of the files, and `qtcheck merge` joins
the shards' JSON reports into the report one run over all the files would have written, in any format.

Which shard a file belongs to depends on its path alone: the SHA-256 of its path relative to the source root (the
top of the git work tree, as in SARIF and fingerprints), with / separators, taken modulo N. The split does not
depend on the order of the arguments, on the other files or on the machine, and a file named twice is checked
twice by the same shard.

A shard's JSON report is its own report (its files, findings and claims, readable alone) plus a `shard` record:
every file of the whole run in order, which of them this shard checked and what each added to the notices and
the report's lists, the run-wide notices, the counts --baseline and --diff-base hid, its exit status, the options
that shape a report and a digest of the rule files. merge checks that the shards belong together (one qtcheck
version, the same options, files and rules, each of 1..N once), puts each file's part where a single run puts it,
and renders the result with the renderers of a single run. SARIF and Markdown reports cannot be merged: they leave
out what the other formats need (the claims' parts, the rules' severities per file), so merge reads JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from . import __version__
from .errors import QtcheckError, short
from .jsonfile import read_json_report

MAX_REPORT_BYTES = 512 * 1024 * 1024
# Options that change what a run reports; the others (where reports go, -j, colours, the cache) do not.
NOT_REPORT_OPTIONS = {"shard", "format", "output", "jobs", "color", "cache_dir", "no_cache", "verbose", "list_rules",
                      "explain"}
RECORD_KEYS = {"index", "count", "files", "checked", "notices", "hidden", "status", "options", "rules"}


def parse(text: str) -> tuple[int, int]:
    """'K/N' -> (K, N), 1 <= K <= N; anything else is refused in one line."""
    match = re.fullmatch(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*", text or "")
    if not match:
        raise QtcheckError(f"--shard {short(text)}: give K/N, two whole numbers (--shard 2/4 checks the second of "
                           f"four parts of the files)")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1:
        raise QtcheckError(f"--shard {short(text)}: N, the number of shards, must be at least 1")
    if not 1 <= k <= n:
        raise QtcheckError(f"--shard {short(text)}: K must be between 1 and {n} (shards are numbered from 1)")
    return k, n


def shard_of(relative_path: str, count: int) -> int:
    """The shard (1..count) that checks the file at this path relative to the source root."""
    digest = hashlib.sha256(relative_path.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select(files: list[Path], k: int, n: int) -> list[int]:
    """The positions in files of those shard k of n checks."""
    from . import baseline

    root = baseline.source_root()
    return [i for i, path in enumerate(files) if shard_of(baseline.relative(str(path), root), n) == k]


def options(args) -> dict:
    """The options of a run that shape its report, as given (a shard's record; merge compares them)."""
    return {key: value for key, value in vars(args).items() if key not in NOT_REPORT_OPTIONS}


def _option_name(key: str) -> str:
    return {"files": "the FILE arguments", "build_dir": "-p"}.get(key, "--" + key.replace("_", "-"))


def rules_digest(rules: list) -> str:
    """The rule files' ids and contents: merge renders with rules it loads itself, so they must be the shards'."""
    h = hashlib.sha256()
    for rule in rules:
        try:
            content = Path(rule.source).read_bytes()
        except OSError:
            content = b""
        h.update(rule.id.encode() + b"\0" + hashlib.sha256(content).digest())
    return h.hexdigest()


def record(k: int, n: int, all_files: list[Path], checked: list[int], results: list[dict], run_notices: list[str],
           hidden: tuple[int | None, int | None], status: int, args, rule_dirs: list[str], rules: list) -> dict:
    """The `shard` record of a shard's JSON report (see the module's docstring). results: the checked files'
    results, in order, as the report was built from them (each adds a run of entries to each list)."""
    from . import robustness

    entries = [{"index": index, **robustness.per_file(result),
                "reviews": len({v.claim.review for v in result["verdicts"]}),
                "findings": len(result["findings"]), "suppressed": len(result.get("suppressed", []))}
               for index, result in zip(checked, results)]
    return {"index": k, "count": n, "files": [str(p) for p in all_files], "checked": entries,
            "notices": list(run_notices), "hidden": {"baseline": hidden[0], "diff": hidden[1]}, "status": status,
            "options": {**options(args), "rule_dirs": list(rule_dirs)}, "rules": rules_digest(rules)}


# --- merge --------------------------------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    from .cli import _Parser
    from .reports import COLOR_MODES, RENDERERS

    p = _Parser(prog="qtcheck merge",
                description="Join the JSON reports of `qtcheck --shard K/N --format json` runs into the report one "
                            "run over all the files would have written.")
    p.add_argument("reports", nargs="*", metavar="REPORT", help="each shard's --format json report")
    p.add_argument("--format", action="append", default=[], metavar="FORMAT",
                   help=f"output format: {', '.join(RENDERERS)} (repeatable, pairs with --output; default text)")
    p.add_argument("--output", action="append", default=[], metavar="FILE",
                   help="write the report here instead of stdout (pairs with --format)")
    p.add_argument("--color", choices=COLOR_MODES, default="auto", help="colours in the text report")
    p.add_argument("-v", "--verbose", action="store_true", help="text report: show how each claim was read")
    return p


def _load(path: str) -> dict:
    name = f"merge: {path}"
    report = read_json_report(Path(path), name, MAX_REPORT_BYTES, "give the shards' --format json reports",
                              "merge reads the shards' --format json reports (a Markdown or text report cannot be "
                              "merged)")
    if isinstance(report, dict) and "runs" in report:
        raise QtcheckError(f"{name}: a SARIF log; merge reads the shards' --format json reports (SARIF leaves out "
                           f"what the other formats need) and writes SARIF itself with --format sarif")
    tool = report.get("tool") if isinstance(report, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != "qtcheck":
        raise QtcheckError(f"{name}: not a qtcheck report (no tool.name 'qtcheck'); give the shards' --format json "
                           f"reports")
    if tool.get("version") != __version__:
        raise QtcheckError(f"{name}: written by qtcheck {short(str(tool.get('version')))}, this is qtcheck "
                           f"{__version__}: run every shard and the merge with one qtcheck")
    from .report import REPORT_VERSION

    if report.get("version") != REPORT_VERSION:
        raise QtcheckError(f"{name}: report format {short(str(report.get('version')))}, this qtcheck writes "
                           f"{REPORT_VERSION}: run every shard and the merge with one qtcheck")
    if "shard" not in report:
        raise QtcheckError(f"{name}: a report of a run without --shard: merge joins the reports of "
                           f"`qtcheck ... --shard K/N --format json` runs")
    _check_shape(report, name)
    return report


def _check_shape(report: dict, name: str) -> None:
    """The parts merge reads, of the types it reads them as; anything else is refused in one line."""
    def bad(what: str):
        raise QtcheckError(f"{name}: not a qtcheck shard report ({what}); make it again with --shard K/N "
                           f"--format json")

    for key in ("notices", "files", "reviews", "findings", "suppressed"):
        if not isinstance(report.get(key), list):
            bad(f"'{key}' is not a list")
    shard = report["shard"]
    if not isinstance(shard, dict) or set(shard) != RECORD_KEYS:
        bad("its 'shard' record is not one qtcheck writes")
    if not all(isinstance(shard[k], int) and not isinstance(shard[k], bool) for k in ("index", "count", "status")):
        bad("'shard.index', 'shard.count' or 'shard.status' is not a number")
    if not 1 <= shard["index"] <= shard["count"]:
        bad(f"shard {shard['index']} of {shard['count']}")
    if not isinstance(shard["files"], list) or not all(isinstance(f, str) for f in shard["files"]):
        bad("'shard.files' is not a list of paths")
    if not isinstance(shard["options"], dict) or not isinstance(shard["rules"], str):
        bad("'shard.options' or 'shard.rules' is malformed")
    if not isinstance(shard["notices"], list) or not all(isinstance(n, str) for n in shard["notices"]):
        bad("'shard.notices' is not a list of sentences")
    hidden = shard["hidden"]
    if not isinstance(hidden, dict) or set(hidden) != {"baseline", "diff"} or not all(
            v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in hidden.values()):
        bad("'shard.hidden' is malformed")
    checked = shard["checked"]
    if not isinstance(checked, list) or len(checked) != len(report["files"]):
        bad("'shard.checked' does not list one entry per file of the report")
    totals = {"reviews": 0, "findings": 0, "suppressed": 0}
    for entry in checked:
        if not isinstance(entry, dict) or not isinstance(entry.get("index"), int) \
                or not 0 <= entry["index"] < len(shard["files"]) or not isinstance(entry.get("degraded"), bool) \
                or not all(isinstance(entry.get(k), list) for k in ("notices", "run_notices")):
            bad("an entry of 'shard.checked' is malformed")
        for key in totals:
            if not isinstance(entry.get(key), int) or entry[key] < 0:
                bad(f"an entry of 'shard.checked' has no count of {key}")
            totals[key] += entry[key]
    for key, total in totals.items():
        if total != len(report[key]):
            bad(f"'shard.checked' counts {total} {key}, the report holds {len(report[key])}")


def _belong_together(loaded: list[tuple[str, dict]]) -> int:
    """Refuse shards of different runs; the number of shards."""
    first_name, first = loaded[0]
    count = first["shard"]["count"]
    seen: dict[int, str] = {}
    for name, report in loaded:
        shard = report["shard"]
        if shard["count"] != count:
            raise QtcheckError(f"merge: {name} is shard {shard['index']}/{shard['count']}, {first_name} is shard "
                               f"{first['shard']['index']}/{count}: give the shards of one run")
        if shard["options"] != first["shard"]["options"]:
            ours, theirs = shard["options"], first["shard"]["options"]
            key = next(k for k in dict.fromkeys([*theirs, *ours]) if ours.get(k) != theirs.get(k))
            what = "the rule folders" if key == "rule_dirs" else _option_name(key)
            raise QtcheckError(f"merge: {name} and {first_name} were made with different options ({what}: "
                               f"{short(json.dumps(ours.get(key)), 60)} and {short(json.dumps(theirs.get(key)), 60)}): "
                               f"run every shard with the same command")
        if shard["files"] != first["shard"]["files"]:
            raise QtcheckError(f"merge: {name} and {first_name} were given different files (the folders' contents, "
                               f"a config's exclude or the compile database differ): run every shard on one checkout")
        if shard["rules"] != first["shard"]["rules"]:
            raise QtcheckError(f"merge: {name} and {first_name} were made with different rule files: run every "
                               f"shard on one checkout")
        if shard["index"] in seen:
            raise QtcheckError(f"merge: {seen[shard['index']]} and {name} are both shard {shard['index']}/{count}")
        seen[shard["index"]] = name
    missing = [k for k in range(1, count + 1) if k not in seen]
    if missing:
        raise QtcheckError(f"merge: shard{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(f'{k}/{count}' for k in missing[:10])}{' ...' if len(missing) > 10 else ''} "
                           f"missing: give the reports of all {count} shards")
    return count


def join(loaded: list[tuple[str, dict]]) -> tuple[dict, dict]:
    """The report of one run over every shard's files, and the first shard's record (options, rules)."""
    from . import robustness
    from .cli import hidden_notices

    _belong_together(loaded)
    record0 = loaded[0][1]["shard"]
    parts: dict[int, list[tuple[dict, dict]]] = {}  # file position -> (its checked entry, its report entries)
    for name, report in loaded:
        cursors = {"reviews": 0, "findings": 0, "suppressed": 0}
        for entry, file in zip(report["shard"]["checked"], report["files"]):
            piece = {"file": file}
            for key in cursors:
                piece[key] = report[key][cursors[key]:cursors[key] + entry[key]]
                cursors[key] += entry[key]
            parts.setdefault(entry["index"], []).append((entry, piece))
    expected = len(record0["files"])
    merged = {"version": loaded[0][1]["version"], "tool": loaded[0][1]["tool"], "notices": [], "files": [],
              "reviews": [], "findings": [], "suppressed": []}
    per_file = []
    for index in range(expected):
        if index not in parts:
            raise QtcheckError(f"merge: no shard checked {short(record0['files'][index])} (the reports were edited, "
                               f"or made by qtcheck versions that split files differently)")
        for entry, piece in parts[index]:
            per_file.append(entry)
            merged["files"].append(piece["file"])
            for key in ("reviews", "findings", "suppressed"):
                merged[key] += piece[key]
    counts = {k: [r["shard"]["hidden"][k] for _, r in loaded] for k in ("baseline", "diff")}
    hidden = tuple(None if any(v is None for v in vs) else sum(vs) for vs in counts.values())
    options = record0["options"]
    merged["notices"] = (robustness.assemble(per_file) + list(record0["notices"])
                         + hidden_notices(hidden[0], hidden[1], options.get("baseline"), options.get("diff_base")))
    return merged, record0


def command(argv: list[str]) -> int:
    """qtcheck merge REPORT... [--format F [--output O]]...: the merged report; exit 1 when any shard's --fail-on
    matched (as the single run would have), 2 on bad input."""
    from . import outputs as outputs_mod, rules as rules_mod
    from .cli import outputs as pair_outputs, render_all

    args = _parser().parse_args(argv)
    if not args.reports:
        raise QtcheckError("merge: give the shards' JSON reports (qtcheck FILE... --shard K/N --format json "
                           "--output shard-K.json, for K = 1..N)")
    pairs = pair_outputs(args)
    if sys.stdout is None and any(target is None for _, target in pairs):
        raise QtcheckError("standard output is closed: give --output FILE for the report")
    outputs_mod.check_targets([o for _, o in pairs if o is not None], [Path(r) for r in args.reports])
    loaded = [(path, _load(path)) for path in args.reports]
    report, record0 = join(loaded)
    rules = rules_mod.load_rules(record0["options"]["rule_dirs"])
    if rules_digest(rules) != record0["rules"]:
        raise QtcheckError("merge: the rule files here differ from those the shards used (another qtcheck, or "
                           "the rule folders changed): merge in the shards' checkout")
    render_all(report, rules, pairs, args)
    return max(r["shard"]["status"] for _, r in loaded)
