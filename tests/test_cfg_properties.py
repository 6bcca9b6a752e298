"""Property test (hypothesis) of the control-flow graph: on random functions made of if/else, return, delete and
do { ... break; ... } while (0), manual-delete says "a path leaves with the object alive" exactly when running the
function leaks it for some choice of the conditions. Each `if` tests its own parameter, so every path the graph
has is one a run can take, and trying every choice is the ground truth."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

import networkx as nx

from qtcheck import facts as facts_mod, frontend, rules as rules_mod
from qtcheck.cfg import ABORT, ENTRY, EXIT, Flow
from conftest import builtin_rules

LEAF = st.sampled_from([("delete",), ("delete",), ("return",), ("call",)])  # deletes often: paths that free


def _blocks(leaf):
    return st.lists(leaf, min_size=0, max_size=4)


STATEMENT = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.tuples(st.just("if"), _blocks(inner), st.none() | _blocks(inner)),
        st.tuples(st.just("once"), st.lists(inner | st.just(("break",)), max_size=4)),
    ),
    max_leaves=10,
)


def _numbered(stmts, counter=None):
    """A copy in which each `if` carries its own condition number, in the order they are written."""
    counter = counter if counter is not None else [0]
    out = []
    for s in stmts:
        if s[0] == "if":
            k = counter[0]
            counter[0] += 1
            out.append(("if", k, _numbered(s[1], counter), None if s[2] is None else _numbered(s[2], counter)))
        elif s[0] == "once":
            out.append(("once", _numbered(s[1], counter)))
        else:
            out.append(s)
    return out


def _write(stmts, depth, lines, in_once=False):
    pad = "    " * depth
    for s in stmts:
        kind = s[0]
        if kind == "delete":
            lines.append(pad + "delete p;")
        elif kind == "return":
            lines.append(pad + "return;")
        elif kind == "break" and in_once:
            lines.append(pad + "break;")
        elif kind in ("call", "break"):
            lines.append(pad + "touch(p);")
        elif kind == "if":
            lines.append(pad + f"if (c[{s[1]}]) {{")
            _write(s[2], depth + 1, lines, in_once)
            if s[3] is not None:
                lines.append(pad + "} else {")
                _write(s[3], depth + 1, lines, in_once)
            lines.append(pad + "}")
        elif kind == "once":
            lines.append(pad + "do {")
            _write(s[1], depth + 1, lines, True)
            lines.append(pad + "} while (0);")


def _leaks(stmts, choice) -> bool:
    """Run the function for one choice of the conditions: does it leave with p not deleted?"""
    deleted = False

    def go(block, in_once):
        nonlocal deleted
        for s in block:
            kind = s[0]
            if kind == "delete":
                deleted = True
            elif kind == "return":
                return "return"
            elif kind == "break" and in_once:
                return "break"
            elif kind == "if":
                out = go(s[2] if choice[s[1]] else (s[3] or []), in_once)
                if out:
                    return out
            elif kind == "once":
                if go(s[1], True) == "return":
                    return "return"
        return None

    go(stmts, False)
    return not deleted


def _has_delete(stmts) -> bool:
    return any(s[0] == "delete" or (s[0] == "if" and (_has_delete(s[1]) or _has_delete(s[2] or [])))
               or (s[0] == "once" and _has_delete(s[1])) for s in stmts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STATEMENT, min_size=1, max_size=5))
@example([("if", [("delete",)], [("delete",)]), ("return",)])  # freed on both branches
@example([("once", [("if", [("break",)], None), ("delete",)]), ("return",)])  # break skips the delete
@example([("if", [("return",)], [("delete",)]), ("delete",)])  # the early return leaks
def test_leak_path_exists_exactly_when_some_run_leaks(body):
    stmts = _numbered(body + ([] if _has_delete(body) else [("delete",)]))
    counter = [0]
    _numbered(body, counter)
    lines: list[str] = []
    _write(stmts, 1, lines)
    source = "void touch(int *);\nvoid f(const bool *c)\n{\n    int *p = new int;\n" + "\n".join(lines) + "\n}\n"
    truth = any(_leaks(stmts, choice) for choice in itertools.product([False, True], repeat=counter[0]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.cpp"
        path.write_text(source)
        parsed = frontend.parse(path, source, frontend.Options())
        facts = facts_mod.collect(parsed)
        rule = next(r for r in builtin_rules() if r.id == "manual-delete")
        sites = rules_mod.run(facts, [rule])["manual-delete"]
    assert len(sites) == 1, source
    site = sites[0]
    says_leak = site.attrs["early_exit"] is True or bool(site.attrs["leak_path"])
    assert site.attrs["early_exit"] is not None, source
    assert says_leak == truth, f"{site.message}\n{source}"


# ---- Flow.path: searched on the graph itself, the same path as networkx on a copy without the blocked nodes ----
NODE = st.integers(0, 11) | st.tuples(st.integers(0, 11), st.booleans()) | st.sampled_from([ENTRY, EXIT, ABORT])


@settings(max_examples=400, deadline=None)
@given(st.lists(NODE, max_size=16), st.lists(st.tuples(NODE, NODE), max_size=40),
       st.lists(NODE | st.none(), max_size=3), st.lists(NODE | st.none(), max_size=3), st.lists(NODE, max_size=20))
# two shortest paths met by the backward search: the copy lists 3's predecessors in the graph's node order (1, 2),
# not in the order the edges were added (2, 1)
@example([1, 2, 3], [(2, 3), (1, 3)], [1, 2], [3], [])
@example([1, 2, 3, 4], [(4, 1), (1, 3), (4, 2), (2, 3)], [4], [3], [ENTRY, EXIT, ABORT, 0])  # most nodes blocked
def test_path_is_the_path_networkx_finds_on_a_copy(nodes, edges, sources, targets, blocked):
    graph = nx.DiGraph()
    graph.add_nodes_from((ENTRY, EXIT, ABORT))
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    flow = Flow((None, None), graph, {}, {})
    expected = None
    if sources and targets:  # what path() did before: a copy of the graph per question
        expected = flow._path_on_copy(set(sources), set(targets), set(blocked) - set(sources))
    found = flow.path(sources, targets, blocked)
    assert found == expected
    if found is not None:  # and it is a path: from a source to a target, on edges, around the blocked nodes
        assert found[0] in sources and found[-1] in targets
        assert all(graph.has_edge(a, b) for a, b in zip(found, found[1:]))
        assert not set(found[1:]) & set(blocked)
