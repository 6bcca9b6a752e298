"""Report notices for input qtcheck handles but must flag: degraded mode, empty files, parse errors, missing Qt names."""

from __future__ import annotations

import re

from . import facts_unparsed

DEGRADED_NOTICE = ("DEGRADED MODE: parsed without Qt headers (--no-qt); clang does not know any Qt name, so "
                   "findings may be missing and claims that need Qt semantics are unverifiable")
# clang's wording when a name is not declared by the headers it parsed.
MISSING_NAME_RES = [
    re.compile(r"^no member named '([^']+)' in '([^']+)'"),
    re.compile(r"^no type named '([^']+)' in '([^']+)'"),
    re.compile(r"^use of undeclared identifier '([^']+)'"),
    re.compile(r"^unknown type name '([^']+)'"),
    re.compile(r"^no template named '([^']+)'"),
]
MAX_NAMES = 20


def missing_names(diagnostics) -> list[str]:
    """Names clang reported as undeclared, qualified by their scope when clang gave one, first seen first."""
    names: list[str] = []
    for diag in diagnostics:
        if diag.severity not in ("error", "fatal"):
            continue
        for pattern in MISSING_NAME_RES:
            match = pattern.match(diag.message)
            if match:
                scope = match.group(2).removeprefix("namespace ") if match.lastindex == 2 else ""
                name = f"{scope}::{match.group(1)}" if scope else match.group(1)
                if name not in names:
                    names.append(name)
                break
    return names


def file_notices(facts) -> list[str]:
    path = str(facts.path)
    if not any(line.strip() for line in facts.lines):
        return [f"{path}: empty file, nothing to check"]
    skipped = [f"{path}: {note}" for note in getattr(facts, "not_analysed", [])[:MAX_NAMES]]
    out = skipped + macro_class_notices(facts)
    errors = facts.error_lines()
    header = facts_unparsed.header_error_notice(facts)
    if header:
        out.append(header)
    if errors:
        out += [f"{path}: clang reported {len(errors)} error(s) (first at line {errors[0].line}), the first: "
                f"{facts_unparsed.short(errors[0].message, 100)}; the file was checked where clang recovered: "
                f"code that depends on what it could not parse gives no findings, and claims about it are "
                f"unverifiable"]
    names = missing_names(errors)
    if names and not facts.degraded:
        shown = ", ".join(names[:MAX_NAMES]) + (f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else "")
        out.append(f"{path}: names the Qt {facts.qt_version} headers do not declare: {shown} "
                   f"(the code may need a newer Qt, or has typos)")
    return out + facts_unparsed.unparsed_notices(facts)


def macro_class_notices(facts) -> list[str]:
    """Classes the project's own macros define: the walk does not enter macro expansions, so they go unchecked."""
    found = getattr(facts, "macro_classes", [])
    if not found:
        return []
    listed = [f"{c.name} (line {c.line}, macro {c.macro})" for c in found[:MAX_NAMES]]
    more = f" and {len(found) - MAX_NAMES} more" if len(found) > MAX_NAMES else ""
    return [f"{facts.path}: {len(found)} class(es) defined by a macro were not analysed (qtcheck does not look "
            f"inside macro expansions; findings and claims about them are missing): {', '.join(listed)}{more}"]


def notices(results: list[dict]) -> list[str]:
    """Notices for the top of the report, degraded mode first."""
    return assemble([per_file(result) for result in results])


def per_file(result: dict) -> dict:
    """What one file adds to the notices: whether it was parsed without Qt, its own notices, and the run-wide ones
    it met (a full cache folder). A shard's report keeps these so that `qtcheck merge` puts them together again."""
    return {"degraded": bool(result["facts"].degraded), "notices": file_notices(result["facts"]),
            "run_notices": list(result.get("notices", []))}


def assemble(files: list[dict]) -> list[str]:
    """The notices of files (per_file's records, in the report's order): degraded mode first, then each file's,
    then the run-wide ones once, however many files met them."""
    out: list[str] = []
    if any(f["degraded"] for f in files):
        out.append(DEGRADED_NOTICE)
    for f in files:
        out += f["notices"]
    for f in files:
        out += [n for n in f["run_notices"] if n not in out]
    return out
