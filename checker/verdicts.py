"""Verdicts: decide each claim from the rules' sites, with a one-line reason and evidence lines.

A claim part resolves by its subjects first (class, function, callee, ...) and by
its cited lines second. A part is confirmed only when sites bear it out; when
nothing in the file decides it, or clang could not parse the code it depends on,
it is unverifiable. A claim is the conjunction of its parts.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .claims import Claim, Part
from .facts import Facts
from .matchers import Site, header_matches, signature_macro
from .matchers_literals import same_address
from .matchers_strings import literals, text_matches
from .rules import Rule

CONFIRMED, REFUTED, PARTLY, UNVERIFIABLE = "confirmed", "refuted", "partly", "unverifiable"
MAX_EVIDENCE = 8
DEGRADED_REASON = "parsed without Qt headers"


@dataclass
class Evidence:
    file: str
    line: int
    column: int
    source: str
    note: str = ""


@dataclass
class PartVerdict:
    says: str
    verdict: str
    reason: str
    rules: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    reading: dict = field(default_factory=dict)  # how the claim's part was read (reports show it)
    misread: bool = False  # the reader took a name for another kind of thing than the file shows it is
    idle: bool = False  # the name the claim denies is indeed absent, and this question asks nothing more of it
    opinion: bool = False  # a judgement or advice: no code fact decides it
    unexamined: bool = False  # the names are in the file, but this question does not look at them
    premise: bool = False  # the claim's reason ("since ..."), not what it states


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    reason: str
    parts: list[PartVerdict]
    evidence: list[Evidence]
    line_note: str = ""


def name_matches(claimed: str, actual: str, kind: str) -> bool:
    if kind == "header":
        return header_matches(claimed, actual)
    if kind == "text":  # a quoted phrase: found inside a string literal
        return text_matches(claimed, actual)
    if kind == "address":  # an IP address, however it is spelled (ff12::2115, FF12:0:0::2115)
        return same_address(claimed, actual)
    c = _code_name(claimed)
    a = actual.strip()
    return bool(c) and (c == a or a.endswith("::" + c))


SPECIAL_NAME_KINDS = ("header", "text", "address")  # compared otherwise than by the code's name (name_matches)


def _last_part(name: str) -> str:
    return name.rsplit("::", 1)[-1]


@functools.lru_cache(maxsize=4096)
def _code_name(claimed: str) -> str:
    """A claimed name as code spells it qualified (`socket->read()` -> socket::read): the same few names are
    compared with every site's subjects."""
    return claimed.strip().removesuffix("()").replace("->", "::").replace(".", "::")


def subjects_match(wanted: dict[str, list[str]], site: Site) -> bool:
    for kind, values in wanted.items():
        if not values:
            continue
        have = site.subjects.get(kind, [])
        if not any(name_matches(v, h, kind) for v in values for h in have):
            return False
    return True


def _identifiers_of(name: str) -> list[str]:
    """The identifiers a claimed name or expression spells: `QLocalServer::newConnection` -> both parts,
    `server->listen("foo")` -> server, listen; string literals and keywords are not names."""
    code = re.sub(r'"(?:[^"\\]|\\.)*"', " ", name)
    return [w for w in re.findall(r"[A-Za-z_]\w*", code) if w not in CODE_KEYWORDS]


def _last_identifier(name: str) -> str:
    """The name a claimed name or expression ends in (`server->listen("foo")` -> listen)."""
    return (_identifiers_of(name)[-1:] or [""])[0]


CODE_KEYWORDS = {"new", "delete", "return", "const", "auto", "void", "int", "bool", "this", "nullptr", "true", "false",
                 "static", "emit", "Q_EMIT", "if", "else", "while", "for", "do", "switch", "case", "break", "continue",
                 "sizeof", "unsigned", "signed", "char", "long", "short", "double", "float"}


