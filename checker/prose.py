"""Review prose to claims: split a review into claims, extract lines, code names and CWEs, map them to rules."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .claims import Claim, Part
from . import polarity
from . import yamlio
from .errors import QtcheckError
from .matchers_literals import parse_address
from .review_input import read_review
from .rules import Rule

DATA_FILE = Path(__file__).resolve().parent / "prose.yaml"
# a list item; a task list's box ("- [x] ...") is not part of what it says
# type names a review may write without marking them as code ("returns a quint16")
BUILTIN_TYPES = {"void", "bool", "char", "short", "int", "long", "unsigned", "float", "double", "size_t", "ssize_t",
                 "qint8", "qint16", "qint32", "qint64", "quint8", "quint16", "quint32", "quint64", "qsizetype",
                 "qreal", "uchar", "ushort", "uint", "ulong", "qlonglong", "qulonglong", "qintptr", "quintptr",
                 "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t"}
# a list item: numbered, bulleted, or led by a status mark (a check mark, a cross, a warning sign, a coloured
# circle or square), as review bots and checklists write them
MARKS = "\u2705\u2714\u2713\u2611\u274c\u274e\u2716\u2717\u2718\u26a0\u2757\u2753\u2b55\u2610" \
        "\U0001f534\U0001f7e0\U0001f7e1\U0001f7e2\U0001f535\U0001f7e5\U0001f7e7\U0001f7e8\U0001f7e9\U0001f6a8"
ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<num>\d+)[.)]|[QA]\d{1,2}[.:)]|[-*+\u2022]"
                  r"|\[(?i:P\d|nit|minor|major|critical|blocker|high|medium|low)\]|[" + MARKS + r"]\ufe0f?)\s+(?:\[[ xX]\]\s+)?"
                  r"(?P<text>.*)$")
HEADING = re.compile(r"^\s*#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
LEAD_IN = re.compile(r"^\s*(?:\*\*|__)(?P<title>.+?)(?:\*\*|__)\s*:?\s*(?P<rest>.*)$")
COLON_TITLE = re.compile(r"^(?P<title>[^.:`]{2,80}):\s*(?P<rest>.*)$")
LINES = re.compile(r"\blines?\s*:?\s*(?P<list>[-\u2212]?\d+(?:\s*(?:,|and|&|-|\u2013|to)\s*[-\u2212]?\d+)*)", re.I)
CWE_ID = re.compile(r"\bCWE[-\u2011 ]?(\d+)\b", re.I)
BACKTICK = re.compile(r"`([^`\n]+)`")
BARE_CODE = re.compile(r"(?<![\w/`.])(?:#\s*include\s*[<\"][^<>\"\n]+[>\"]|<[A-Za-z_][\w/.+-]*>(?!\s*\()"
                       r"|[\w/+-]+\.(?:h|hh|hpp|hxx|moc)\b(?!\()|Qt[A-Z]\w*/[A-Za-z_]\w*(?:\.h)?\b|\w+(?:->|\.)\w+\([^()\n]*\)|\w+::\w+(?:\(\))?|Q_?[A-Z][A-Z_]{2,}|q[A-Z]\w+"
                       r"|Q[A-Z][a-z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*|m_\w+|\w+\(\))(?![\w`])")
# A run-time message the review quotes ("QObject::connect: Cannot queue arguments of type 'QImage'"): the words
# Qt prints, not names of this file's code. A quoted single name ("socket->close()") stays a name.
QUOTED_MESSAGE = re.compile(r"[\"“][^\"“”\n`]*\s[^\"“”\n`]*[\"”]")
ABBREVIATIONS = ["e.g.", "i.e.", "etc.", "vs.", "cf."]
# A mail reply: the patch lines it quotes ("> +#include <QDebug>", "> @@ -10,4 +10,6 @@"), its attribution line and
# its sign-off. Quoted prose ("> The socket leaks.") stays: it is a claim the reply discusses.
QUOTED_DIFF = re.compile(r"^\s*>+\s?(?:\+|@@|-(?!\s)|-\s+(?:#|.*[;{}]\s*$))")
ATTRIBUTION = re.compile(r"^\s*On\s.{4,120}\swrote:\s*$")
# a chat log's line: "[09:12] anna: ...", "09:12 <anna> ...", "<anna> ...": each message is a unit of its own
CHAT = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\]?\s*(?:<[\w.@-]{1,32}>|[\w.@-]{1,32}:)"
                  r"|<[\w.@-]{1,32}>)\s+")
# a chat export's header line over each message (Slack, Teams): a name and a time, nothing else
CHAT_HEADER = re.compile(r"^\s*(?:\*\*|__)?[\w.@ -]{1,32}?(?:\*\*|__)?\s+\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\]?\s*$")
GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^.!?:]{0,40}[,!]?\s*$", re.I)
SIGN_OFF = re.compile(r"^\s*(?:thanks|thank you|cheers|regards|best regards|best|kind regards|br)\s*[,.!]?\s*$", re.I)
SOURCE_FILE = r"[\w./+-]+\.(?:cpp|cc|cxx|c\+\+|cp|h|hh|hpp|hxx|h\+\+|ipp|inl|tpp|moc)"
# An inline review comment's location: L45:, Line 45 -, lines 45-50:, file.cpp:45 -, file.cpp:45:, `file.cpp` (45), file.cpp, line 45:
LOCATION = re.compile(
    r"^\s*(?:\*\*|__)?`?(?:"
    r"(?P<file>" + SOURCE_FILE + r")`?\s*(?::\s*|\(\s*|,\s*lines?\s+|\s+lines?\s+)(?P<a>\d+)(?:\s*[-\u2013]\s*(?P<b>\d+))?\s*\)?"
    r"|(?:L|[Ll]ines?\s+)(?P<a2>\d+)(?:\s*[-\u2013]\s*L?(?P<b2>\d+))?"
    r")(?:\*\*|__)?`?(?:\s*[-\u2013\u2014:]+\s+|\s*:\s*|\s+(?=[^\s\d]))(?P<rest>\S.*)$")
BLOCKQUOTE = re.compile(r"^\s*>+\s?(?P<text>.*)$")
COMMON_WORDS = {"the", "this", "that", "these", "those", "its", "their", "when", "while", "since", "because",
                "after", "before", "then", "also", "both", "each", "every", "only", "there", "here", "what", "which"}
# a phrase a claim quotes ("...", “...”, '...'): the words a string of the code is said to hold
QUOTED_TEXT = re.compile(r"(?<![\w`])(?:\"(?P<a>[^\"\n`]{3,200})\"|\u201c(?P<b>[^\u201d\n`]{3,200})\u201d"
                         r"|'(?P<c>[^'\n`]{3,200})')(?![\w`])")
# an IP address a claim names (ff12::2115, 239.255.43.21): a value of the code, not a name
ADDRESS = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])"
                     r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\w)")
# an amount a claim gives a default ("the default 8 KiB buffer", "defaults to 30 seconds"): a value, in bytes or ms
AMOUNT = re.compile(r"\bdefaults?\b(?:\s+(?:value|size|maximum|max|buffer|timeout|limit|is|of|to|a|an|the)){0,4}\s+"
                    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>KiB|KB|kB|K|MiB|MB|M|bytes?|milliseconds?|msecs?|ms|seconds?|"
                    r"secs?|s|"
                    r"minutes?|mins?)?(?!\w|\.\d)", re.I)
# each unit as the default_value site of a default-argument question spells it (a bare number: bytes or ms)
UNITS = {"k": "KiB", "kb": "KiB", "kib": "KiB", "m": "MiB", "mb": "MiB", "mib": "MiB", "s": "s", "sec": "s",
         "secs": "s", "second": "s", "seconds": "s", "minute": "min", "minutes": "min", "min": "min", "mins": "min"}
# a capitalized plain word inside a sentence: a name only when the file defines a class or function so named
# the verbs that make a sentence's capitalized first word the subject it speaks of ("Consumer has Q_OBJECT",
# "Producer lacks ...", "Worker is never instantiated", "Counter objects leak")
FIRST_WORD_VERB = re.compile(r"\s+(?:has|have|lacks|declares|derives|inherits|overrides|owns|emits|defines|is\s+never|"
                             r"is\s+not|is\s+missing|is\s+a\b|objects|instances)\b")
PLAIN_CLASS = re.compile(r"(?<![\w`./:<>-])[A-Z][a-z][a-z0-9]+(?![\w`(<:.-]|\.\w)")
TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
LEADING_CONNECTIVE = re.compile(r"^(?:however|overall|also|finally|moreover|additionally|furthermore|in addition|"
                                r"that said|still|otherwise|in short|in summary|lastly|note also that|note that)\s*,?\s+",
                                re.I)


INTENSIFIERS = (r"(?:genuinely|really|actually|truly|definitely|clearly|certainly|indeed|simply|strictly|absolutely|"
                r"entirely|completely|fully|still|also|both|all)")


@functools.lru_cache(maxsize=None)
def data() -> dict:
    return yamlio.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4096)  # asked for every phrase of every rule in every clause: built once each
def phrase_pattern(phrase: str) -> re.Pattern:
    # an intensifier between two words of a phrase changes nothing it says: "is genuinely needed" is "is needed"
    body = (r"\s+(?:" + INTENSIFIERS + r"\s+)?").join(re.escape(w) for w in phrase.strip().split())
    lead = r"\b" if phrase[:1].isalnum() or phrase[:1] == "_" else ""
    tail = r"(?:s|es)?\b" if phrase.strip()[-1:].isalnum() else ""
    return re.compile(lead + body + tail, re.I)


def find_phrases(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p in phrases for m in phrase_pattern(p).finditer(text)]


def plain(text: str) -> str:
    """Markdown emphasis and backticks removed: the text phrases are matched against."""
    return re.sub(r"\*\*|__|`", "", text)


# ---------------------------------------------------------------- splitting

@dataclass
class Unit:
    """One claim candidate: an item (with its lead-in title and sub-bullets) or a sentence of prose."""
    number: str | None
    title: str
    body: list[str] = field(default_factory=list)
    item: bool = False
    prefix: str = ""    # an inline comment's location as the review wrote it ("client.cpp:56 -")
    subs: list[int] = field(default_factory=list)  # where each sub-bullet starts in body
    lines: list[int] = field(default_factory=list)  # the lines that location names

    @property
    def sentences(self) -> list[str]:
        return [s for chunk in self.body for s in split_sentences(chunk)]

    @property
    def quote(self) -> str:
        title = plain(self.title).strip().rstrip(":")
        body = " ".join(plain(s) for s in self.sentences).strip()  # advice too: the quote is what was written
        text = f"{title}: {body}" if title and body else (title or body)
        return f"{plain(self.prefix)} {text}".strip() if text and self.prefix else text


def split_sentences(text: str) -> list[str]:
    protected = text
    for abbr in ABBREVIATIONS:
        protected = protected.replace(abbr, abbr.replace(".", "\0"))
    # a sentence may open with a name of code in lower case: "... the same text. displayError() returns ..."
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z`*\"(]|[a-z_]\w*(?:\(\)|::|->|\.\w+\())", protected.strip())
    return [p.replace("\0", ".").strip() for p in parts if p.strip()]


def is_advice_title(text: str) -> bool:
    head = plain(text).strip().lower().rstrip(":").strip()
    return any(head == a or head.startswith(a + " ") or head.startswith(a + ":") for a in data()["advice_headings"])


def is_advice_sentence(sentence: str) -> bool:
    low = plain(sentence).strip().lower()
    low = re.sub(r"^(?:nit|minor|suggestion|optional)\s*:\s*", "", low)
    bare = LEADING_CONNECTIVE.sub("", low)
    if any(x.startswith(a) for x in (low, bare) for a in data()["advice_starts"]):
        return True
    if any(re.search(p, low) for p in data()["benefit"]) and not BACKTICK.search(sentence) and not LINES.search(low):
        return True  # "addressing these issues would improve readability": about the review, not the code
    return is_advice_title(low.split(":")[0]) and ":" in low


def location(text: str) -> tuple[str, list[int], str] | None:
    """(prefix as written, its lines, the comment) of an inline comment's location, or None."""
    m = LOCATION.match(text)
    if not m:
        return None
    a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("a2"), m.group("b2"))
    first, last = line_number(a), line_number(b) if b else line_number(a)
    lines = list(range(first, last + 1)) if 0 <= last - first <= 50 else [first, last]
    return text[:m.start("rest")].strip(), lines, m.group("rest")


