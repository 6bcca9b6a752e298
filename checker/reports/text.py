"""The text format for terminals: a scorecard per review, its claims, then the findings no claim mentions."""

from __future__ import annotations

import io
import os
from pathlib import Path

from rich.console import Console
from rich.text import Text

MARK = {"confirmed": "CONFIRMED", "refuted": "REFUTED", "partly": "PARTLY", "unverifiable": "UNVERIFIABLE"}
MARK_WIDTH = max(len(m) for m in MARK.values()) + 2
VERDICT_STYLE = {"confirmed": "bold green", "refuted": "bold red", "partly": "bold yellow",
                 "unverifiable": "bold magenta"}
SEVERITY_STYLE = {"error": "bold red", "fatal": "bold red", "warning": "yellow", "note": "cyan"}


from . import COLOR_MODES  # noqa: E402,F401  (--color)


def wants_color(to_terminal: bool, mode: str = "auto") -> bool:
    """--color always / never decide; auto: never when NO_COLOR is set (https://no-color.org), always when
    FORCE_COLOR is set to anything but '', '0' or 'false' (CI logs that show colours), else only on a terminal."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force is not None and force.strip().lower() not in ("", "0", "false"):
        return True
    if force is not None and force.strip().lower() in ("0", "false"):
        return False
    return to_terminal


def terminal_width(stream) -> int | None:
    """The width to wrap at when stream is a terminal: COLUMNS when set to a number, else the terminal's own
    width; None when neither is known (a terminal that reports 0 columns)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        width = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None
    return width if width > 0 else None


