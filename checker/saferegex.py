"""Regular expressions that come from rule files, compiled with RE2: matching time is linear in the text.

Python's `re` backtracks: `(a+)+_x` or even `on_\\w+_\\w+` can take minutes on one long name. Every regex that
rule data supplies goes through `compile_rule_regex`, so none can. RE2's syntax is Python's without
backreferences and lookaround, and its `\\w` is ASCII; a pattern RE2 cannot compile is refused when the rule
file is loaded (rules.py), naming the file and the key.
"""

from __future__ import annotations

import functools

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its own lines on stderr; the refusal says it in one


class RuleRegexError(ValueError):
    """A rule's regex RE2 cannot compile: the message says why."""


@functools.lru_cache(maxsize=256)
def compile_rule_regex(pattern: str):
    """The pattern compiled by RE2 (has .fullmatch, .search, .match, .pattern), or RuleRegexError."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        why = exc.args[0] if exc.args else exc
        if isinstance(why, bytes):
            why = why.decode("utf-8", "replace")
        raise RuleRegexError(f"{why}; rule regexes use RE2 syntax: no backreferences, no lookaround") from None
    except (TypeError, ValueError) as exc:
        raise RuleRegexError(str(exc)) from None