# a block of "Key: value" lines, as issue trackers and analysis tools print a finding:
#   Issue: int count = names.count() narrows ...
#   Location: narrow.cpp:8
#   Severity: Minor
FIELD = re.compile(r"^\s*(?:\*\*)?(?P<key>[A-Za-z][A-Za-z ]{1,20}?)(?:\*\*)?\s*:(?:\*\*)?\s+(?P<value>\S.*)$")
TEXT_KEYS = {"issue", "description", "message", "problem", "finding", "summary", "comment", "details", "title",
             "claim", "observation", "note", "remark", "explanation", "impact"}
LOCATION_KEYS = {"location", "file", "where", "line", "lines", "position", "source"}
DROPPED_KEYS = {"severity", "priority", "rule", "category", "confidence", "type", "id", "status", "cwe",
                "tags", "effort", "owner", "assignee", "reporter", "component"}


def field_block(lines: list[str]) -> Unit | None:
    """One claim from a block of Key: value lines with a text field and a location field; None otherwise."""
    fields = [FIELD.match(line) for line in lines]
    if len(lines) < 2 or not all(fields):
        return None
    keys = [f.group("key").strip().lower() for f in fields]
    if not any(k in TEXT_KEYS for k in keys) or not any(k in LOCATION_KEYS for k in keys) or not all(
            k in TEXT_KEYS | LOCATION_KEYS | DROPPED_KEYS for k in keys):
        return None
    text = " ".join(f.group("value").strip() for f, k in zip(fields, keys) if k in TEXT_KEYS)
    where = " ".join(f.group("value").strip() for f, k in zip(fields, keys) if k in LOCATION_KEYS)
    located = location(where + " - x")
    if located is None and re.fullmatch(r"\d+(?:\s*-\s*\d+)?", where):
        located = location(f"line {where} - x")
    prefix, cited = (located[0], located[1]) if located else (where, cited_lines(where))
    return Unit(None, "", [text], item=True, prefix=prefix, lines=cited)


def _cells(line: str) -> list[str]:
    m = TABLE_ROW.match(line)
    return [c.strip() for c in re.split(r"(?<!\\)\|", m.group("cells"))] if m else []


def split_lead(text: str) -> tuple[str, str]:
    m = LEAD_IN.match(text)
    if m:
        return m.group("title").strip().rstrip(":"), m.group("rest").strip()
    m = COLON_TITLE.match(text.strip())
    if m and not m.group("rest"):
        return m.group("title").strip(), ""
    return "", text.strip()


def split_units(text: str) -> list[Unit]:
    """Items (numbered or bulleted, with sub-bullets), Markdown sections and prose sentences, in order."""
    units: list[Unit] = []
    current: Unit | None = None      # an open item or section
    item_indent = 0
    paragraph: list[str] = []
    section: Unit | None = None
    sections: list[Unit] = []        # headings group; one without a body is no claim
    advice_list = False              # list items under "Suggested solutions:" are advice
    skipping_sub = False             # inside an advice sub-bullet ("**Solution**: ...")
    previous_blank = True

    def close_paragraph():
        nonlocal paragraph, advice_list
        if not paragraph:
            return
        block = field_block(paragraph)
        if block is not None:
            paragraph = []
            units.append(block)
            return
        joined = " ".join(p.strip() for p in paragraph)
        paragraph = []
        lead = plain(joined).strip()
        if lead.endswith(":") and lead.split() and is_advice_title(" ".join(lead.split()[:2])):
            advice_list = True
            return
        advice_list = False
        lead = LEAD_IN.match(joined)
        if lead and len(plain(lead.group("title")).split()) <= 12 and lead.group("rest").strip():
            # "**2. Signal emitted under the mutex.** `emit ...` at line 80 runs while ...": a paragraph led by a
            # bold title is an item of its own, as a list item would be, inside a section or not
            title, rest = split_lead(joined)
            number = re.match(r"(\d+)[.)]\s+", title)
            if number:
                title = title[number.end():]
            led = Unit(number.group(1) if number else None, plain(title).strip().rstrip("."), [rest], item=True)
            units.append(led)
            return
        if section is not None:
            section.body.append(joined)
            return
        for sentence in split_sentences(joined):
            units.append(Unit(None, "", [sentence]))

    fenced = False
    signed = False                   # after a mail's sign-off ("Thanks," and a name): no claims until a blank line
    table: list[str] | None = None   # the header cells of the table being read
    for raw in text.split("\n"):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced  # quoted code (and GitHub suggestion blocks): what the review means, no claim
            continue
        if fenced:
            continue
        if QUOTED_DIFF.match(line) or ATTRIBUTION.match(line) or line == "-- ":
            continue  # a mail reply's quoted patch lines, its "On <date>, <name> wrote:", a signature's start
        if CHAT_HEADER.match(line):  # Slack's "**dana** 10:02 AM" over a message: the next line starts one
            close_paragraph()
            current, previous_blank, table = None, True, None
            continue
        chat = CHAT.match(line)
        if chat:  # a new message: what came before is closed, and the speaker's name is no part of it
            close_paragraph()
            current, previous_blank, table = None, True, None
            line = line[chat.end():]
        if GREETING.match(line) and not paragraph:  # "Hi Jan,": a mail's salutation
            continue
        if SIGN_OFF.match(line):
            close_paragraph()
            signed = True
            continue
        if signed and line.strip():
            continue
        signed = False
        quoted = BLOCKQUOTE.match(line)
        if quoted and (is_advice_sentence(quoted.group("text")) or is_advice_title(split_lead(quoted.group("text"))[0])):
            continue  # "> **Suggestion:** make it atomic": advice set off as a quote, no claim
        if not line.strip():
            close_paragraph()
            previous_blank = True
            table = None
            continue
        cells = _cells(line)
        if cells and (table is not None or not paragraph):
            close_paragraph()
            current = None
            if table is None:
                table = [plain(c).strip().lower() for c in cells]  # the header row
                continue
            if TABLE_RULE.match(line):
                continue
            unit = _table_unit(table, cells)
            if unit is not None:
                units.append(unit)
            previous_blank = False
            continue
        heading = HEADING.match(line)
        item = ITEM.match(line)
        if heading:
            close_paragraph()
            current = None
            title = heading.group("text")
            advice = is_advice_title(title)
            section = None if advice else Unit(None, plain(title).strip(), [], item=True)
            if section is not None:
                sections.append(section)
                units.append(section)
            advice_list = advice
            previous_blank = False
            continue
        located = location(item.group("text") if item else line)
        if located and (item or previous_blank or not paragraph) and (
                current is None or item is None or len(item.group("indent")) <= item_indent or not current.item):
            close_paragraph()  # an inline comment: one claim, with its location
            prefix, cited, rest = located
            item_indent = len(item.group("indent")) if item else len(line) - len(line.lstrip())
            skipping_sub = False
            current = Unit(None, "", [rest], item=True, prefix=prefix, lines=cited)
            units.append(current)
            previous_blank = False
            continue
        if item and (current is None or len(item.group("indent")) <= item_indent or not current.item):
            close_paragraph()
            item_indent = len(item.group("indent"))
            title, rest = split_lead(item.group("text"))
            skipping_sub = False
            if advice_list or is_advice_title(title):  # advice: read on, but record nothing
                current = Unit(None, "", [], item=True)
                previous_blank = False
                continue
            current = Unit(item.group("num"), title, [rest] if rest else [], item=True)
            units.append(current)
            previous_blank = False
            continue
        if item and current is not None:  # a sub-bullet
            title, rest = split_lead(item.group("text"))
            skipping_sub = is_advice_title(title) or is_advice_sentence(item.group("text"))
            if not skipping_sub:
                current.subs.append(len(current.body))
                current.body.append(plain(title) + ": " + rest if title else rest)
            previous_blank = False
            continue
        indent = len(line) - len(line.lstrip())
        if current is not None and (not previous_blank or indent > item_indent):
            if not skipping_sub and not advice_list:
                current.body.append(line.strip())
            previous_blank = False
            continue
        current = None
        paragraph.append(line)
        previous_blank = False
    close_paragraph()
    return [v for u in units if u.body or (u.title and u not in sections) for v in _split_subs(u)]


