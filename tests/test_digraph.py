"""checker/digraph.py against networkx, which it replaced: the same nodes and neighbours in the same order, the same
induced-subgraph copies, and the same shortest paths (ties broken alike), so reasons name the same lines."""

from __future__ import annotations

import random

import pytest

from qtcheck import digraph

nx = pytest.importorskip("networkx")  # a test dependency only


def _pair(rnd: random.Random):
    nodes = list(range(rnd.randint(1, 25))) + ["entry", "exit", ("start",)]
    rnd.shuffle(nodes)
    edges = [(rnd.choice(nodes), rnd.choice(nodes), rnd.randint(1, 9)) for _ in range(rnd.randint(0, 60))]
    theirs, ours = nx.DiGraph(), digraph.DiGraph()
    for graph in (theirs, ours):
        graph.add_nodes_from(nodes)
        for u, v, line in edges:
            graph.add_edge(u, v, line=line)
    return nodes, theirs, ours


def _same(theirs, ours) -> None:
    assert list(theirs) == list(ours)
    for node in theirs:
        assert list(theirs.successors(node)) == list(ours.successors(node))
        assert list(theirs.predecessors(node)) == list(ours.predecessors(node))
    assert list(theirs.edges(data=True)) == ours.edges(data=True)


def test_paths_and_subgraphs_are_networkx_s():
    rnd = random.Random(14)
    for _ in range(1500):
        nodes, theirs, ours = _pair(rnd)
        _same(theirs, ours)
        for s in nodes[:6]:
            assert nx.descendants(theirs, s) == digraph.descendants(ours, s)
            for t in nodes[:6]:
                found = nx.has_path(theirs, s, t)
                assert found == digraph.has_path(ours, s, t)
                if found:
                    assert nx.shortest_path(theirs, s, t) == digraph.shortest_path(ours, s, t)
        # as cfg.Flow.path asks: a copy of the subgraph without the blocked nodes, a start and an end node added
        blocked = set(rnd.sample(nodes, rnd.randint(0, len(nodes))))
        keep = [n for n in theirs if n not in blocked]
        view_theirs, view_ours = nx.DiGraph(theirs.subgraph(keep)), digraph.DiGraph(ours.subgraph(keep))
        _same(view_theirs, view_ours)
        sources, targets = set(rnd.sample(nodes, 2)), set(rnd.sample(nodes, 3))
        for view in (view_theirs, view_ours):
            view.add_edges_from((("s",), n) for n in sources if n in view)
            view.add_edges_from((n, ("e",)) for n in targets if n in view)
        if ("s",) in view_theirs and ("e",) in view_theirs:
            found = nx.has_path(view_theirs, ("s",), ("e",))
            assert found == digraph.has_path(view_ours, ("s",), ("e",))
            if found:
                assert nx.shortest_path(view_theirs, ("s",), ("e",)) == digraph.shortest_path(view_ours, ("s",), ("e",))


def test_no_path_and_unknown_nodes():
    graph = digraph.DiGraph()
    graph.add_edge("a.h", "b.h", line=3)
    assert graph.has_edge("a.h", "b.h") and ("a.h", "b.h") in graph.edges and not graph.has_edge("b.h", "a.h")
    assert not digraph.has_path(graph, "b.h", "a.h") and not digraph.has_path(graph, "a.h", "nowhere.h")
    with pytest.raises(digraph.NoPath):
        digraph.shortest_path(graph, "b.h", "a.h")
    assert digraph.shortest_path(graph, "a.h", "a.h") == ["a.h"]
    assert ["x"] not in graph  # unhashable: no node, no error