def wrap(text: Text, width: int) -> list[Text]:
    """text as lines of at most width characters, broken at spaces, each continuation indented four spaces deeper
    than the line's own indent (a hanging indent); a word longer than a line is cut."""
    plain = text.plain
    if width <= 0 or len(plain) <= width:
        return [text]
    hang = min(len(plain) - len(plain.lstrip(" ")) + 4, max(width // 2, 1))
    pieces: list[Text] = []
    start, first = 0, True
    while start < len(plain):
        room = width if first else width - hang
        rest = plain[start:]
        if len(rest) <= room:
            end, after = len(plain), len(plain)
        else:
            cut = rest.rfind(" ", 1, room + 1)
            if cut <= 0 or not rest[:cut].strip():
                cut = room
            end, after = start + cut, start + cut
        piece = text[start:end]
        piece.rstrip()
        pieces.append(piece if first else Text.assemble(" " * hang, piece))
        while after < len(plain) and plain[after] == " ":
            after += 1
        start, first = after, False
    return pieces


def _relpath(path: str) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return path if rel.startswith("../../") else rel


_PLACES: dict[str, tuple[str, str]] = {}  # path -> (as shown, its file: URI) for the render under way


def _loc(path: str, line: int, col: int | None = None) -> Text:
    """file:line[:col], a link to the file on terminals that take OSC 8 hyperlinks."""
    if path not in _PLACES:  # once per path and render: a report names the same few files on every line
        _PLACES[path] = (_relpath(path), Path(path).resolve().as_uri())
    shown, uri = _PLACES[path]
    text = f"{shown}:{line}" + (f":{col}" if col else "")
    return Text(text, style=f"link {uri}")


def _line(*pieces: str | Text | tuple[str, str]) -> Text:
    return Text.assemble(*pieces)


def _reading_lines(claim: dict) -> list[Text]:
    """-v: how each part was read."""
    out = []
    for part in claim["parts"]:
        r = part.get("reading") or {}
        if not r:
            continue
        names = "; ".join(f"{n['name']} ({n['read as']}): {n['in the file']}" for n in r.get("names", []))
        label = f"{part['says']}: " if r.get("asks") else ""
        out.append(_line(("    read: ", "dim"), f"{label}{r['says']}"
                         + (f" ({r['from']})" if r.get("from") else "")
                         + (f"; names: {names}" if names else "")
                         + (f"; asks {', '.join(r['asks'])}" if r.get("asks") else "; asks no rule")))
    return out


def _review_lines(review: dict, verbose: bool = False) -> list[Text]:
    s = review["summary"]
    holds = "n/a" if s["holds"] is None else f"{s['holds']:.0%}"
    out = [Text(""), _line(
        ("== ", "bold"), (review["review"], "bold"), f" on {os.path.basename(review['file'])}: {s['claims']} claims, ",
        (f"{s['confirmed']} confirmed", VERDICT_STYLE["confirmed"]), ", ",
        (f"{s['refuted']} refuted", VERDICT_STYLE["refuted"]), ", ",
        (f"{s['partly']} partly", VERDICT_STYLE["partly"]), ", ",
        (f"{s['unverifiable']} unverifiable", VERDICT_STYLE["unverifiable"]),
        "; ", (holds, "bold"), " of the checkable claims hold")]
    for claim in review["claims"]:
        cited = f" (lines {', '.join(map(str, claim['lines']))})" if claim["lines"] else ""
        mark = f"[{MARK[claim['verdict']]}]".ljust(MARK_WIDTH)
        out.append(_line((mark, VERDICT_STYLE[claim["verdict"]]), f" {claim['id']}. \"{claim['quote']}\"{cited}"))
        if len(claim["parts"]) > 1:
            for part in claim["parts"]:
                out.append(_line(f"    - {part['says']}: ", (part["verdict"], VERDICT_STYLE[part["verdict"]]),
                                 f": {part['reason']}"))
        else:
            out.append(Text(f"    {claim['reason']}"))
        if verbose:
            out += _reading_lines(claim)
        if claim["line_note"]:
            out.append(_line(("    note: ", "dim"), claim["line_note"]))
        for e in claim["evidence"]:
            out.append(_line("    ", _loc(e["file"], e["line"], e["column"]), ": ", (e["source"], "dim")))
    return out


SCORE_COLUMNS = ["claims", "confirmed", "refuted", "partly", "unverifiable", "hold"]


def scorecard(reviews: list[dict]) -> list[Text]:
    """One aligned row per review: its claims by verdict and the share of its checkable claims that hold."""
    several_files = len({r["file"] for r in reviews}) > 1
    names = [f"{r['review']} ({os.path.basename(r['file'])})" if several_files else r["review"] for r in reviews]
    width = max([len("review")] + [len(n) for n in names])
    head = _line(("review".ljust(width), "bold"),
                 *[(f"  {c:>{max(len(c), 4)}}", VERDICT_STYLE.get(c, "bold")) for c in SCORE_COLUMNS])
    rows = [Text(""), head]
    for review, name in zip(reviews, names):
        s = review["summary"]
        holds = "n/a" if s["holds"] is None else f"{s['holds']:.0%}"
        cells = [str(s[c]) for c in SCORE_COLUMNS[:-1]] + [holds]
        rows.append(_line(name.ljust(width),
                          *[(f"  {v:>{max(len(c), 4)}}", VERDICT_STYLE.get(c, "") if v != "0" else "")
                            for c, v in zip(SCORE_COLUMNS, cells)]))
    return rows


def lines(report: dict, verbose: bool = False) -> list[Text]:
    out: list[Text] = []
    for notice in report.get("notices", []):
        out.append(_line(("note: ", "cyan"), notice))
    for file in report["files"]:
        errors = [d for d in file["diagnostics"] if d["severity"] in ("error", "fatal")]
        out.append(_line((file["path"], "bold"), f": {file['lines']} lines, Qt {file['qt_version']}, ",
                         (f"{len(errors)} parse error(s)", "bold red" if errors else "")))
        for d in errors:
            out.append(_line("  ", _loc(d["file"], d["line"], d["column"]), ": ",
                             (d["severity"], SEVERITY_STYLE[d["severity"]]), f": {d['message']}"))
    if report["reviews"]:
        out += scorecard(report["reviews"])
    for review in report["reviews"]:
        out += _review_lines(review, verbose)
    unclaimed = [f for f in report["findings"] if not f["claimed"]]
    title = "Findings no claim mentions" if report["reviews"] else "Findings"
    out += [Text(""), _line((f"== {title}: {len(unclaimed)}", "bold"))]
    for f in unclaimed:
        out.append(_line(_loc(f["file"], f["line"], f["column"]), ": ",
                         (f["severity"], SEVERITY_STYLE.get(f["severity"], "")), ": ",
                         (f"[{f['rule']}]", "dim"), f" {f['message']}"))
    if report.get("suppressed"):
        out.append(_line(("note: ", "cyan"), f"{len(report['suppressed'])} finding(s) suppressed by NOLINT comments "
                                             f"(--format json lists them)"))
    return out


def render(report: dict, to_terminal: bool = False, verbose: bool = False, color: str = "auto",
           width: int | None = None, **_options) -> str:
    """Plain text unless colour is wanted (wants_color: a TTY, --color, NO_COLOR, FORCE_COLOR); then ANSI colours
    and links. Lines are wrapped with a hanging indent only when width is given (stdout is a terminal of known
    width): a report piped or written to a file is never wrapped."""
    _PLACES.clear()  # the current directory or a link may have changed since the last render
    out = lines(report, verbose)
    if width:
        out = [piece for text in out for piece in wrap(text, width)]
    if not wants_color(to_terminal, color):
        return "".join(t.plain + "\n" for t in out)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=100_000,
                      soft_wrap=True, highlight=False, markup=False, emoji=False, no_color=False)
    for text in out:
        console.print(text)
    return buffer.getvalue()