def _split_subs(unit: Unit) -> list[Unit]:
    """An item whose sub-bullets make two or more statements gives one claim per sub-bullet, under its title
    (`2.1`, `2.2`); text on the item's own line before them is a claim of its own."""
    if len(unit.subs) < 2:
        return [unit]
    out = []
    head = unit.body[:unit.subs[0]]
    if head:
        out.append(Unit(unit.number, unit.title, head, item=True, prefix=unit.prefix, lines=unit.lines))
    bounds = unit.subs + [len(unit.body)]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:]), 1):
        number = f"{unit.number}.{k}" if unit.number else None
        out.append(Unit(number, unit.title, unit.body[a:b], item=True, prefix=unit.prefix, lines=unit.lines))
    return out


def _table_unit(header: list[str], cells: list[str]) -> Unit | None:
    """A row of a table of issues: one claim; a column named line/lines/location gives its lines."""
    cited: list[int] = []
    texts: list[str] = []
    for name, cell in zip(header + [""] * len(cells), cells):
        if not cell or re.fullmatch(r"[-\u2013\u2014#\d.]*", cell) and name in ("#", "no", "no.", "id", ""):
            continue
        if name in ("severity", "priority", "impact", "level", "status"):
            continue
        if re.fullmatch(r"(?:lines?|location|where|loc\.?|l\.)", name) or location(cell + " x"):
            found = location(cell + " x")
            cited += found[1] if found else [line_number(n) for n in re.findall(r"\d+", cell)]
            continue
        texts.append(cell.rstrip("."))
    if not texts:
        return None
    return Unit(None, "", [". ".join(texts) + "."], item=True, lines=list(dict.fromkeys(cited)))


# ---------------------------------------------------------------- extraction

@dataclass
class Token:
    name: str
    kinds: list[str]
    segment: int
    start: int
    end: int
    soft: bool = False  # a capitalized plain word ("Sender has no Q_OBJECT"): a name only if the file defines it


def small_number(digits: str) -> int:
    """The number digits spell, or 10**9 for more than nine digits: no file has a billion lines and no review a
    billion items, and Python refuses to convert 4,300 digits and more."""
    return int(digits) if len(digits) <= 9 else 10 ** 9


def line_number(digits: str) -> int:
    """A cited line number; one of more than nine digits is kept as a number no file reaches."""
    sign = -1 if digits.startswith(("-", "\u2212")) else 1
    return sign * small_number(digits.lstrip("-\u2212"))


def cited_lines(text: str) -> list[int]:
    out: list[int] = []
    # code in backticks is no citation: `readLine(line, 100)` and `line`: 100 cite no line 100
    text = BACKTICK.sub(lambda m: " " * len(m.group(0)), text)
    for m in LINES.finditer(plain(text)):
        raw = m.group("list").replace("\u2212", "-")
        for a, sep, b in re.findall(r"(-?\d+)(?:\s*(-|\u2013|to)\s*(-?\d+))?", raw):
            a_n, b_n = line_number(a), line_number(b) if b else None
            if sep and b_n >= a_n and b_n - a_n <= 50:
                out += range(a_n, b_n + 1)
            else:
                out.append(a_n)
                if b_n is not None:
                    out.append(b_n)
    return list(dict.fromkeys(out))


def cwe_ids(text: str) -> list[str]:
    return list(dict.fromkeys(f"CWE-{n}" for n in CWE_ID.findall(text)))


def _kind_after(text: str, end: int) -> str | None:
    """'`a` and `b` classes': the kind word after a (list of) code name(s)."""
    rest = text[end:]
    m = re.match(r"((?:\s*(?:,|and|or)\s*`[^`]+`)*)\s+(\w+)", rest)
    if not m:
        return None
    word = m.group(2).lower()
    for kind, words in data()["kind_words"].items():
        if word in words:
            return kind
    return None


def _shape_kinds(name: str) -> list[str]:
    if "/" in name or re.search(r"\.(h|hpp|hh|hxx|moc)$", name) or name.startswith("<"):
        return ["header"]
    words = re.findall(r"[A-Za-z_]\w*", name)
    if words and re.fullmatch(r"[\w\s*&]+", name) and (len(words) > 1 or "*" in name or "&" in name) and all(
            w in BUILTIN_TYPES or w in ("const", "volatile", "signed") for w in words):
        return ["type"]  # `const char *`, `unsigned int`: a built-in type as written, no name of the file
    if "::" in name and re.fullmatch(r"(?:\w+::)+[A-Z]\w*", name):  # `QLocalSocket::LocalSocketError`: a nested
        return ["type", "class", "symbol", "callee", "function", "signal"]  # type or an enumerator, first
    if "::" in name:
        return ["callee", "function", "symbol", "signal"]
    if re.fullmatch(r"Q_?[A-Z][A-Z0-9_]+", name):
        return ["macro", "symbol"]
    if re.fullmatch(r"q[A-Z]\w*", name):
        return ["macro", "callee", "symbol"]
    if re.fullmatch(r"Q[A-Z]\w*", name):
        return ["type", "class", "symbol"]
    if re.fullmatch(r"[A-Z]\w*", name):
        return ["class", "type", "symbol"]
    return ["variable", "callee", "function", "symbol"]


def normalize(code: str) -> str:
    code = re.sub(r"^(?:emit|Q_EMIT)\s+", "", code.strip())  # `emit done(x)`: the signal is what is named
    m = re.fullmatch(r"[\w:]+(?:->|\.)(\w+)\s*\(.*\)", code)
    if m:
        return m.group(1)
    code = re.sub(r"\s*\(.*\)$", "", code)
    code = re.sub(r"^([\w:]*\w)\s*<.*>$", r"\1", code)  # `qRegisterMetaType<QImage>`: the template's name
    code = re.sub(r"(?:->|\.|::)\s*$", "", code)  # `this->`: the object named before an access
    return code.strip("<>\"' ;")


def template_args(code: str) -> list[str]:
    """The class-type arguments of a template name (`qRegisterMetaType<QImage>()` gives QImage)."""
    m = re.fullmatch(r"\s*[\w:]*\w\s*<(.*)>\s*(?:\(.*\))?\s*;?\s*", code)
    if not m:
        return []
    return [a for a in re.findall(r"[A-Za-z_][\w:]*", m.group(1))
            if re.fullmatch(r"(?:\w+::)*[A-Z]\w*", a)]


WORD_BEFORE = re.compile(r"\b(\w+)\s+(?:the\s+)?$")


def _word_before(segment: str, start: int) -> re.Match | None:
    """WORD_BEFORE.search(segment[:start]) (the word before a name, "in `X`"), reading the last 200 characters
    only, unless what they hold could belong to a match that begins before them (then the whole prefix)."""
    if not start or not segment[start - 1].isspace():  # the pattern ends in whitespace: no match
        return None if not re.match(r"\s", segment[start - 1:start]) else WORD_BEFORE.search(segment[:start])
    a = max(0, start - 200)
    window = segment[a:start]
    m = WORD_BEFORE.search(window)
    if a == 0 or (m is None and len(window.split()) >= 2) or (m is not None and m.start() > 0
                                                              and window[:m.start()].strip()):
        return m
    return WORD_BEFORE.search(segment[:start])