class Names:
    """A claim's names looked up in the file itself: every identifier its code spells, and its #includes."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self._literals: list[tuple[int, str]] | None = None
        self.declared = facts.variables + facts.parameters
        self.signals = {c.signal.split("::")[-1] for c in facts.connects if c.signal} | {
            name for cls in facts.classes for name, _ in cls.signals} | {c.name for c in facts.calls if c.signal} | {
            sig[1] for sig in map(signature_macro, (u.text for u in facts.macros if u.name == "SIGNAL")) if sig}
        self.known_variables = {v.name for v in self.declared} | {f.split("::")[-1] for f in facts.field_types} | {
            m.field.split("::")[-1] for m in facts.members}
        self.defined = {f.name for f in facts.functions if f.is_definition}  # render() in "render() stores ..."
        # classes the project defines that the file never makes an object of ("Client has no destructor")
        made = {a.type for a in facts.allocations} | {v.type for v in facts.variables}
        self.only_classes = ({c.name.split("::")[-1] for c in facts.classes} | {f.cls.split("::")[-1]
                             for f in facts.fields}) - {t.split("::")[-1] for t in made}
        self.call_lines: dict[str, list[int]] = {}
        for call in facts.calls:
            self.call_lines.setdefault(call.name, []).append(call.line)

    def lines_of(self, name: str, kind: str) -> list[int] | None:
        """The lines that spell the name, [] when the file has it nowhere, None when it cannot be looked up."""
        if kind == "context":
            return None
        if kind == "text":  # the lines of the string literals that hold the quoted words
            return sorted({ln for ln, value in self.literals() if text_matches(name, value)})
        if kind == "address":  # the lines of the string literals that spell the address
            return sorted({ln for ln, value in self.literals() if same_address(name, value)})
        if kind == "header":
            return [inc.line for inc in self.facts.includes if header_matches(name, inc.spelling)
                    or (inc.file and header_matches(name, inc.file))]
        role = re.fullmatch(r"the (destructor|constructor)", name, re.I)
        if role and kind == "function":  # "the destructor sets `abort` under the lock": the file's own, if any
            return sorted({f.line for f in self.facts.functions if f.kind == role.group(1).lower()})
        words = _identifiers_of(name)
        if not words or not self.facts.identifiers:
            return None
        lines = [self.facts.identifiers.get(w) for w in words]
        if not all(lines):
            return []
        return sorted(set(lines[-1]))

    def literals(self) -> list[tuple[int, str]]:
        """The file's string literals, read once and only when a claim quotes one."""
        if self._literals is None:
            self._literals = literals(self.facts.lines)
        return self._literals

    def missing(self, subjects: dict[str, list[str]]) -> list[tuple[str, str]]:
        """(kind, name) of each claimed name the file's code never spells."""
        return [(kind, value) for kind, values in subjects.items() for value in values
                if self.lines_of(value, kind) == []]

    def wrong_kind(self, subjects: dict[str, list[str]]) -> str:
        """A sentence when a claimed name is in the file as another kind of thing than the claim's reading says
        (a call to `QTimer::singleShot` read as a signal); empty when every name fits or cannot be told."""
        for value in subjects.get("signal", []):
            last, lines = _last_identifier(value), self.lines_of(value, "signal")
            if lines and last not in self.signals:
                calls = self.call_lines.get(last)
                where = f"called at line {calls[0]}" if calls else f"at line {lines[0]}"
                return f"{value} is not a signal in this file ({where})"
        for value in subjects.get("variable", []):
            last = _last_identifier(value)
            if self.lines_of(value, "variable") and self._only_called(last):
                return f"{value} is a function called at line {self.call_lines[last][0]}, not a variable"
        for value in subjects.get("callee", []):
            lines = self.lines_of(value, "callee")
            if lines and self._only_variable(_last_identifier(value)):
                return f"{value} is a variable (line {lines[0]}), not a call"
        return ""

    def _only_called(self, name: str) -> bool:
        return name not in self.known_variables and bool(self.call_lines.get(name))

    def _function_here(self, name: str) -> bool:
        """A function the file defines and never calls: `run()` in "run() reads X" is where the code is."""
        return name in self.defined and not self.call_lines.get(name)

    def _only_variable(self, name: str) -> bool:
        return name in self.known_variables and not self.call_lines.get(name)

    def retarget(self, subjects: dict[str, list[str]], accepted: list[str]) -> dict[str, list[str]]:
        """The subjects with each bare name the reader took for one kind moved to the kind the file shows it is,
        when the rule asks about that kind too: `fprintf` read as a variable is a function the code calls."""
        out = {k: list(v) for k, v in subjects.items()}
        function = self._function_here
        moves = (("variable", "callee", self._only_called), ("callee", "variable", self._only_variable),
                 ("callee", "function", function),
                 ("variable", "function", lambda name: function(name) and name not in self.known_variables),
                 ("type", "class", lambda name: name in self.only_classes),
                 # "QLocalSocket emits readyRead from ...": a name the file has only as a signal is one
                 ("function", "signal", lambda name: name in self.signals and name not in self.defined))
        if "function" not in accepted:  # "every run of `bench` leaks": a function of the file is where, not what
            out["variable"] = [v for v in out.get("variable", []) if not (
                re.fullmatch(r"\w+", v) and function(v) and v not in self.known_variables)]
        for src, dst, fits in moves:
            if dst not in accepted:
                continue
            for value in list(out.get(src, [])):
                if re.fullmatch(r"\w+", value) and self.lines_of(value, src) and fits(value):
                    out[src].remove(value)
                    out.setdefault(dst, []).append(value)
        return {k: v for k, v in out.items() if v}

    def parameters(self, subjects: dict[str, list[str]], lines: list[int]) -> list[str]:
        """The claimed variables that are parameters of the function or lambda they stand in (the cited lines choose
        among declarations of one name): the callers decide what they point to, not this code."""
        out = []
        for value in subjects.get("variable", []):
            last = _last_identifier(value)
            decls = [v for v in self.declared if v.name == last]
            scoped = [v for v in decls if any(self._scope_holds(v, ln) for ln in lines)]
            inner = [v for v in scoped if v.lambda_id is not None]  # the innermost scope holding the line wins
            decls = inner or scoped or decls
            if decls and all(v.is_param for v in decls):
                out.append(value)
        return out

    def _scope_holds(self, var, line: int) -> bool:
        if var.lambda_id is not None:
            lam = self.facts.lambda_by_id(var.lambda_id)
            return lam is not None and lam.line <= line <= lam.end_line
        fn = self.facts.function_named(var.function)
        return fn is not None and fn.line <= line <= fn.end_line

    def no_such_member(self, name: str) -> tuple[str, list[int]] | None:
        """(a sentence, the lines of the file using that scope's enumerations) when a qualified name the claim gives
        (`QLocalSocket::NoError`) names a class the file uses that has no such member, its bases' included."""
        parts = name.strip().removesuffix("()").split("::")
        if len(parts) < 2 or not all(re.fullmatch(r"[A-Za-z_]\w*", p) for p in parts):
            return None
        scope, member = "::".join(parts[:-1]), parts[-1]
        found = [c for c in getattr(self.facts, "class_scopes", []) if c.qualified == scope
                 or c.qualified.endswith("::" + scope)]
        if len(found) != 1 or member in found[0].members:
            return None
        cls = found[0]
        used = [e for e in cls.enums if any(x in self.facts.identifiers for x in e[2:])]
        lines = sorted({ln for e in used for x in e[2:] for ln in self.facts.identifiers.get(x, [])})
        reason = (f"{cls.qualified} has no member {member} ({cls.declared_at} declares the class; its bases were "
                  f"searched too): code that names {name.strip()} does not compile")
        for e in used[:2]:
            reason += f"; its {e[0]} enumerators ({e[1]}) are {', '.join(e[2:14])}" + (" ..." if len(e) > 14 else "")
        return reason, lines

    def present(self, subjects: dict[str, list[str]]) -> list[tuple[str, list[int]]]:
        out = []
        for kind, values in subjects.items():
            for value in values:
                lines = self.lines_of(value, kind)
                if lines:
                    out.append((value, lines))
        return out


