"""The directed graphs qtcheck keeps (a file's include graph, a body's control flow) and the three questions asked of
them: is there a path, the shortest one, everything reachable.

networkx did this before; importing it costs about 0.15 s, more than parsing a file on a cached preamble, for a
dozen lines of breadth-first search. The graph keeps networkx's conventions where they decide an answer: nodes and
each node's successors and predecessors in the order they were added, an induced subgraph copied node by node, a
shortest path found by searching from both ends at once, the smaller frontier first, so paths (and the lines a
reason names) are the same ones. Modules import it as `nx` so that the code reads as it did.
"""

from __future__ import annotations


class NoPath(Exception):
    """No path between the two nodes."""


class _EdgeView:
    def __init__(self, graph: "DiGraph"):
        self._graph = graph

    def __iter__(self):
        return ((u, v) for u, succ in self._graph._succ.items() for v in succ)

    def __contains__(self, edge) -> bool:
        u, v = edge
        return u in self._graph._succ and v in self._graph._succ[u]

    def __len__(self) -> int:
        return sum(len(s) for s in self._graph._succ.values())

    def __call__(self, data: bool = False):
        if not data:
            return list(self)
        return [(u, v, d) for u, succ in self._graph._succ.items() for v, d in succ.items()]


class DiGraph:
    """Nodes (any hashable) and directed edges with an attribute dict each."""

    def __init__(self, graph: "DiGraph | None" = None):
        """An empty graph, or a copy of graph (its nodes in order, then its edges source by source)."""
        self._succ: dict = {}
        self._pred: dict = {}
        if graph is not None:
            self.add_nodes_from(graph._succ)
            for u, succ in graph._succ.items():
                for v, data in succ.items():
                    self.add_edge(u, v, **data)

    # ---- building ----
    def add_node(self, node) -> None:
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_nodes_from(self, nodes) -> None:
        for node in nodes:
            self.add_node(node)

    def add_edge(self, u, v, **attrs) -> None:
        self.add_node(u)
        self.add_node(v)
        data = self._succ[u].get(v)
        if data is None:
            data = {}
            self._succ[u][v] = data
            self._pred[v][u] = data
        data.update(attrs)

    def add_edges_from(self, edges) -> None:
        for edge in edges:
            self.add_edge(*edge[:2], **(edge[2] if len(edge) > 2 else {}))

    # ---- reading ----
    def __iter__(self):
        return iter(self._succ)

    def __contains__(self, node) -> bool:
        try:
            return node in self._succ
        except TypeError:  # unhashable: not a node
            return False

    def __len__(self) -> int:
        return len(self._succ)

    @property
    def nodes(self):
        return self._succ.keys()

    @property
    def edges(self) -> _EdgeView:
        return _EdgeView(self)

    def has_edge(self, u, v) -> bool:
        return u in self._succ and v in self._succ[u]

    def successors(self, node):
        return iter(self._succ[node])

    def predecessors(self, node):
        return iter(self._pred[node])

    def subgraph(self, nodes) -> "DiGraph":
        """A copy of the subgraph the nodes induce. Node order: this graph's, except that a set of fewer than half
        the nodes is walked in its own order, and each node's predecessors are rebuilt in the order of their
        sources, as networkx's copy of a subgraph view has them (shortest paths break ties the same way)."""
        keep = {n for n in nodes if n in self}
        order = keep if 2 * len(keep) < len(self._succ) else [n for n in self._succ if n in keep]
        out = DiGraph()
        out.add_nodes_from(order)  # then each node's edges: its predecessors in the order of their sources
        for u in list(out._succ):
            for v, data in self._succ[u].items():
                if v in keep:
                    out.add_edge(u, v, **data)
        return out


def descendants(graph: DiGraph, source) -> set:
    """Every node reachable from source, source aside."""
    seen = {source}
    todo = [source]
    while todo:
        for nxt in graph._succ[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    seen.discard(source)
    return seen


def shortest_path(graph: DiGraph, source, target) -> list:
    """A shortest path from source to target, both ends included: breadth-first from both ends, a level of the
    smaller frontier at a time, stopping where the searches meet. Raises NoPath."""
    if source not in graph or target not in graph:
        raise NoPath(f"{source!r} or {target!r} is not in the graph")
    if source == target:
        return [source]
    back = {source: None}   # node -> the node before it, towards source
    ahead = {target: None}  # node -> the node after it, towards target
    forward, reverse = [source], [target]
    meet = None
    while forward and reverse and meet is None:
        if len(forward) <= len(reverse):
            level, forward = forward, []
            for v in level:
                for w in graph._succ[v]:
                    if w not in back:
                        forward.append(w)
                        back[w] = v
                    if w in ahead:
                        meet = w
                        break
                if meet is not None:
                    break
        else:
            level, reverse = reverse, []
            for v in level:
                for w in graph._pred[v]:
                    if w not in ahead:
                        ahead[w] = v
                        reverse.append(w)
                    if w in back:
                        meet = w
                        break
                if meet is not None:
                    break
    if meet is None:
        raise NoPath(f"no path from {source!r} to {target!r}")
    path = []
    node = meet
    while node is not None:
        path.append(node)
        node = back[node]
    path.reverse()
    node = ahead[meet]
    while node is not None:
        path.append(node)
        node = ahead[node]
    return path


def has_path(graph: DiGraph, source, target) -> bool:
    try:
        shortest_path(graph, source, target)
    except NoPath:
        return False
    return True