def tokens_of(segment: str, index: int) -> list[Token]:
    keywords = set(data()["keywords"])
    not_code = set(data()["not_code"])
    containers = set(data()["container_words"])
    found: list[Token] = []
    spans = []
    for m in BACKTICK.finditer(segment):
        spans.append((m.start(), m.end(), m.group(1)))
    messages = [(m.start(), m.end()) for m in QUOTED_MESSAGE.finditer(segment)]
    amounts = list(AMOUNT.finditer(segment))
    for m in amounts:  # "the default 8 KiB buffer": 8192, the amount the default is said to be
        unit = UNITS.get((m.group("u") or "").lower())
        amount = f"{float(m.group('n')):g}" + (f" {unit}" if unit else "")  # 8 KiB, 30 s, 8192
        found.append(Token(amount, ["value"], index, m.start("n"), m.end("u") if m.group("u") else m.end("n")))
    for m in re.finditer(r"(?<![\w%])%L?\d{1,2}\b", segment):  # "%2 is never replaced": a QString::arg() placeholder
        found.append(Token(m.group(0), ["placeholder"], index, m.start(), m.end()))
    spans = [(a, b, c) for a, b, c in spans if not re.fullmatch(r"\s*%L?\d{1,2}\s*", c)]
    addresses = [m for m in ADDRESS.finditer(segment) if parse_address(m.group(0))]
    for m in addresses:  # "ff12::2115 is a link-local unicast address": an address, never a call or a class
        found.append(Token(m.group(0), ["address"], index, m.start(), m.end()))
    spans = [(a, b, c) for a, b, c in spans if not any(a <= m.start() < b for m in addresses)]
    for m in BARE_CODE.finditer(segment):
        if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in ((x.start(), x.end()) for x in addresses)) \
                or any(x.start("n") <= m.start() < x.end() for x in amounts):
            continue
        if not any(a <= m.start() < b for a, b, _ in spans) and not any(a <= m.start() < b for a, b in messages):
            spans.append((m.start(), m.end(), m.group(0)))
    for m in QUOTED_TEXT.finditer(segment):  # 'the status text says "This examples requires ..."'
        before = plain(segment[max(0, m.start() - 60):m.start()]).lower()
        words = (m.group("a") or m.group("b") or m.group("c")).strip().rstrip(".").strip()
        words = re.sub(r"\s*(?:\.\.\.|\u2026)\s*$", "", words).strip()  # an ellipsis cuts the quote short
        if re.search(r"\b(?:says?|reads?|contains?|shows?|prints?|displays?|typo|misspell\w*|spelled|message|text|"
                     r"string)\W*$", before) and not re.search(r"\b(?:should|instead|correct|rather)\b[^.;]*$", before) \
                and len(words.split()) >= 2:
            found.append(Token(words, ["text"], index, m.start(), m.end()))
    # "Sender has no Q_OBJECT": a capitalized word may be a class the file defines; not in a Title Case title
    capitalized = len(re.findall(r"(?<![\w`])[A-Z][a-z]+\b(?!`)", plain(segment))[1:])
    for m in PLAIN_CLASS.finditer(segment if capitalized < 3 else ""):
        if any(x.start() <= m.start() < x.end() for x in addresses) or any(
                x.start("n") <= m.start() < x.end() for x in amounts):  # "8 KiB": an amount's unit, no class
            continue
        if any(a <= m.start() < b for a, b, _ in spans) or any(a <= m.start() < b for a, b in messages) \
                or not re.search(r"\w[\w,)]*\s+$", plain(segment[:m.start()])) and not FIRST_WORD_VERB.match(
                    segment[m.end():]) or m.group(0).lower() in keywords \
                or m.group(0).lower() in COMMON_WORDS \
                or re.search(r"\b[A-Z]\w*\s+$", segment[:m.start()]) or re.match(r"\s+[A-Z][a-z]", segment[m.end():]) \
                or re.match(r"\s*\d", segment[m.end():]):
            continue  # a sentence's first word is capitalized by the language (unless a verb of code follows:
            # "Producer lacks Q_OBJECT"); Title Case Words by a title;
            # "PS2, Line 24:", "Figure 3" count or place something
        found.append(Token(m.group(0), ["class", "type", "symbol"], index, m.start(), m.end(), soft=True))
    for start, end, code in sorted(spans):
        header = re.fullmatch(r"\s*(?:#\s*include\s*)?[<\"]([^<>\"]+)[>\"]?\s*", code)
        if header and (code.lstrip().startswith("#") or code.lstrip().startswith("<")):
            found.append(Token(header.group(1).strip(), ["header"], index, start, end))
            continue
        if re.search(r"\s(?:[<>]=?|[!=]=|&&|\|\||[-+*/%])\s", code) and not code.lstrip().startswith("#"):
            # an expression (`count < limit`): the names it contains, each of its own kind
            # the names it contains; a string literal's text ("exit" == str) names nothing
            for part in re.finditer(r"[A-Za-z_]\w*(?:(?:::|->|\.)[A-Za-z_]\w*)*(?:\(\))?",
                                    re.sub(r'"(?:[^"\\]|\\.)*"', lambda q: " " * len(q.group(0)), code)):
                word = normalize(part.group(0))
                if word and word not in keywords:
                    found.append(Token(word, _shape_kinds(word), index, start, end))
            continue
        decl = re.fullmatch(r"(?:const\s+)?([A-Z]\w*(?:::\w+)*(?:<[^<>]*>)?)(?:\s+|\s*[*&]+\s*)([a-z_]\w*)\s*;?", code.strip())
        if decl:  # `QElapsedTimer timer`: a declaration names a type and a variable
            found.append(Token(decl.group(1), ["type", "class", "symbol"], index, start, end))
            found.append(Token(decl.group(2), ["variable", "symbol"], index, start, end))
            continue
        pointer = re.fullmatch(r"(?:const\s+)?([A-Za-z_][\w:]*)\s*[*&]+", code.strip())
        if pointer and pointer.group(1) not in keywords:  # `InvokeCounter*`: a pointer (or reference) type
            found.append(Token(pointer.group(1), ["type", "class", "symbol"], index, start, end))
            continue
        name = normalize(code)
        if not name or name in keywords or CWE_ID.fullmatch(name) or not re.search(r"[A-Za-z_]", name) \
                or name in not_code and segment[start:start + 1] != "`":
            continue
        for arg in template_args(code):  # `qRegisterMetaType<QImage>()`: the type it is given is named too
            found.append(Token(arg, _shape_kinds(arg), index, start, end))
        kinds = _shape_kinds(name)
        if (re.search(r"->|\(|\w\.\w+\(", code) or segment[end:end + 1] == "(" and "macro" not in kinds) \
                and kinds != ["header"]:  # a call (`QTimer::singleShot(100, this, ...)` too): what it calls
            kinds = ["callee", "function", "symbol"]
        stated = _kind_after(segment, end)
        if stated and kinds != ["header"]:
            kinds = {"function": ["function", "callee"]}.get(stated, [stated])
        elif kinds != ["header"] and _word_before(segment, start):
            before = _word_before(segment, start).group(1).lower()
            if before in containers:  # "in `ServerThread`", "in `dataExchange`": where, not what
                kinds = ["class"] if kinds[0] == "class" else [k for k in kinds if k != "symbol"]
        found.append(Token(name, kinds, index, start, end))
    return sorted(found, key=lambda t: (t.start, t.soft))


def _plain_spans(segment: str) -> tuple[str, list[int]]:
    """The segment without Markdown marks, with a map from plain offsets back to the segment's."""
    out, where = [], []
    i = 0
    while i < len(segment):
        if segment.startswith("**", i) or segment.startswith("__", i):
            i += 2
            continue
        if segment[i] == "`":
            i += 1
            continue
        out.append(segment[i])
        where.append(i)
        i += 1
    where.append(len(segment))
    return "".join(out), where


# ---------------------------------------------------------------- mapping

@dataclass
class Match:
    rule: str
    attr: int | None      # None: a base phrase of the rule; else the index of the attribute
    segment: int
    start: int            # offsets in the segment (with Markdown)
    end: int
    topic: bool = False   # a topic phrase: brings the rule up for its attributes, asserts nothing itself


def _matches(segments: list[str], rules: list[Rule], topics: list[Match] = (), tokens: list = ()) -> list[Match]:
    """Every rule phrase in the segments; topics: matches the claim's names already made. A rule that asks about
    the name its words are followed by ("never checks `isValid()`") is not matched where no name follows them
    ("never checks the result of listen()" is another rule's)."""
    found: list[Match] = list(topics)
    for si, seg in enumerate(segments):
        text, where = _plain_spans(seg)
        for rule in rules:
            block = rule.claims or {}
            for a, b in find_phrases(text, block.get("phrases", [])):
                found.append(Match(rule.id, None, si, where[a], where[b]))
            for a, b in find_phrases(text, block.get("topic_phrases", [])):
                found.append(Match(rule.id, None, si, where[a], where[b], topic=True))
            for ai, attr in enumerate(block.get("attributes", [])):
                for a, b in find_phrases(text, attr["phrases"]):
                    if _clause_words_allow(attr, seg, where[a], where[b]):
                        found.append(Match(rule.id, ai, si, where[a], where[b]))
    wants_object = {r.id: r for r in rules
                    if any(a.get("object_is_subject") for a in (r.claims or {}).get("attributes", []))}
    if wants_object:
        def has_object(m: Match) -> bool:
            if _object_before(wants_object[m.rule], m, segments):  # "app.exec() is never called"
                return any(t.segment == m.segment and t.end <= m.start
                           and re.fullmatch(r"\s*", plain(segments[m.segment][t.end:m.start])) for t in tokens)
            lead = _object_lead(wants_object[m.rule], m, segments)
            return any(t.segment == m.segment and t.start >= m.end
                       and re.fullmatch(lead, plain(segments[m.segment][m.end:t.start])) for t in tokens)
        def asks_object(m: Match) -> bool:  # the rule's own phrase, or an attribute that takes the name
            if m.attr is None:
                return True
            return bool(wants_object[m.rule].claims["attributes"][m.attr].get("object_is_subject"))
        found = [m for m in found if m.rule not in wants_object or m.topic or not asks_object(m) or has_object(m)]
    # an attribute phrase counts only for a rule the claim brings up ("is redundant" is no include's when no
    # include is spoken of), and a longer phrase of another rule wins over the shorter one it overlaps
    spoken = {m.rule for m in found if m.attr is None}
    found = [m for m in found if m.attr is None or m.rule in spoken]
    kept: list[Match] = []
    # an intensifier inside a phrase ("is strictly unnecessary") does not make it the longer one
    size = {id(m): len(re.sub(r"\b" + INTENSIFIERS + r"\s+", "", plain(segments[m.segment][m.start:m.end]), flags=re.I))
            for m in found}
    def overlap(a: Match, b: Match) -> bool:
        return a.segment == b.segment and a.start < b.end and b.start < a.end

    # of two phrases alike in length, an attribute's (what the claim states) wins over a rule's bare phrase there,
    # unless that rule states something with the same words too
    stating = {(m.rule, m.segment, m.start, m.end) for m in found if m.attr is not None}
    for m in sorted(found, key=lambda m: (-size[id(m)], m.attr is None)):
        if not any(k.rule != m.rule and overlap(k, m)
                   and (size[id(k)] > size[id(m)] or size[id(k)] == size[id(m)] and k.attr is not None
                        and m.attr is None and (m.rule, m.segment, m.start, m.end) not in stating) for k in kept):
            kept.append(m)
    # two attributes of one rule overlapping ("without holding the lock" holds "holding the lock"): the phrase
    # that starts first is the one said
    return [m for m in kept if m.attr is None or not any(
        k.attr is not None and k.attr != m.attr and k.rule == m.rule and k.segment == m.segment
        and k.start < m.end and m.start < k.end and (k.start, -(k.end - k.start)) < (m.start, -(m.end - m.start))
        for k in kept)]