LOCK_TYPE = re.compile(r"^(?:const\s+)?(?:QMutex|QRecursiveMutex|QReadWriteLock|QBasicMutex|std::(?:recursive_|shared_|timed_)?"
                       r"mutex)\s*[*&]?$")


class Judge:
    """Decides claims about one file."""

    def __init__(self, facts: Facts, rules: list[Rule], sites: dict[str, list[Site]]):
        self.facts = facts
        self.rules = {r.id: r for r in sorted(rules, key=lambda r: r.id)}  # verdicts never depend on rule order
        self.sites = sites
        self.errors = facts.error_lines() + facts.unparsed_markers()  # and code clang did not fully parse
        self._error_lines = sorted(d.line for d in self.errors)
        self.names = Names(facts)
        self.classes_here = {c.name.split("::")[-1] for c in facts.classes + facts.header_classes}
        # the file's mutexes and the like: "emitted while mutex is locked" names the lock, not what it guards
        self.lock_names = {v.name for v in list(facts.fields) + list(facts.variables) if LOCK_TYPE.search(v.type)}
        self._by_last: dict[str, dict[str, list[tuple[int, Site]]]] = {}

    # ---- evidence ----
    def evidence_for(self, sites: list[Site], keys=()) -> list[Evidence]:
        """The sites' lines and their evidence; for a claim that asks about some attributes (keys), the lines
        the matcher keeps for those too."""
        out, seen = [], set()
        for site in sites:
            extra = [ln for k in keys for ln in (site.attrs.get("evidence_for") or {}).get(k, [])]
            for line, col, note in [(site.line, site.col, site.message)] + [(ln, 1, "") for ln in
                                                                             site.evidence + extra]:
                if line in seen:
                    continue
                seen.add(line)
                out.append(Evidence(str(self.facts.path), line, col, self.facts.source(line).strip(), note))
        return out[:MAX_EVIDENCE]

    def _sites_by_last_name(self, kind: str) -> dict[str, list[tuple[int, Site]]]:
        """The last part of a name of this kind -> the sites with such a subject, numbered in the order of
        self.sites; made once per kind asked."""
        index = self._by_last.get(kind)
        if index is None:
            index = self._by_last[kind] = {}
            order = 0
            for sites in self.sites.values():
                for site in sites:
                    values = site.subjects.get(kind)
                    if values:
                        for value in {_last_part(v.strip()) for v in values}:
                            index.setdefault(value, []).append((order, site))
                    order += 1
        return index

    def _tainted(self, site: Site) -> bool:
        lo, hi = site.scope or (site.line, site.end_line)
        at = bisect_left(self._error_lines, lo)
        return at < len(self._error_lines) and self._error_lines[at] <= hi

    def _where_else(self, part: Part, missing: list[tuple[str, str]]) -> list[Site]:
        """Sites of the subjects that do exist (the class a missing use was claimed in), as evidence."""
        present = {k: v for k, v in part.subjects.items() if not any(kind == k for kind, _ in missing)}
        if not present:
            return []
        plain = next((k for k, v in present.items() if v and k not in SPECIAL_NAME_KINDS), None)
        if plain is None:
            candidates = [s for sites in self.sites.values() for s in sites]
        else:  # only sites holding a name that ends as one of the claimed names can match
            by_last = self._sites_by_last_name(plain)
            found = {id(s): (order, s) for v in present[plain] for order, s in by_last.get(_last_part(_code_name(v)),
                                                                                            [])}
            candidates = [s for _, s in sorted(found.values(), key=lambda x: x[0])]
        matching = (s for s in candidates if subjects_match(present, s))
        first = min(matching, key=lambda s: (not (s.scope and s.line == s.scope[0]), s.line), default=None)
        return [] if first is None else [first]

    # ---- parts ----
    def rules_of(self, part: Part) -> list[str]:
        chosen = [r for r in part.rules if r in self.rules]
        for rule in self.rules.values():
            if part.tags and set(part.tags) & set(rule.tags) and rule.findings and rule.id not in chosen:
                chosen.append(rule.id)
        return chosen

    def resolved(self, part: Part) -> Part:
        """The part without the calls the reader took for signals that the file shows are none (`displayError()`
        next to a question about signals): the claim is not about them."""
        if not part.maybe_signals and not part.maybe_names:
            return part
        keep = [v for v in part.subjects.get("signal", [])
                if v not in part.maybe_signals or _last_identifier(v) in self.names.signals]
        subjects = {k: v for k, v in {**part.subjects, "signal": keep}.items() if v}
        # a capitalized plain word is a name of the code only when the file defines a class or function so named
        subjects = {k: [v for v in vs if v not in part.maybe_names or v in self.names.only_classes
                        or v in self.classes_here or v in self.names.defined] for k, vs in subjects.items()}
        return dataclasses.replace(part, subjects={k: v for k, v in subjects.items() if v}, maybe_signals=[],
                                   maybe_names=[])

    def decide_part(self, part: Part, claim_lines: list[int]) -> PartVerdict:
        asked = part
        part = self.resolved(part)
        if any(v not in asked.maybe_names for vs in asked.subjects.values() for v in vs) \
                and not part.subjects and not part.lines:
            # every name was a guess the file does not bear out (`setSocketDescriptor()` taken for a signal): the
            # question is not about anything the claim names; judged on the whole file it would be a guess
            gone = ", ".join(v for vs in asked.subjects.values() for v in vs)
            return PartVerdict(part.says, UNVERIFIABLE, f"{gone}: not what {', '.join(part.rules) or 'this question'} "
                               f"asks about in this file", part.rules, misread=True)
        verdict = self._decide_part(part, claim_lines)
        if part.tags and not part.rules and verdict.verdict == CONFIRMED:
            # "the code is secure": a finding refutes it, but a handful of rules finding nothing cannot confirm it
            tag = ", ".join(part.tags)
            return PartVerdict(part.says, UNVERIFIABLE, f"qtcheck's {tag} rules ({', '.join(verdict.rules)}) find "
                               f"nothing here, but they do not cover every kind of {tag} defect",
                               verdict.rules, verdict.evidence, verdict.sites)
        return verdict

    def _decide_part(self, part: Part, claim_lines: list[int]) -> PartVerdict:
        if part.opinion:
            return PartVerdict(part.says, UNVERIFIABLE, part.why or "a matter of opinion: no code fact decides it",
                               [], opinion=True)
        if part.polarity == "unsure":
            # a question the claim brought up only by naming code ("calls printf ... and strcmp") says nothing the
            # claim states: beside parts that decide, it is dropped like a misread name
            return PartVerdict(part.says, UNVERIFIABLE, f"qtcheck could not tell whether the review says the code "
                               f"has this problem or that it is fine: {part.reading}", part.rules,
                               idle=part.reading.startswith("it names "))
        if part.cwe and not part.rules and not part.tags:
            return self.decide_cwe(part)
        rule_ids = self.rules_of(part)
        if not rule_ids:
            missing = self.names.missing(part.subjects)
            unknown = [(name, found) for _, name in missing if name not in part.denied
                       and (found := self.names.no_such_member(name))]
            if unknown and not self.errors:  # "should compare against `QLocalSocket::NoError`": there is none
                return PartVerdict(part.says, REFUTED, "; ".join(f[0] for _, f in unknown), [], [
                    Evidence(str(self.facts.path), ln, 1, self.facts.source(ln).strip())
                    for ln in unknown[0][1][1][:MAX_EVIDENCE]])
            if missing:  # a name the claim uses that the file's code never spells
                said_present = [name for _, name in missing if name in (part.expects.get("present") or [])]
                shown = ", ".join(said_present or [name for _, name in missing])
                if said_present and not self.errors:
                    return PartVerdict(part.says, REFUTED, f"the file's code never names {shown} (every identifier "
                                       f"and #include of the file was searched)", [])
                return PartVerdict(part.says, UNVERIFIABLE, f"the file's code never names {shown}: the claim "
                                   f"speaks of something this file does not hold", [])
            return PartVerdict(part.says, UNVERIFIABLE, part.why or "no rule of qtcheck checks this kind of claim", [])
        # a rule reached by a tag alone ("no security defects") speaks through its findings only
        sites = [s for rid in rule_ids for s in self.sites.get(rid, []) if s.reported or rid in part.rules]
        if "security" in part.tags and not part.rules:  # "no security defects": a robustness finding is none
            sites = [s for s in sites if s.attrs.get("security") is not False]
        accepted = {k for rid in rule_ids for k in (self.rules[rid].claims or {}).get("subjects", [])}
        if accepted and part.subjects:
            moved = self.names.retarget(part.subjects, sorted(accepted))
            if moved != part.subjects and any(subjects_match(part.subjects, s) for s in sites) \
                    and not any(subjects_match(moved, s) for s in sites):
                moved = part.subjects  # the rule's constructs take the name as it was read (`Reading` as a type)
            if moved != part.subjects:
                alternatives = {k for rid in rule_ids for k in (self.rules[rid].claims or {}).get("alternatives", [])}
                scoped = {k for rid in rule_ids for k in (self.rules[rid].claims or {}).get("scope_subjects", [])}
                if alternatives & set(part.subjects) and not alternatives & set(moved) and not scoped & set(moved):
                    # `run()` read as a call is the function the code is in: it names nothing to ask about
                    shown = ", ".join(v for k in alternatives for v in part.subjects.get(k, []))
                    return PartVerdict(part.says, UNVERIFIABLE, f"{shown} is a function defined in this file, not "
                                       f"something it touches or calls there", rule_ids, misread=True)
                part = dataclasses.replace(part, subjects=moved)
        said_gone = [name for _, name in self.names.missing(part.subjects) if name in part.denied]
        if said_gone and self.names.present(part.subjects):
            # "InvokeCounter() takes no QObject *parent, so these counters leak": the parameter the claim says is
            # missing is missing; what is asked is the rest of what it names
            part = dataclasses.replace(part, subjects={k: v for k, v in (
                (k, [x for x in vs if x not in said_gone]) for k, vs in part.subjects.items()) if v})
        relevant = [s for s in sites if subjects_match(part.subjects, s)]
        if part.subjects and claim_lines:  # several constructs of that name: the cited lines choose among them,
            near = [s for s in relevant if any(s.covers(ln) for ln in claim_lines)]  # when most of them hold one
            held = sum(1 for ln in claim_lines if any(s.covers(ln) for s in sites))  # (88-91 cites two `break;`s)
            if near and len(near) < len(relevant) and held * 2 > len(claim_lines):
                relevant = near
        lines = part.lines or ([] if part.subjects else claim_lines)
        if part.expects and not part.subjects and not lines and any(
                self.rules[r].claims.get("needs_subjects") for r in rule_ids):
            return PartVerdict(part.says, UNVERIFIABLE, f"the claim names nothing {', '.join(rule_ids)} can look up, "
                               f"and cites no line", rule_ids)
        if lines and not part.subjects:
            relevant = [s for s in relevant if any(s.covers(ln) for ln in lines)]
        if not part.subjects and not lines and part.unplaced:  # judged on every site, it would be a guess
            return PartVerdict(part.says, UNVERIFIABLE, f"the claim speaks of {', '.join(part.unplaced)}, which "
                               f"{', '.join(rule_ids)} does not look up, and cites no line", rule_ids)
        held = [s for s in relevant if s.attrs.get("statements_only")]  # stack objects, members held by value
        if not part.expects:  # sites that answer only what a claim states of them (stack objects for ownership)
            relevant = [s for s in relevant if not s.attrs.get("statements_only")]
        if not part.subjects and not lines:  # a claim naming nothing speaks of what the rules report, not of
            # every construct a question can answer for; "the grid" of a file with one grid is that one
            sole = len(relevant) == 1 and all(not self.rules[r].findings
                                              for r in rule_ids)  # a question with one answer for the file
            # what a question that reports nothing (findings: false) states of a construct ("the text is overwritten
            # on every pass") needs the construct named; "no format-string problems" speaks of the whole file
            answers = {id(s) for rid in rule_ids if self.rules[rid].findings or not part.expects
                       for s in self.sites.get(rid, [])}
            relevant = [s for s in relevant if s.reported and id(s) in answers or sole]
        names = ", ".join(rule_ids)
        if not relevant:
            missing = self.names.missing(part.subjects)
            present = self.names.present(part.subjects)
            # "never calls `X`", and "`exec()` is never called" of a function the file's code never names
            said_absent = [name for kind, name in missing if name in part.denied
                           or kind == "callee" and part.expects.get("called") is False]
            if said_absent and len(said_absent) == len(missing) and not present and not self.errors and all(
                    self.rules[r].claims.get("absence_confirms") for r in rule_ids):
                # "the test never looks at exitCode()": no line of the file's code names it, so no line calls it
                shown = " or ".join(f"{n.removesuffix('()')}()" for n in said_absent)
                return PartVerdict(part.says, CONFIRMED, f"the file never calls {shown}: no line of its code names "
                                   f"{'it' if len(said_absent) == 1 else 'them'} (every identifier of the file was "
                                   f"searched)", rule_ids)
            if said_absent:  # "the file never uses X" and X is nowhere: no ground to refute; the rest is not asked
                shown = ", ".join(said_absent)
                return PartVerdict(part.says, UNVERIFIABLE, f"the file's code never names {shown}, as the claim says; "
                                   f"{names} has nothing more to ask of it", rule_ids, idle=True)
            misread = self.names.wrong_kind(part.subjects)
            if misread:
                return PartVerdict(part.says, UNVERIFIABLE, f"{misread}: {names} asks about something else, so it "
                                   f"does not decide this claim", rule_ids, misread=True)
            void = self._void_calls(part, rule_ids)
            if void:
                template, calls = void
                reason = "; ".join(dict.fromkeys(template.format(callee=c.qualified or c.name) for c in calls))
                return PartVerdict(part.says, CONFIRMED if part.asserts == "absent" else REFUTED, reason, rule_ids,
                                   [Evidence(str(self.facts.path), c.line, c.col, self.facts.source(c.line).strip())
                                    for c in calls][:MAX_EVIDENCE])
            exhaustive = all(self.rules[r].claims.get("exhaustive") for r in rule_ids)
            if present and not missing and not exhaustive:  # in the file, but these rules do not look at it
                shown = "; ".join(f"{name} at line(s) {', '.join(map(str, lines[:4]))}" for name, lines in present[:2])
                return PartVerdict(part.says, UNVERIFIABLE, f"the file has {shown}, but {names} does not examine it: "
                                   f"nothing qtcheck asks decides this claim about it", rule_ids, unexamined=True)
            if part.asserts == "absent" and not missing:
                if self.errors:
                    return PartVerdict(part.says, UNVERIFIABLE, f"clang reported errors at line "
                                       f"{self.errors[0].line}; absence cannot be shown", rule_ids)
                if held and part.subjects:  # "the thread member is held by value, so it is destroyed with the widget"
                    return PartVerdict(part.says, CONFIRMED, "; ".join(s.message for s in held[:2]), rule_ids,
                                       self.evidence_for(held))
                return PartVerdict(part.says, CONFIRMED, f"{names}: nothing of the kind in the file", rule_ids)
            says_present = part.expects.get("used") is True or (part.asserts == "present" and not part.expects)
            params = self.names.parameters(part.subjects, claim_lines)
            if exhaustive and says_present and params and not missing:
                return PartVerdict(part.says, UNVERIFIABLE, f"{', '.join(params)} is a parameter: what it points to is "
                                   f"decided by the callers, which {names} does not see", rule_ids)
            elsewhere = [c for c in part.subjects.get("class", []) if _last_identifier(c) not in self.classes_here]
            if exhaustive and says_present and elsewhere and all(
                    self.rules[r].claims.get("classes_in_file") for r in rule_ids):
                # "Sender has no Q_OBJECT" where Sender is defined in sender.h: the classes asked are this file's
                return PartVerdict(part.says, UNVERIFIABLE, f"{', '.join(elsewhere)} is not defined in this file "
                                   f"(only used or implemented here): its class definition is not examined",
                                   rule_ids)
            if exhaustive and says_present and not self.errors and (part.subjects or not lines):
                if missing:
                    reason = (f"the file's code never names {', '.join(name for _, name in missing)} "
                              f"(every identifier and #include of the file was searched)")
                else:
                    about = ", ".join(f"{k} {'/'.join(v)}" for k, v in part.subjects.items())
                    reason = f"{names} examined every construct of its kind; none involves {about}"
                shown = self.evidence_for(self._where_else(part, missing))[:1]
                if held and not missing and part.subjects:  # "InvokeCounter objects leak": each is on the stack
                    reason = "; ".join(s.message for s in held[:2]) + (f"; and {len(held) - 2} more" if len(held) > 2
                                                                       else "")
                    shown = self.evidence_for(held)
                if not missing and not shown:  # nothing in the file shows what the named code is instead
                    return PartVerdict(part.says, UNVERIFIABLE, f"{names} finds no such construct"
                                       f"{f' involving {about}' if about else ' in this file'}, "
                                       f"and nothing else in the file shows how it is made instead: the claim may "
                                       f"be about code this file does not hold", rule_ids)
                return PartVerdict(part.says, REFUTED, reason, rule_ids, shown)
            if missing:
                return PartVerdict(part.says, UNVERIFIABLE,
                                   f"the file contains no {', '.join(f'{k} {n}' for k, n in missing)}: the claim "
                                   f"names something that is not there", rule_ids)
            if lines and not part.subjects:
                return PartVerdict(part.says, UNVERIFIABLE,
                                   f"nothing {names} examines stands at the cited line(s) "
                                   f"{', '.join(map(str, lines))}", rule_ids)
            return PartVerdict(part.says, UNVERIFIABLE, f"{names} found no construct this claim is about", rule_ids)
        clean = [s for s in relevant if not self._tainted(s)]
        if not clean:
            line = next(d.line for d in self.errors if True)
            return PartVerdict(part.says, UNVERIFIABLE,
                               f"clang could not parse the code this depends on (error at line {line})",
                               rule_ids, self.evidence_for(relevant), relevant)
        def undecided_site(s: Site) -> bool:  # e.g. a thread the file does not show
            return bool(s.attrs.get("undecided") or (s.attrs.get("undecided_if_named") and part.subjects)
                        or (s.attrs.get("undecided_plain") and not part.expects))  # its attributes are decided
        undecided = [s for s in clean if undecided_site(s)]
        if undecided and not any(s.flagged for s in clean):
            return PartVerdict(part.says, UNVERIFIABLE, undecided[0].message, rule_ids,
                               self.evidence_for(undecided), undecided)
        clean = [s for s in clean if not undecided_site(s)]
        if part.expects:
            return self.decide_expectation(part, clean, rule_ids)
        flagged = [s for s in clean if s.flagged]
        quiet = [s for s in clean if not s.flagged]
        if part.asserts == "absent":
            if flagged:
                return PartVerdict(part.says, REFUTED, f"{names} reports {len(flagged)} finding(s): "
                                   f"{flagged[0].message}", rule_ids, self.evidence_for(flagged), flagged)
            reason = (quiet[0].message if len(quiet) == 1 else f"{names} examined {len(quiet)} construct(s) and found "
                      f"nothing" + (f"; the first: {quiet[0].message}" if quiet else ""))
            return PartVerdict(part.says, CONFIRMED, reason, rule_ids, self.evidence_for(quiet), quiet)
        if flagged and not quiet and all(s.attrs.get("partial") for s in flagged):
            return PartVerdict(part.says, PARTLY, f"so on some paths only: {flagged[0].message}", rule_ids,
                               self.evidence_for(flagged), flagged)
        if flagged and not quiet:
            return PartVerdict(part.says, CONFIRMED, flagged[0].message + (
                f" (and {len(flagged) - 1} more)" if len(flagged) > 1 else ""), rule_ids,
                self.evidence_for(flagged), flagged)
        if flagged:
            return PartVerdict(part.says, PARTLY, f"{len(flagged)} of {len(clean)} match: {flagged[0].message}; "
                               f"but {quiet[0].message}", rule_ids, self.evidence_for(flagged + quiet),
                               flagged + quiet)
        return PartVerdict(part.says, REFUTED, quiet[0].message, rule_ids, self.evidence_for(quiet), quiet)

    def _void_calls(self, part: Part, rule_ids: list[str]):
        """(the rule's void_result sentence, the calls) when every claimed callee's calls in the file return void."""
        template = next((self.rules[r].claims.get("void_result") for r in rule_ids
                         if self.rules[r].claims.get("void_result")), None)
        callees = part.subjects.get("callee", [])
        if not template or not callees or part.expects:
            return None
        calls = []
        for callee in callees:
            name = _last_identifier(callee)
            mine = [c for c in self.facts.calls if c.name == name]
            if not mine or any(c.returns_value for c in mine) or any(self._tainted_line(c.line) for c in mine):
                return None
            calls += mine
        return template, calls

    def _tainted_line(self, line: int) -> bool:
        return any(d.line == line for d in self.errors)

    def decide_expectation(self, part: Part, sites: list[Site], rule_ids: list[str]) -> PartVerdict:
        # "emitted" asked of a class ("declared in Consumer, never emitted"): the name is where, not what; beside
        # parts that decide, this one is dropped like a misread name
        if sites and all(set(part.expects) <= set(s.attrs.get("not_asked", ())) for s in sites):
            return PartVerdict(part.says, UNVERIFIABLE, f"{sites[0].message}; what the claim says does not apply to "
                               f"it", rule_ids, idle=True)
        # An attribute the matcher left None is one it could not decide: never a ground for either verdict.
        # a dict answers per value asked (a grid's rows): a value it does not hold is one the site does not decide.
        # A list the matcher marks open (`open: [key]`: the variable is also computed) holds what the code gives
        # outright; a value not in it may still come about: undecided, not false.
        # `excluded: {key: [...]}` lists the values the code rules out: those are false, the rest undecided.
        undecided = [any(k in s.attrs and (s.attrs[k] is None or isinstance(s.attrs[k], dict)
                                           and s.attrs[k].get(str(part.expects[k])) is None or (
            k in s.attrs.get("open", ()) and isinstance(s.attrs[k], list) and part.expects[k] not in s.attrs[k]
            and part.expects[k] not in s.attrs.get("excluded", {}).get(k, ())))
            for k in part.expects) for s in sites]
        unknown = [s for s, u in zip(sites, undecided) if u]
        sites = [s for s, u in zip(sites, undecided) if not u]  # (a site equal to an unknown one is unknown too)
        if not sites:
            return PartVerdict(part.says, UNVERIFIABLE, f"not decidable from the code: {unknown[0].message}",
                               rule_ids, self.evidence_for(unknown), unknown)
        def holds_key(site: Site, key: str, want) -> bool:
            have = site.attrs.get(key)
            if isinstance(have, dict):
                return have.get(str(want)) is True
            if isinstance(have, list) and not isinstance(want, list):
                if key == "reached_from":  # by one of the file's includes, or a header on the way there
                    return any(header_matches(str(want), h) for h in have + site.attrs.get("through", []))
                return want in have
            return have == want

        def holds(site: Site) -> bool:
            return all(holds_key(site, key, want) for key, want in part.expects.items())

        good = [s for s in sites if holds(s)]
        bad = [s for s in sites if not holds(s)]
        want = f"'{part.words or part.says}'"  # the review's words, or the claims YAML's sentence
        keys = list(part.expects)
        if good and not bad and unknown:  # the claim speaks of all of them: the undecided ones decide it
            return PartVerdict(part.says, UNVERIFIABLE, f"{good[0].message}" + (
                f" (and {len(good) - 1} more)" if len(good) > 1 else "") + f"; but not decidable from the code: "
                f"{unknown[0].message}", rule_ids, self.evidence_for(good + unknown, keys), good + unknown)
        if good and not bad:
            more = f" (and {len(good) - 1} more)" if len(good) > 1 else ""
            return PartVerdict(part.says, CONFIRMED, good[0].message + more, rule_ids, self.evidence_for(good, keys),
                               good)
        if good:
            return PartVerdict(part.says, PARTLY, f"{len(good)} of {len(sites)} fit {want}: {good[0].message}; "
                               f"but {bad[0].message}", rule_ids, self.evidence_for(good + bad, keys), good + bad)
        # the claim states two things of one construct ("is needed for the qDebug() calls": used, and needed) and
        # the code bears out one of them
        halfway = [s for s in bad if len(keys) > 1 and any(holds_key(s, k, part.expects[k]) for k in keys)]
        if halfway:
            return PartVerdict(part.says, PARTLY, f"{halfway[0].message}; the claim says {want}, which holds only in "
                               f"part", rule_ids, self.evidence_for(halfway, keys), halfway)
        # the site's message says what the code does; the claim's own words, what it said
        return PartVerdict(part.says, REFUTED, f"{bad[0].message}; the claim says {want}",
                           rule_ids, self.evidence_for(bad, keys), bad)

    def decide_cwe(self, part: Part) -> PartVerdict:
        """'No issues related to CWE-X': decided by the rules that cover CWE-X, per CWE."""
        results = []
        for cwe in part.cwe:
            covering = [r.id for r in self.rules.values() if r.covers_cwe(cwe) and r.findings]
            if not covering:
                results.append(PartVerdict(f"{cwe}", UNVERIFIABLE, f"no rule covers {cwe}", []))
                continue
            sub = Part(says=cwe, rules=covering, asserts=part.asserts, subjects=part.subjects)
            results.append(self.decide_part(sub, []))
        checked = [r for r in results if r.rules]  # a CWE no rule covers is not a checkable part: listed beside
        verdict, reason = combine(checked or results)
        if checked and len(checked) < len(results):
            reason = "; ".join(f"{r.says}: {r.verdict}" if r.rules else f"{r.says}: not checked (no rule covers it)"
                               for r in results)
        evidence = [e for r in results for e in r.evidence][:MAX_EVIDENCE]
        return PartVerdict(part.says, verdict, reason, sorted({x for r in results for x in r.rules}), evidence,
                           [s for r in results for s in r.sites])

    # ---- claims ----
    def reading(self, part: Part) -> dict:
        """What the reader made of one part: what it says of the code, from which words, the names it uses and
        where the file has each, and the questions asked. For a user who sees a verdict and asks why."""
        says = {"fine": "the code is fine here", "defect": "the code has this problem",
                "unsure": "could not tell"}.get(part.polarity)
        if says is None:
            says = ("the code has none of this" if part.asserts == "absent" else "the code has this") + \
                   (" (as the claims YAML says)" if part.rules or part.tags or part.cwe else "")
        if part.expects and part.polarity == "defect":
            says = f"what it states of the code: '{part.words}'" if part.words else \
                "what it states of the code: " + ", ".join(f"{k} {v}" for k, v in part.expects.items())
        if part.opinion:
            says = "an opinion or advice: no code fact decides it"
        elif not (part.rules or part.tags or part.cwe):
            says = "nothing qtcheck can ask: no rule's phrases, CWE ids or names match it"
        names = []
        for kind, values in part.subjects.items():
            for value in values:
                lines = self.names.lines_of(value, kind)
                names.append({"name": value, "read as": kind,
                              "in the file": ("not looked up" if lines is None else
                                              f"lines {', '.join(map(str, lines[:8]))}" if lines else "nowhere"),
                              **({"said to be absent": True} if value in part.denied else {})})
        return {"says": says, "from": part.reading, "names": names, "asks": self.rules_of(part),
                **({"expects": {k: v for k, v in part.expects.items()}} if part.expects else {})}

    @staticmethod
    def _part_names(verdict: PartVerdict, parts_all: list[PartVerdict], claim: Claim) -> set[str]:
        part = claim.parts[next(i for i, p in enumerate(parts_all) if p is verdict)]
        return {n for k, v in part.subjects.items() if k not in ("function", "class", "context") for n in v}

    def decide(self, claim: Claim) -> Verdict:
        parts = [self.degrade(self.decide_part(p, claim.lines)) for p in claim.parts]
        for verdict, part in zip(parts, claim.parts):
            verdict.premise = part.premise
        parts_all = list(parts)
        for verdict, part in zip(parts, claim.parts):
            verdict.reading = self.reading(self.resolved(part))
        if any(p.verdict != UNVERIFIABLE for p in parts):  # a part the reader made of a misread name says nothing,
            parts = [p for p in parts if not p.misread and not p.idle]  # nor one that has nothing to ask
            # the words brought up two questions and only one looks at the names: the other's part is the reader's
            # doubt, not a statement of the claim ("PeerClosedError is silently ignored": a switch's case, no result)
            decided = {n for p, cp in zip(parts_all, claim.parts) if p.verdict != UNVERIFIABLE
                       for v in cp.subjects.values() for n in v}
            parts = [p for p in parts if not (p.unexamined and (names := self._part_names(p, parts_all, claim))
                                                and names <= decided | self.lock_names)]
        verdict, reason = combine(parts)
        evidence = []
        seen = set()
        for p in parts:
            for e in p.evidence:
                if e.line not in seen:
                    seen.add(e.line)
                    evidence.append(e)
        note = self.line_note(claim, parts)
        outside = [ln for ln in claim.lines if ln < 1 or ln > len(self.facts.lines)]
        if outside:  # the review cites code this file does not have: never confirmed on a guess
            verdict, reason = UNVERIFIABLE, f"{note}: the claim cannot be about this file as cited"
        return Verdict(claim, verdict, reason, parts, evidence[:MAX_EVIDENCE], note)

    def degrade(self, part: PartVerdict) -> PartVerdict:
        """Without Qt headers no decision on Qt semantics is trustworthy: keep the evidence, not the verdict."""
        if not self.facts.degraded or part.verdict == UNVERIFIABLE:
            return part
        return PartVerdict(part.says, UNVERIFIABLE, f"{DEGRADED_REASON}: clang did not know the Qt names this "
                           f"depends on", part.rules, part.evidence, [], part.reading)

    def line_note(self, claim: Claim, parts: list[PartVerdict]) -> str:
        """Where the cited lines and the constructs the claim resolved to disagree."""
        if not claim.lines:
            return ""
        sites = [s for p in parts for s in p.sites]
        n = len(self.facts.lines)
        outside = [ln for ln in claim.lines if ln < 1 or ln > n]
        if outside:
            return f"cited line(s) {', '.join(map(str, outside))} lie outside the file ({n} lines)"
        if not sites:
            return ""
        unmatched = [ln for ln in claim.lines if not any(s.covers(ln) for s in sites)]
        if not unmatched:
            return ""
        actual = sorted({s.line for s in sites})
        return (f"cited line(s) {', '.join(map(str, unmatched))} do not hold what the claim is about; "
                f"it stands at line(s) {', '.join(map(str, actual[:8]))}")


