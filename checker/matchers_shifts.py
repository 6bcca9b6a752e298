"""Matchers over the shifts domain (facts_shifts.py): can a left shift overflow its type, or shift by its width or
more (undefined behaviour), with the members it depends on at their defaults, and once the class's setters have
stored what they allow? For claims such as "with the default 8 passes 1 << (2 * pass + 6) overflows int" or
"setNumPasses() accepts any value, so the shift count can reach 32"."""

from __future__ import annotations

from .facts import Facts
from .matchers import Site, _merge, _scope, _where, matcher


def _too_far(k, high: int) -> bool:
    """Whether k.left << high leaves the type: a count of its width or more, or a value above its maximum."""
    if high >= k.bits:
        return True
    top = 2 ** (k.bits - 1) - 1 if k.signed else 2 ** k.bits - 1
    return (k.left << high) > top if k.left is not None and k.left >= 0 else None


def _type(k) -> str:
    return f"a {k.bits}-bit {'signed' if k.signed else 'unsigned'} integer"


def _news(k) -> str:
    """What the later range adds to the default's explanation."""
    said = set(k.how.split("; "))
    return "; ".join(p for p in k.any_how.split("; ") if p not in said) or k.any_how


def _shift_site(facts: Facts, k) -> Site:
    shown = f"{k.text} at line {k.line}"
    if k.left is None or k.left < 0:
        default = after = None
        message = f"{shown} shifts a value the file does not fix, so whether it overflows is not decided"
    else:
        default = None
        if k.known and k.high is not None:
            default = _too_far(k, k.high)
            top = f"{k.left} << {k.high}" + ("" if k.high >= k.bits else f" = {k.left << k.high}")
            if default:
                said = (f"with the defaults the count reaches {k.high}: {top}, beyond {_type(k)} "
                        f"({'undefined behaviour' if k.high >= k.bits else 'it overflows'})")
            else:
                said = f"with the defaults the count is at most {k.high}: {top} fits {_type(k)}"
            said += f" ({k.how})"
        else:
            said = f"the code does not fix the count's range with the defaults ({k.how or 'nothing bounds it'})"
        if not k.any_known:
            after = None
            later = (f"what the class's functions may store later is not decided ({_news(k)})" if k.known and
                     k.any_how else "so whether it overflows is not decided")
        elif k.any_high is None:
            after = True if k.steps else None
            later = (f"but {_news(k)}: the count has no upper bound, so it can reach {k.bits} and the shift is "
                     f"undefined behaviour" if k.steps else f"{_news(k)}; whether the count gets that far is not "
                     f"decided")
        else:
            after = _too_far(k, k.any_high)
            if k.any_high == k.high and k.any_how == k.how:
                later = "nothing else the file or the class does changes that bound"
            else:
                later = (f"whatever the class's functions store ({_news(k)}), the count is at most {k.any_high}, "
                         f"{'beyond' if after else 'within'} {_type(k)}")
        message = f"{shown} shifts by {k.count}: {said}; {later}"
    setters = [n for n in k.names if k.any_known and k.any_high is None and f"{n}() stores" in k.any_how]
    subjects = _merge({"variable": [*k.names, k.text, k.text.replace(" ", "")], "callee": setters,
                       "function": setters},  # a setter the file defines is read as a function of it
                      _where(facts, k.function, k.lambda_id))
    return Site(k.line, k.col, bool(after or default), message, subjects,
                {"overflows_by_default": default, "may_overflow": after,
                 "unchecked_setter": bool(setters) if k.any_known else None},
                evidence=k.lines, scope=_scope(facts, k.function), reported=False)


@matcher("shift-range")
def shift_range(facts: Facts, params: dict) -> list[Site]:
    """One site per built-in left shift: does it stay within its type, with the defaults and after the setters?"""
    return [_shift_site(facts, k) for k in facts.shifts]