def _clause_words_allow(attr: dict, segment: str, start: int, end: int) -> bool:
    """An attribute with `when_words` counts only where one of them stands in its phrase's clause ("with the default
    of 8 passes the shift overflows"), one with `unless_words` only where none does."""
    if not attr.get("when_words") and not attr.get("unless_words"):
        return True
    a, b = polarity.clause_span(segment, start, end)
    clause = plain(segment[a:b])
    def has(words) -> bool:
        return any(re.search(rf"\b{re.escape(w)}s?\b", clause, re.IGNORECASE) for w in words)
    if attr.get("when_words") and not has(attr["when_words"]):
        return False
    return not (attr.get("unless_words") and has(attr["unless_words"]))


OBJECT_LEAD = r"\s*(?:(?:the|its|their|a|an)\s+)?"
# "never given a version with `setVersion()`": a few words, then the call that does it
OBJECT_WITH_LEAD = r"\s*(?:(?:the|its|their|a|an)\s+)?(?:[\w-]+\s+){0,3}?(?:with|using|via|by calling|through)\s+" \
                   r"(?:(?:the|its|a|an)\s+)?"


REASON = re.compile(r"\b(?:since|because|given that|seeing that)\b|,\s*as\s", re.I)


def _in_reason(segment: str, start: int) -> bool:
    """Whether the words at start stand in a clause giving the claim's reason ("... is redundant: qlocalserver.h
    already includes it, since nextPendingConnection() returns a QLocalSocket *")."""
    before = plain(segment[:start])
    clause = re.split(r"[.;:!?\u2014]\s", before)[-1]
    found = list(REASON.finditer(clause))
    if not found:
        return False
    last = found[-1]
    # "Because run() copies them first, the frame is computed from ...": a leading reason ends at its comma
    return not (not clause[:last.start()].strip() and "," in clause[last.end():])


def _object_lead(rule: Rule, m: Match, segments: list[str] | None = None) -> str:
    """What may stand between an attribute's words (or the rule's own phrase, as an attribute also says it)
    and the name they ask about."""
    attrs = rule.claims.get("attributes", [])
    if m.attr is not None:
        how = attrs[m.attr].get("object_is_subject")
    else:
        said = plain(segments[m.segment][m.start:m.end]).lower() if segments else ""
        how = next((a.get("object_is_subject") for a in attrs if a.get("object_is_subject") == "with"
                    and any(phrase_pattern(p).fullmatch(said) for p in a["phrases"])), None)
    return OBJECT_WITH_LEAD if how == "with" else OBJECT_LEAD


def _object_before(rule: Rule, m: Match, segments: list[str]) -> bool:
    """Whether the phrase m matched asks about the name before it ("`exec()` is never called"), not after it."""
    said = plain(segments[m.segment][m.start:m.end]).lower()
    return any(a.get("object_is_subject") == "before" and any(phrase_pattern(p).fullmatch(said) for p in a["phrases"])
               for a in (rule.claims or {}).get("attributes", []))


def _code_inside(segments: list[str], t, m) -> bool:
    """A name in backticks whose code is inside the phrase ("`wakeOne()` would do" for "wakeOne() would do")."""
    text = segments[t.segment][t.start:t.end]
    return text.startswith("`") and text.endswith("`") and m.start <= t.start + 1 and t.end - 1 <= m.end


def _cwes_of(rule: Rule) -> set[str]:
    return set((rule.claims or {}).get("cwe", [])) | set(rule.cwe) | set(rule.cwe_related)


NUMBER_WORDS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                                 "nine", "ten"])}

SCOPE_KINDS = {"function", "class", "context"}


def _fits(rule: Rule, subjects: dict) -> bool:
    """The claim names code of the kind the rule is about (not only the function or class it stands in)."""
    accepted = (rule.claims or {}).get("subjects", [])
    own = set((rule.claims or {}).get("scope_subjects", []))
    return any(k not in SCOPE_KINDS or (accepted and k == accepted[0]) or k in own for k in subjects)


def _others_take(rid: str, own: list[Token], chosen: dict) -> bool:
    """The code named next to a rule's phrases is what another rule's part is about."""
    return any(t.name in _all_names(chosen, rid) for t in own)


def _names_only_taken(rid: str, matches: list[Match], segments: list[str], chosen: dict) -> bool:
    """A rule matched only by naming code ('QCOMPARE') that another rule's part is about: that rule is meant."""
    names = [plain(segments[m.segment][m.start:m.end]) for m in matches if m.rule == rid and m.attr is None]
    if not names or not all(BARE_CODE.fullmatch(n) or n in _all_names(chosen, rid) for n in names):
        return False
    return all(n in _all_names(chosen, rid) for n in names)


def _named_as_purpose(rid: str, matches: list[Match], segments: list[str]) -> bool:
    """A rule matched only by code named as what another thing is for ("<qdebug.h> is needed for the qDebug()
    calls"): that code is the reason given, not what the claim is about."""
    mine = [m for m in matches if m.rule == rid and m.attr is None and not m.topic]
    return bool(mine) and all(
        BARE_CODE.fullmatch(plain(segments[m.segment][m.start:m.end]))
        and re.search(r"\b(?:for|by)\s+(?:the\s+|its\s+|a\s+|each\s+|every\s+)?`?$",
                      plain(segments[m.segment][:m.start]))
        for m in mine)


def _all_names(chosen: dict, skip: str) -> set[str]:
    return {v for rid, subjects in chosen.items() if rid != skip for vs in subjects.values() for v in vs}


def _contexts(text: str) -> list[str]:
    return [name for name, words in data()["contexts"].items() if find_phrases(plain(text), words)]


def _says(rule: Rule, subjects: dict, words: str = "") -> str:
    """The part in plain words: the question, the names it asks about, and what the review says of them."""
    names = ", ".join(v for k, vs in subjects.items() if k not in SCOPE_KINDS for v in vs) or \
        ", ".join(v for vs in subjects.values() for v in vs)
    head = f"{rule.title}: {names}" if names else rule.title
    return f"{head}: '{words}'" if words else head


DENIAL = re.compile(r"\b(?:never|no|not|without|lacks?|lacking|missing|nothing|absent|isn't|doesn't|don't|"
                    r"aren't|none)\b", re.I)


def _denied(segment: str, token: Token) -> bool:
    """The clause says the token is not there or not used, before naming it ("never uses `X`", "no `X`",
    "without `X`"). "`X` is never used" is not a denial: it takes X's existence for granted."""
    a, _ = polarity.clause_span(segment, token.start, token.end)
    return bool(DENIAL.search(plain(segment[a:token.start])))


def _polarity_of(mine: list[Match], segments: list[str], title_count: int, context: bool) -> polarity.Reading:
    """What the clauses in which a rule's base phrases stand say: the code has the weakness, is fine, or unsure.

    A clause without a cue word takes the item's title ("Inadequate error handling: ..."). A rule that only the
    naming of code brought in (`QVERIFY`, `Q_OBJECT`) with no word on what is wrong or right with it is unsure:
    the claim names the thing but says nothing of it that qtcheck can read."""
    base = [m for m in mine if m.attr is None] or mine
    readings = [polarity.read_at(segments[m.segment], m.start, m.end) for m in base]
    if not readings:  # chosen by a CWE id: the whole claim speaks
        return polarity.read(plain(" ".join(segments)))
    said = {r.polarity for r in readings if not r.why.startswith("no word")}
    if len(said) > 1 or polarity.UNSURE in said:
        unsure = next((r for r in readings if r.polarity == polarity.UNSURE), None)
        return unsure or polarity.Reading(polarity.UNSURE, "one sentence says the code is fine, another that it is "
                                                            "not: " + "; ".join(r.why for r in readings))
    if said:
        return next(r for r in readings if r.polarity in said)
    if title_count:
        title = polarity.read(plain(segments[0]))
        if not title.why.startswith("no word"):
            return title
    names_only = all(BARE_CODE.fullmatch(plain(segments[m.segment][m.start:m.end]).strip())
                     or segments[m.segment][max(m.start - 1, 0):m.start] == "`" for m in base)
    if names_only and not context and all(m.attr is None for m in mine):
        named = plain(segments[base[0].segment][base[0].start:base[0].end]).strip()
        return polarity.Reading(polarity.UNSURE, f"it names {named} but says nothing of it that qtcheck can read "
                                                 f"as a problem or as fine")
    return readings[0]


QUALIFIER_WORDS = re.compile(r"\bthe (destructor|constructor|worker)(?: thread)?\b", re.I)  # the worker: run()


def _named_as_place(text: str, a: int, t: Token) -> bool:
    """A call-shaped name after in/inside/within/from in the clause starting at a: "... in `poll()`"."""
    return bool(re.fullmatch(r"`?\w+\(\)`?", text[t.start:t.end])
                and re.search(r"\b(?:in|inside|within|from)\s+(?:the\s+)?$", plain(text[a:t.start]), re.I))