def combine(parts: list[PartVerdict]) -> tuple[str, str]:
    """A claim is a conjunction: one refuted part refutes it unless another part is confirmed.

    Confirmed parts beside a statement of fact the code does not decide leave the claim undecided: its truth
    hangs on that statement. Beside an opinion only ("... which is not useful") the facts it states hold, the
    judgement is the reader's: partly."""
    kinds = [p.verdict for p in parts]
    decided = [k for k in kinds if k != UNVERIFIABLE]
    if len(parts) == 1:
        return kinds[0], parts[0].reason
    same = {re.split(r"; the claim says ", p.reason)[0] for p in parts}
    if len(set(kinds)) == 1 and len(same) == 1:  # two readings of one statement, answered by one fact
        return kinds[0], same.pop()
    # a part that ends in the claim's quoted words ("...: 'truncates'") takes a dash: a colon after a quoted word
    # would read like a mapping's key
    summary = "; ".join(f"{p.says} - {p.verdict}" if p.says.endswith("'") else f"{p.says}: {p.verdict}"
                        for p in parts)
    stated = [p for p in parts if not p.premise]
    if stated and len(stated) < len(parts) and any(p.verdict != UNVERIFIABLE for p in stated):
        # what the claim states decides it; its reason ("since ...") only takes away from a confirmed statement
        verdict, _ = combine(stated)
        if verdict == CONFIRMED and any(p.verdict in (REFUTED, PARTLY) for p in parts if p.premise):
            return PARTLY, summary
        return verdict, summary
    if not decided:
        return UNVERIFIABLE, summary
    if all(k == CONFIRMED for k in kinds):
        return CONFIRMED, summary
    if REFUTED not in kinds and PARTLY not in kinds and \
            not all(p.opinion for p in parts if p.verdict == UNVERIFIABLE):
        return UNVERIFIABLE, summary
    if all(k == REFUTED for k in decided) and CONFIRMED not in kinds and PARTLY not in kinds:
        return REFUTED, summary
    return PARTLY, summary


def judge_all(facts: Facts, rules: list[Rule], sites: dict[str, list[Site]], claims: list[Claim]) -> list[Verdict]:
    judge = Judge(facts, rules, sites)
    return [judge.decide(c) for c in claims]
