"""Lookups that keep a check's cost linear in the size of the file: which span (a macro use, a function body, a
lambda, a class) holds a point, and which records fall in a range of lines, each answered without a scan of
every record.

The answers are exactly those of the scans they replace, ties included: a Spans index says which of several
spans with the same start wins (the first or the last in the list), and the records in a range come back in
their list order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Callable, Generic, Iterable, TypeVar

T = TypeVar("T")


class Spans(Generic[T]):
    """Spans [start, end] (any comparable keys: lines, or (line, column) pairs), asked which of them hold a point.

    Sorted by start; `_up[i]` is the nearest span before i in that order that ends after span i ends. A span that
    ends before the point can only be followed, looking back, by spans that end before it too until `_up` says
    otherwise, so a lookup steps over no span twice and visits about as many spans as are nested around the point.
    """

    def __init__(self, items: Iterable[T], start: Callable[[T], Any], end: Callable[[T], Any], later_wins: bool):
        listed = list(items)
        # of spans with one start, the one the scan would keep is the last in this order
        order = sorted(range(len(listed)), key=lambda i: (start(listed[i]), i if later_wins else -i))
        self._items = [listed[i] for i in order]
        self._index = order  # each span's place in the list it came from
        self._starts = [start(x) for x in self._items]
        self._ends = [end(x) for x in self._items]
        self._up: list[int] = []
        stack: list[int] = []  # spans whose end no later span has passed yet, ends decreasing
        for i, e in enumerate(self._ends):
            while stack and not self._ends[stack[-1]] > e:
                stack.pop()
            self._up.append(stack[-1] if stack else -1)
            stack.append(i)

    def _holding(self, at_start, at_end) -> Iterable[int]:
        """Positions (in start order, last first) of the spans with start <= at_start and at_end <= end."""
        i = bisect_right(self._starts, at_start) - 1
        while i >= 0:
            if self._ends[i] >= at_end:
                yield i
                i -= 1
            else:
                i = self._up[i]

    def innermost(self, at_start, at_end=None) -> T | None:
        """The span holding the point with the greatest start (ties: as later_wins says), or None."""
        for i in self._holding(at_start, at_start if at_end is None else at_end):
            return self._items[i]
        return None

    def holding(self, at_start, at_end=None) -> list[T]:
        """Every span holding the point, in the order of the list they came from."""
        found = sorted(self._holding(at_start, at_start if at_end is None else at_end), key=lambda i: self._index[i])
        return [self._items[i] for i in found]


class ByLine(Generic[T]):
    """Records grouped by a key, each group sorted by line: the records of a group between two lines."""

    def __init__(self, items: Iterable[T], key: Callable[[T], Any], line: Callable[[T], int]):
        self._groups: dict[Any, tuple[list[tuple[int, int]], list[T]]] = {}
        for i, item in enumerate(items):
            group = self._groups.setdefault(key(item), ([], []))
            group[0].append((line(item), i))
            group[1].append(item)
        for keys, records in self._groups.values():
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys[:] = [keys[j] for j in order]
            records[:] = [records[j] for j in order]

    def between(self, key, low: int, high: int) -> list[T]:
        """The records of the group with low <= line <= high, in the order they were given."""
        group = self._groups.get(key)
        if group is None:
            return []
        keys, records = group
        first = bisect_left(keys, (low, -1))
        last = bisect_right(keys, (high, float("inf")))
        picked = sorted(range(first, last), key=lambda j: keys[j][1])
        return [records[j] for j in picked]

    def first_between(self, key, low: int, high: int) -> T | None:
        found = self.between(key, low, high)
        return found[0] if found else None


def per_check(facts, key, build: Callable[[], T]) -> T:
    """What build() makes of one file's facts, made once per check and shared by every rule that asks with the
    same key (an index, or a model whose answers depend only on the facts and the key). Kept on the facts object,
    not as a field: never in the facts cache, never pickled. Valid while no list of facts grows (their lengths
    are the stamp, as cfg.flows_of's)."""
    stamp = tuple(len(v) for v in vars(facts).values() if isinstance(v, list))
    known = facts.__dict__.setdefault("_per_check", {})
    entry = known.get(key)
    if entry is None or entry[0] != stamp:
        entry = known[key] = (stamp, build())
    return entry[1]