def _qualifiers(segments: list[str], tokens: list[Token]) -> dict[str, str]:
    """Name -> the function its clause says it is in: "run() reads `restart` without the lock" speaks of the
    accesses in run(); "the destructor sets `abort` under the lock" of those in the destructor. A bare call
    opening the clause, before other names, is where the clause happens."""
    out: dict[str, str] = {}
    for t in tokens:
        text = segments[t.segment]
        a, b = polarity.clause_span(text, t.start, t.end, ands=True)
        mates = [u for u in tokens if u.segment == t.segment and a <= u.start < b]
        first = mates[0] if mates else None
        lead = plain(text[a:first.start]).strip().lower() if first else ""
        if first is not None and first is not t and re.fullmatch(r"`?\w+\(\)`?", text[first.start:first.end]) \
                and lead in ("", "and", "but", "while", "so", "then", "and then") and len(mates) > 1:
            out[t.name] = first.name
            continue
        inside = [u for u in mates if u is not t and _named_as_place(text, a, u)]
        if inside:  # "`m_seen` is read under the lock in `poll()`"
            out[t.name] = inside[0].name
            continue
        words = list(QUALIFIER_WORDS.finditer(plain(text[:t.start])))  # "The destructor ...: it sets `abort`"
        if words:
            out[t.name] = f"the {words[-1].group(1).lower()}"
    return out


def _clause_place(text: str, m, tokens: list[Token]) -> str | None:
    """The function a phrase's clause says it happens in, the nearest named before the phrase: "the destructor" /
    "the constructor", or a call-shaped name after in/inside/within/from ("in `run()` ... without the mutex");
    None when the clause names none before it."""
    a, _ = polarity.clause_span(text, m.start, m.end, ands=True)
    found: list[tuple[int, str]] = []
    for w in QUALIFIER_WORDS.finditer(text, a, m.start):
        found.append((w.start(), f"the {w.group(1).lower()}"))
    for t in tokens:
        if a <= t.start < m.start and _named_as_place(text, a, t):
            found.append((t.start, t.name))
    return max(found)[1] if found else None


def map_unit(unit: Unit, rules: list[Rule]) -> list[Part]:
    d = data()
    by_id = {r.id: r for r in rules}
    segments = ([unit.title] if unit.title else []) + [s for s in unit.sentences if not is_advice_sentence(s)]
    title_count = 1 if unit.title else 0
    whole = " ".join(segments)
    flat = plain(whole)
    absent = any(re.search(p, flat, re.I) for p in d["absence"])
    # a plain capitalized word in a title ("CWE-787 (Out-of-bounds Write)") is the title's wording, never a name
    tokens = [t for i, s in enumerate(segments) for t in tokens_of(s, i) if not (t.soft and i < title_count)]
    topics = [Match(rule.id, None, t.segment, t.start, t.end, topic=True)  # `<cstdlib>` brings up includes
              for rule in rules for t in tokens if set((rule.claims or {}).get("topic_subjects", [])) & set(t.kinds)]
    matches = _matches(segments, rules, topics, tokens)
    cwes = cwe_ids(whole)
    covering_cwe: set[str] = set()
    # rules in the order the claim brings them up
    selected = list(dict.fromkeys(m.rule for m in sorted(matches, key=lambda m: (m.segment, m.start))
                                  if m.attr is None))
    if not absent:
        for rule in rules:
            if set(cwes) & set((rule.claims or {}).get("cwe", [])) and rule.id not in selected:
                selected.append(rule.id)
                covering_cwe.add(rule.id)
        # a cited CWE that some rule covers says which of the rules the phrases found is meant
        covering = [rid for rid in selected if set(cwes) & _cwes_of(by_id[rid])]
        covering_cwe.update(covering)
        if covering:
            selected = covering

    # attributes' objects ("already included in `QtTest/QtTest.h`") are values, not subjects
    via: dict[tuple[str, int], str] = {}
    clashing: set[tuple[str, int]] = set()  # attributes given two different numbers
    # a name inside a phrase is part of it ("with `mutex` held"), not what the claim is about
    consumed: set[int] = {ti for ti, t in enumerate(tokens) for m in matches
                          if m.attr is not None and m.segment == t.segment and (m.start <= t.start and t.end <= m.end
                                                                                or _code_inside(segments, t, m))}
    for m in matches:
        if m.attr is None:
            continue
        # an attribute that takes an object ("does not override `X`") takes the name right after it too
        attr = by_id[m.rule].claims["attributes"][m.attr]
        direct = attr.get("takes_object", False)
        valued = "$via" in (attr.get("expects") or {}).values()  # "already included in `X`": X is the value
        if attr.get("number_after"):
            if (m.rule, m.attr) in clashing:  # "so row 1 stays empty": the 1
                continue
            seg = segments[m.segment]
            a, b = polarity.clause_span(seg, m.start, m.end)
            word = re.escape(attr["number_after"])
            found = set(re.findall(rf"\b{word}s?\s+#?(\d+)\b", plain(seg[a:b]), re.IGNORECASE))
            if len(found) == 1 and via.get((m.rule, m.attr), next(iter(found))) == next(iter(found)):
                via[(m.rule, m.attr)] = next(iter(found))
            elif found:  # two numbers for one statement ("row 0 and row 2 are empty"): not read as either
                via.pop((m.rule, m.attr), None)
                clashing.add((m.rule, m.attr))
            continue
        if attr.get("subject_is_object"):  # "`client.h` already pulls them in": the name before the phrase
            before = [ti for ti, t in enumerate(tokens) if t.segment == m.segment and t.end <= m.start
                      and re.fullmatch(r"\s*", plain(segments[m.segment][t.end:m.start]))]
            if before:
                via.setdefault((m.rule, m.attr), tokens[before[-1]].name)
                consumed.add(before[-1])
                continue
        for ti, t in enumerate(tokens):
            gap = segments[m.segment][m.end:t.start] if t.segment == m.segment else None
            if gap is not None and t.start >= m.end and (
                    (valued or not direct) and re.fullmatch(r"\s*(?:(?:in|by|from|into|through|via)\s+(?:the\s+)?|the\s+)"
                                                            r"(?:\w+\s+){0,3}", plain(gap))
                    or direct and re.fullmatch(r"\s*(?:an?\s+)?", plain(gap))):
                via.setdefault((m.rule, m.attr), t.name)
                consumed.add(ti)
                break
        if (m.rule, m.attr) not in via and attr.get("takes_number"):  # "jumps straight to 4": a number, or a word
            word = re.match(r"\s*`?(-?\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b`?",
                            plain(segments[m.segment][m.end:]), re.I)
            if word:
                via[(m.rule, m.attr)] = str(NUMBER_WORDS.get(word.group(1).lower(), word.group(1)))
        if (m.rule, m.attr) not in via and attr.get("takes_type"):  # "returns a quint16": a type in plain words
            word = re.match(r"\s*(?:an?\s+)?([A-Za-z_]\w*(?:::\w+)*)\b", plain(segments[m.segment][m.end:]))
            if word and (word.group(1) in BUILTIN_TYPES or re.fullmatch(r"Q[A-Z]\w*(?:::\w+)*", word.group(1))):
                via[(m.rule, m.attr)] = word.group(1)

    def own_tokens(rid: str, only: list[Match] | None = None, strict: bool = False) -> list[Token]:
        """The code named in the clauses where the rule's phrases stand; else in their sentences; else in the
        item's title; else anywhere in a claim of one sentence. With only: in the clauses of those matches; with
        strict, in those clauses alone."""
        mine = only if only is not None else [m for m in matches if m.rule == rid]
        free = [t for ti, t in enumerate(tokens) if ti not in consumed]
        spans = [(m.segment, *polarity.clause_span(segments[m.segment], m.start, m.end, ands=strict)) for m in mine]
        pool = [t for t in free if any(t.segment == s and a <= t.start < b for s, a, b in spans)]
        if strict:
            return pool
        for seg, a, b in spans:
            # "..., but it's not used" / "X manage Y but do not implement Z": a pronoun, or a clause without a
            # subject of its own, speaks of what the sentence named before it
            said = plain(segments[seg][a:b]).strip()
            if re.search(r"\b(?:it|its|it's|they|them|their|this|these|those|which|both)\b", said, re.I) or re.match(
                    r"(?:do|does|did|is|are|was|were|has|have|had|can|cannot|could|may|might|will|would|should|"
                    r"must|only|never|also|then|still)\b", said, re.I):
                before = [t for t in free if t.segment == seg and t.start < a]
                if not before and not pool:
                    before = [t for t in free if t.segment == seg - 1]
                    plural = re.search(r"\b(?:both|they|these|those|them)\b", plain(segments[seg][:b]), re.I)
                    if re.match(r"(?:it|its|it's|this)\b", said, re.I) and not plural:
                        before = before[:1]  # "It can be removed.": what the sentence before spoke of first
                pool += before
        if pool:
            return [t for i, t in enumerate(pool) if all(t is not u for u in pool[:i])]
        segs = {m.segment for m in mine}
        pool = [t for t in free if t.segment in segs and polarity.clauses(segments[t.segment]) == 1]
        if pool:
            return pool
        pool = [t for t in free if t.segment < title_count]
        if not pool and segs and all(s < title_count and re.match(r"\W*CWE-\d+\W*(?:\([^()]*\))?\W*$",
                                                                  plain(segments[s])) for s in segs) \
                and len(segments) > title_count:
            # "CWE-362 (Race Condition): blockSize is written by ...": a CWE label that names nothing speaks of
            # what the first sentence under it names
            pool = [t for t in free if t.segment == title_count]
        return pool or (free if len(segments) - title_count <= 1 else [])

    guessed: set[str] = set()  # call-shaped names taken for signals: kept only if the file shows a signal
    constructors: set[str] = set()  # call-shaped capitalized names taken for classes: kept only if the file has one

    def phrase_objects(rule: Rule) -> list[Token] | None:
        """The names right after an attribute phrase that asks about its object ("never looks at `exitCode()` or
        `exitStatus()`"), a list joined by commas, 'or', 'and' included; None when no such phrase stands in the
        claim ("Qt never calls it" names no object: [])."""
        out: list[Token] | None = None
        for m in matches:
            if m.rule != rule.id or m.attr is None or not rule.claims["attributes"][m.attr].get("object_is_subject"):
                continue
            out = out if out is not None else []
            if rule.claims["attributes"][m.attr].get("object_is_subject") == "before":
                before = [t for t in tokens if t.segment == m.segment and t.end <= m.start
                          and re.fullmatch(r"\s*", plain(segments[m.segment][t.end:m.start]))]
                out += before[-1:]
                continue
            end, taken = m.end, 0
            for t in sorted((t for t in tokens if t.segment == m.segment and t.start >= m.end), key=lambda t: t.start):
                gap = plain(segments[m.segment][end:t.start])
                # "X(), Y() or Z()"; not ", and image.scanLine() then returns ...": a new clause
                if not taken and re.fullmatch(_object_lead(rule, m), gap) or taken and re.fullmatch(
                        r"\s*(?:,|or|and|nor)\s*(?:(?:the|its|their)\s+)?", gap):
                    out.append(t)
                    end, taken = t.end, taken + 1
                else:
                    break
        return out

    def subjects_for(rule: Rule) -> dict[str, list[str]]:
        accepted = (rule.claims or {}).get("subjects", [])
        segs = {m.segment for m in matches if m.rule == rule.id}
        objects = phrase_objects(rule)
        pool = objects if objects is not None else own_tokens(rule.id)
        out: dict[str, list[str]] = {}
        for t in pool:
            kind = next((k for k in accepted if k in t.kinds), None)
            if kind is None and "signal" in accepted and "callee" in t.kinds and "macro" not in _shape_kinds(t.name):
                kind = "signal"  # `readyRead()` to a question about signals: the file tells whether it is one
                guessed.add(t.name)
            elif kind is None and "callee" in t.kinds and re.fullmatch(r"[A-Z][a-z]\w*", t.name) \
                    and {"class", "type"} & set(accepted):
                # "InvokeCounter() takes no parent, so these counters leak": a constructor names its class; kept
                # only if the file defines a class so named
                kind = next(k for k in accepted if k in ("class", "type"))
                constructors.add(t.name)
            if kind and t.name not in out.setdefault(kind, []):
                out[kind].append(t.name)
        if "context" in accepted:
            ctx = [c for s in segs for c in _contexts(segments[s])]
            if ctx:
                out["context"] = list(dict.fromkeys(ctx))
        return {k: v for k, v in out.items() if v}

    # a rule brought up by a topic alone ("slot", "#include") and none of its attributes says nothing: it takes
    # no names from the rules the claim does speak to
    def says_something(m: Match) -> bool:  # an attribute whose value the claim does not give ("returns" and no
        if m.attr is None:                  # type after it) makes no part, and takes no names from the others
            return not m.topic
        attr = by_id[m.rule].claims["attributes"][m.attr]
        return "$via" not in (attr.get("expects") or {}).values() or (m.rule, m.attr) in via
    selected = [rid for rid in selected if any(m.rule == rid and says_something(m) for m in matches)
                or rid in covering_cwe]
    chosen = {rid: subjects_for(by_id[rid]) for rid in selected}
    selected = [rid for rid in selected if not _names_only_taken(rid, matches, segments, chosen)
                and not (len(selected) > 1 and _named_as_purpose(rid, matches, segments))]
    fits = {rid: _fits(by_id[rid], chosen[rid]) for rid in selected}
    # "there are no format-string vulnerabilities (all qDebug() output uses fixed strings)": the absence is said of
    # what the phrase names; a question brought up only by naming code (qDebug) is an illustration here
    token_names = {t.name for t in tokens}

    def names_only(rid: str) -> bool:
        said = [plain(segments[m.segment][m.start:m.end]) for m in matches if m.rule == rid and m.attr is None
                and not m.topic]
        return bool(said) and all(BARE_CODE.fullmatch(x) or normalize(x) in token_names for x in said)
    if absent and any(not names_only(rid) and any(m.rule == rid and m.attr is None and not m.topic for m in matches)
                      for rid in selected):
        selected = [rid for rid in selected if not names_only(rid)]
    # a question about the whole file (no subjects: "no format-string vulnerabilities") takes no names, so names
    # another question takes do not make it someone else's claim
    final = [rid for rid in selected if fits[rid] or not (by_id[rid].claims or {}).get("subjects") and any(
        m.rule == rid and m.attr is None and not m.topic for m in matches) or (
        not (by_id[rid].claims or {}).get("needs_subjects") and not _others_take(rid, own_tokens(rid), chosen))]

    parts: list[Part] = []
    for rid in final:
        rule = by_id[rid]
        subjects = chosen[rid]
        primary = next((k for k in rule.claims.get("subjects", []) if k != "context" and k in subjects), None)
        splits = [{**subjects, primary: [v]} for v in subjects[primary]] if primary else [subjects]
        key_of = (lambda x: x[primary][0]) if primary else None
        alternatives = [k for k in rule.claims.get("alternatives", []) if k in subjects]
        if alternatives:  # a variable and a call named together are two things asked about, each on its own
            rest = {k: v for k, v in subjects.items() if k not in alternatives}
            where = _qualifiers(segments, own_tokens(rid))
            splits = [{**rest, k: [v], **({"function": [where[v]]} if where.get(v) else {})}
                      for k in alternatives for v in subjects[k] if v not in where.values()]
            key_of = lambda x: next((x[k][0] for k in alternatives if k in x), "")  # noqa: E731
        mine = [m for m in matches if m.rule == rid]
        attrs = sorted({m.attr for m in mine if m.attr is not None})
        body_segs = {m.segment for m in mine if m.segment >= title_count}
        keeps = {ai for ai in attrs if rule.claims["attributes"][ai].get("keeps_base")}
        base = not set(attrs) - keeps or any(all(m.attr is None or m.attr in keeps for m in mine if m.segment == s)
                                             for s in body_segs)
        base = base and any(m.attr is None and not m.topic for m in mine)  # topic phrases assert nothing
        reading = (polarity.Reading(polarity.FINE, "says there is none") if absent
                   else _polarity_of(mine, segments, title_count, "context" in subjects))
        asserts = "absent" if reading.polarity == polarity.FINE else "present"
        denied = [t.name for t in tokens if _denied(segments[t.segment], t)]
        if base:
            # calls the claim names that a rule judging it on every site cannot look up ("the socket from
            # `nextPendingConnection()` leaks"): the part is about something the rule cannot place
            unplaced = [] if subjects or not rule.claims.get("exhaustive") or asserts == "absent" else list(
                dict.fromkeys(t.name for t in own_tokens(rid) if "callee" in t.kinds))
            said = [m for m in mine if m.attr is None and not m.topic]
            premise = bool(said) and all(_in_reason(segments[m.segment], m.start) for m in said)
            parts += [Part(_says(rule, s), rules=[rid], subjects=s, asserts=asserts, unplaced=unplaced,
                           polarity=reading.polarity, reading=reading.why, premise=premise,
                           denied=[n for n in denied if any(n in v for v in s.values())]) for s in splits]
        for ai in attrs:
            attr = rule.claims["attributes"][ai]
            if "why" in attr:
                parts.append(Part(f"{rule.title}: {attr['phrases'][0]}", rules=[rid], opinion=True, why=attr["why"]))
                continue
            expects = {}
            for key, value in attr["expects"].items():
                expects[key] = via.get((rid, ai)) if value == "$via" else value
            if None in expects.values():
                continue
            negated = [m for m in mine if m.attr == ai and polarity.negated(plain(segments[m.segment][:m.start]))]
            first = min((m for m in mine if m.attr == ai), key=lambda m: (m.segment, m.start))
            words = plain(segments[first.segment][first.start:first.end])
            if "$via" in attr["expects"].values():  # "returns quint16": the value is part of what it says
                words += " " + " ".join(str(expects[k]) for k, v in attr["expects"].items() if v == "$via")
            if key_of:  # the names this attribute speaks of: those in its own clause, when it names any
                own = [m for m in mine if m.attr == ai]
                clause_names = own_tokens(rid, own, strict=bool(alternatives) or bool(rule.claims.get("own_clause")))
                if alternatives:  # "sets `abort` with the lock held, then calls `wait()`": what stands before it
                    before = [t for t in clause_names if any(t.segment == m.segment and t.end <= m.start for m in own)]
                    clause_names = before or clause_names
                near = {t.name for t in clause_names}
                if not near and rule.claims.get("own_clause"):
                    continue  # "parameters are copied at the top of each iteration, and `x` is emitted ...": the
                    # statement is about what its own clause names, here nothing the question can look up
                attr_splits = [x for x in splits if x and key_of(x) in near]
                if alternatives and not near:
                    # a clause naming nothing does not take the names another attribute's clause has
                    others = {t.name for aj in attrs if aj != ai
                              for t in own_tokens(rid, [m for m in mine if m.attr == aj], strict=True)}
                    attr_splits = [x for x in splits if x and key_of(x) not in others] or (
                        [{}] if others else splits)  # then only the cited lines say what it is about
                attr_splits = attr_splits or splits
            else:
                attr_splits = splits
            if "function" in (rule.claims or {}).get("subjects", []):
                # "`quit` is read in run() without the mutex while the destructor sets it under the mutex": the
                # place named in this phrase's own clause is where this statement is made
                first_m = min((m for m in mine if m.attr == ai), key=lambda m: (m.segment, m.start))
                place = _clause_place(segments[first_m.segment], first_m, [t for t in tokens
                                                                            if t.segment == first_m.segment])
                if place:
                    attr_splits = [{**x, "function": [place]} if x else x for x in attr_splits]
            attr_reading = (polarity.Reading(polarity.UNSURE, f"'{attr['phrases'][0]}' is negated: the review says "
                                             f"the opposite of what qtcheck can ask") if negated
                            else polarity.Reading(polarity.DEFECT, f"'{attr['phrases'][0]}'"))
            premise = all(_in_reason(segments[m.segment], m.start) for m in mine if m.attr == ai)
            parts += [Part(_says(rule, s, words), rules=[rid], subjects=s, expects=expects, asserts=asserts,
                           polarity=attr_reading.polarity, reading=attr_reading.why, words=words, premise=premise,
                           denied=[n for n in denied if any(n in v for v in s.values())])
                      for s in attr_splits]

    # a conclusion the claim draws ("... that is a data race") that names nothing its rule can ask about: when only
    # questions of fact answer the rest, the claim's premises must not stand for its conclusion
    if final and all("claims-only" in by_id[rid].tags for rid in final):
        domains = {t for rid in final for t in by_id[rid].tags} - {"claims-only"}
        for rid in selected:
            said = [m for m in matches if m.rule == rid and m.attr is None and not m.topic]
            if rid not in final and said and not absent and by_id[rid].findings and set(by_id[rid].tags) & domains:
                words = plain(segments[said[0].segment][said[0].start:said[0].end])
                parts.append(Part(f"{by_id[rid].title}: '{words}'", why=f"the claim also says '{words}', and names "
                                  f"nothing {rid} can look up to decide it"))
    final_tags = {t for rid in final for t in by_id[rid].tags}
    words = plain(BACKTICK.sub(" ", whole))  # a topic word inside quoted code is not what the review speaks of
    for topic in d["unchecked_topics"]:
        hit = find_phrases(words, topic["phrases"])
        if hit and not set(topic.get("tags", [])) & final_tags:
            said = words[hit[0][0]:hit[0][1]]
            parts.append(Part(f"about {said}", asserts="absent" if absent else "present", why=topic["why"]))
    if not final:
        if absent and cwes:
            parts.append(Part(f"no issue of {', '.join(cwes)}", cwe=cwes, asserts="absent"))
        else:
            for wide in d["review_wide"]:
                if find_phrases(flat, wide["phrases"]):
                    parts.append(Part("; ".join(wide["tags"]) + " defects " + (
                        "absent" if wide.get("asserts") == "absent" else "present"),
                        tags=list(wide["tags"]), asserts=wide.get("asserts", "present")))
                    break
    if find_phrases(flat, d["opinion"]):
        parts.append(Part("a judgement of the code", opinion=True))
    soft = ({t.name for t in tokens if t.soft} - {t.name for t in tokens if not t.soft}) | constructors
    for part in parts:
        part.maybe_signals = [v for v in part.subjects.get("signal", []) if v in guessed]
        part.maybe_names = [v for vs in part.subjects.values() for v in vs if v in soft]
    return parts


# "the file uses `X`", "this code calls `X`": the code is said to spell X (not "QLabel uses Qt::AutoText by default").
PRESENCE = re.compile(r"\b(?:the|this)\s+(?:file|code|test|source|benchmark|example|program)\s+(?:also\s+|still\s+)?"
                      r"(?:uses|calls|includes|declares|defines|connects|emits|creates|instantiates|invokes|"
                      r"relies on|registers|is using)\b", re.I)


def _unmapped_part(unit: Unit) -> Part:
    """A claim no rule maps: its names are still looked up in the file. One the claim says the code uses
    ("the file calls `X`") is a presence the file can refute; any other stays unverifiable."""
    segments = ([unit.title] if unit.title else []) + [s for s in unit.sentences if not is_advice_sentence(s)]
    subjects: dict[str, list[str]] = {}
    present: list[str] = []
    for i, seg in enumerate(segments):
        for t in (t for t in tokens_of(seg, i) if not t.soft):  # a plain capitalized word is no name here
            kind = next((k for k in t.kinds if k in ("variable", "function", "type", "class", "macro", "header",
                                                       "callee", "signal")), None)
            if kind and t.name not in subjects.setdefault(kind, []):
                subjects[kind].append(t.name)
            a, _ = polarity.clause_span(seg, t.start, t.end)
            before = plain(seg[a:t.start])
            if PRESENCE.search(before) and not DENIAL.search(before) and t.name not in present:
                present.append(t.name)  # "the file calls `X`": said to be in the code
    return Part(unit.quote[:80], subjects={k: v for k, v in subjects.items() if v},
                expects={"present": present} if present else {},
                why="this claim maps to no rule of qtcheck (no rule's phrases, CWE ids or subjects match it)")


def _is_preview(unit: Unit) -> bool:
    low = plain(unit.quote).lower().strip()
    return (any(p in low for p in data()["preview"]) or any(low.startswith(p) for p in data()["preview_starts"])
            or low.endswith(":") and len(low.split()) <= 12  # "The server starts like this:" introduces what follows
            or re.fullmatch(r"\(\s*\d+\s+[a-z]+\s*\)", low) is not None)  # Gerrit's "(5 comments)": a count


def _is_courtesy(unit: Unit) -> bool:
    """Only thanks and announcements ("Thanks for the patch! Here is what I found:"), under a heading or not."""
    sentences = [plain(x).lower().strip() for x in unit.sentences]
    return bool(sentences) and all(any(x.startswith(c) for c in data()["courtesy_starts"]) or x.endswith(":")
                                   and len(x.split()) <= 12 for x in sentences) \
        and any(x.startswith(c) for x in sentences for c in data()["courtesy_starts"])


def _clauses(unit: Unit) -> list[Unit]:
    """'While there are no X, the issues could Y': two claims."""
    if unit.item or len(unit.body) != 1:
        return [unit]
    text = unit.body[0]
    m = re.match(r"^(?:\w+,\s*)?(%s)\s+" % "|".join(data()["concessive"]), text, re.I)
    if not m:
        return [unit]
    depth = 0
    for i, ch in enumerate(text[m.end():], m.end()):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            return [Unit(None, "", [text[m.end():i].strip()]), Unit(None, "", [text[i + 1:].strip()])]
    return [unit]


# The longest claim in the reviews of the tests and of the review bench is about 540 characters. Mapping a claim
# to rules relates its names, phrases and clauses pairwise, so its time grows faster than its length; a claim
# of 4,000 characters maps in well under a second whatever it holds, a 200,000-character one could take hours.
MAX_CLAIM_CHARS = 4000


def claims_from_text(text: str, review: str, rules: list[Rule]) -> list[Claim]:
    """The claims of one review's text, as the same records claims YAML loads into."""
    claims: list[Claim] = []
    used: set[str] = set()
    counter = -1
    for unit in [c for u in split_units(text) for c in _clauses(u)]:
        if not unit.item and (_is_preview(unit) or all(is_advice_sentence(x) for x in unit.sentences)) \
                or not unit.quote or _is_courtesy(unit) \
                or re.fullmatch(r"\W*" + SOURCE_FILE + r"\W*", unit.quote):  # "**client.cpp**": a file's heading
            continue  # a preview, or a sentence of advice in a paragraph
        size = len(unit.title) + sum(len(chunk) for chunk in unit.body)
        if size > MAX_CLAIM_CHARS:  # mapping costs more than linear time in the claim's length: not read
            parts = [Part(unit.quote[:80], why=f"the claim is {size} characters long, over the limit of "
                                               f"{MAX_CLAIM_CHARS} for one claim (the claim length limit): not read")]
        else:
            parts = map_unit(unit, rules)
        if not parts and unit.item and all(is_advice_sentence(x) for x in unit.sentences) and not unit.title:
            parts = [Part(unit.quote[:80], opinion=True, why="advice: it says what to change, not what the code does")]
        if not parts:
            parts = [_unmapped_part(unit)]
        if unit.number and re.fullmatch(r"\d+\.\d+", unit.number):  # a sub-bullet of item N: N.k
            ident = unit.number
            counter = max(counter, small_number(unit.number.split(".")[0]))
        else:
            number = small_number(unit.number) if unit.number and unit.number.isdigit() else counter + 1
            counter = max(counter, number)
            ident = str(number)
        if ident in used:
            k = 2
            while f"{ident}.{k}" in used:
                k += 1
            ident = f"{ident}.{k}"
        used.add(ident)
        whole = " ".join([unit.title] + unit.body)
        lines = list(dict.fromkeys(unit.lines + cited_lines(whole)))
        claims.append(Claim(review, ident, unit.quote, lines, parts))
    return claims


def read_reviews(locations: list[str], max_bytes: int) -> list[tuple[str, str, str]]:
    """(location, name, text) of every --review, each read once (standard input can be read only once)."""
    if max_bytes <= 0:
        raise QtcheckError(f"--max-review-bytes must be a positive number of bytes, not {max_bytes}")
    if locations.count("-") > 1:
        raise QtcheckError("--review -: standard input can be read only once")
    out: list[tuple[str, str, str]] = []
    names: set[str] = set()
    for location in locations:
        name, text = read_review(location, max_bytes)
        if name in names:
            raise QtcheckError(f"{location}: two reviews named {name}; rename one (reports name reviews by file name)")
        names.add(name)
        out.append((location, name, text))
    return out


def claims_from_texts(reviews: list[tuple[str, str]], rules: list[Rule]) -> tuple[list[Claim], list[str]]:
    """The claims of each (name, text) review, and a notice for each review that holds none."""
    claims: list[Claim] = []
    notices: list[str] = []
    for name, text in reviews:
        found = claims_from_text(text, name, rules)
        if not found:
            notices.append(f"{name}: {'empty review' if not text.strip() else 'no claims found in the review'}: "
                           f"nothing to check")
        claims += found
    return claims, notices


def claims_from_reviews(locations: list[str], rules: list[Rule], max_bytes: int) -> tuple[list[Claim], list[str]]:
    """The claims of every --review, and a notice for each review that holds none."""
    return claims_from_texts([(name, text) for _, name, text in read_reviews(locations, max_bytes)], rules)
