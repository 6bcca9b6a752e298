"""Control flow: one directed graph (digraph.py) per function body and per lambda body, built from the statement facts.

Nodes are statement ids (leaf statements and conditions), each condition's two outcomes as (id, True) and
(id, False), and three ends: ENTRY; EXIT, where the code returns (a return, a throw, a QTest macro's hidden
return, or falling off the end); and ABORT, where the program ends (qFatal, abort, exit). A return inside a
lambda is an exit of the lambda's own graph, never of the function that holds the lambda. Matchers ask one
question of a graph: is there a path from here to there that passes none of these statements?
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import digraph as nx

from .records import StmtFact

ENTRY, EXIT, ABORT = "entry", "exit", "abort"
LOOPS = ("WHILE_STMT", "DO_STMT", "FOR_STMT", "CXX_FOR_RANGE_STMT")


@dataclass
class Flow:
    """The control-flow graph of one function or lambda body."""

    owner: tuple[str | None, int | None]
    graph: nx.DiGraph
    stmts: dict[int, StmtFact]
    exit_kinds: dict[int, str]  # statement id -> return, throw, qtest, goto (from the exit facts)
    loose: list[int] = field(default_factory=list)  # lines of constructs modelled with more paths than exist
    _rank: dict = field(default_factory=dict, repr=False, compare=False)  # node -> its place in the graph's order

    def line(self, node) -> int:
        if isinstance(node, tuple):
            node = node[0]
        stmt = self.stmts.get(node)
        return stmt.line if stmt else 0

    def path(self, sources, targets, blocked=()) -> list | None:
        """The shortest path from a source to a target that steps on no blocked node (sources are not blocked).

        The path is the one networkx's bidirectional search finds on a copy of the graph without the blocked
        nodes, a start node before the sources and an end node after the targets (what _path_on_copy does), found
        here on the graph itself: a copy per question made a function's questions cost the square of its size."""
        sources, targets = set(sources), set(targets)
        blocked = set(blocked) - sources
        if not sources or not targets:
            return None
        graph = self.graph
        kept = len(graph) - sum(1 for n in blocked if n in graph)
        if 2 * kept < len(graph):  # networkx then lists the copy's nodes in the order of a set: do as it does
            return self._path_on_copy(sources, targets, blocked)
        succ, pred = graph._succ, graph._pred
        if not self._rank:
            self._rank.update((n, i) for i, n in enumerate(graph))
        rank = self._rank
        start, end = ("start",), ("end",)
        first = [s for s in sources if s in succ]  # the copy's edges start -> source, in this order
        last = [t for t in targets if t in succ and t not in blocked]  # and target -> end
        if not first or not last:
            return None
        firsts, lasts = set(first), set(last)

        def successors(v):
            if v == start:
                return first
            out = [w for w in succ[v] if w not in blocked]
            return out + [end] if v in lasts else out

        def predecessors(v):
            if v == end:
                return last
            # the copy added its edges source by source in the order of the graph's nodes
            out = sorted((u for u in pred[v] if u not in blocked), key=rank.__getitem__)
            return out + [start] if v in firsts else out

        # networkx's _bidirectional_pred_succ, step for step (the same fringes, the same order of neighbours)
        before, after = {start: None}, {end: None}
        forward, reverse = [start], [end]
        meet = None
        while forward and reverse and meet is None:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for v in level:
                    for w in successors(v):
                        if w not in before:
                            forward.append(w)
                            before[w] = v
                        if w in after:
                            meet = w
                            break
                    if meet is not None:
                        break
            else:
                level, reverse = reverse, []
                for v in level:
                    for w in predecessors(v):
                        if w not in after:
                            after[w] = v
                            reverse.append(w)
                        if w in before:
                            meet = w
                            break
                    if meet is not None:
                        break
        if meet is None:
            return None
        path = []
        w = meet
        while w is not None:
            path.append(w)
            w = before[w]
        path.reverse()
        w = after[path[-1]]
        while w is not None:
            path.append(w)
            w = after[w]
        return path[1:-1]

    def _path_on_copy(self, sources: set, targets: set, blocked: set) -> list | None:
        """path() as networkx answers it on a copy of the graph without the blocked nodes."""
        keep = [n for n in self.graph if n not in blocked]
        view = nx.DiGraph(self.graph.subgraph(keep))
        start, end = ("start",), ("end",)
        view.add_edges_from((start, s) for s in sources if s in view)
        view.add_edges_from((t, end) for t in targets if t in view)
        if start not in view or end not in view or not nx.has_path(view, start, end):
            return None
        return nx.shortest_path(view, start, end)[1:-1]

    def _steps(self, path, ends: bool) -> list:
        """The path's lines, each once where the path stays on it; with ends, the entry, exit and abort as words."""
        out: list = []
        for node in path:
            step = {ENTRY: "start", EXIT: "end", ABORT: "abort"}.get(node) if ends and isinstance(node, str) else None
            step = step or self.line(node) or None
            if step and (not out or out[-1] != step):
                out.append(step)
        return out

    def lines(self, path) -> list[int]:
        """The path as source lines, each line once where the path stays on it."""
        return self._steps(path, ends=False)

    def loose_on(self, lines: list[int]) -> list[int]:
        """The lines of a path whose constructs are modelled with more paths than exist: its answer is not sure."""
        return [ln for ln in lines if ln in self.loose]

    def exits(self) -> list:
        """The nodes control leaves the body from (predecessors of EXIT)."""
        return sorted(self.graph.predecessors(EXIT), key=lambda n: (self.line(n), str(n)))

    def exit_kind(self, node) -> str:
        """How control leaves through this node: return, throw, qtest, or end (falls off the closing brace)."""
        if isinstance(node, tuple) or node not in self.stmts:
            return "end"
        stmt = self.stmts[node]
        if node in self.exit_kinds:
            return self.exit_kinds[node]
        if stmt.kind == "RETURN_STMT":
            return "return"
        if stmt.kind == "THROW" or stmt.throws:
            return "throw"
        return "end"

    def describe(self, path) -> str:
        """The path for a message: its lines, with start for the entry and end for falling off the body."""
        return " -> ".join(map(str, self._steps(path, ends=True)))


class _Builder:
    """Lowers one statement tree to graph edges, the way a compiler's CFG builder does, one construct at a time."""

    def __init__(self, flow: Flow, children: dict[int, list[StmtFact]]):
        self.flow = flow
        self.g = flow.graph
        self.children = children
        self.labels: dict[str, object] = {}
        self.gotos: list[tuple[int, str | None]] = []

    def node(self, stmt: StmtFact):
        self.g.add_node(stmt.id)
        if stmt.loose:
            self.flow.loose.append(stmt.line)
        return stmt.id

    def kids(self, stmt, *roles) -> list[StmtFact]:
        return [c for c in self.children.get(stmt.id, []) if not roles or c.role in roles]

    def chain(self, stmts: list[StmtFact], nxt, ctx: dict):
        for s in reversed(stmts):
            nxt = self.lower(s, nxt, ctx)
        return nxt

    def cond(self, stmt: StmtFact, on_true, on_false, ctx: dict):
        """A condition node and its two outcome nodes."""
        c = self.leafnode(stmt, ctx)
        t, f = (stmt.id, True), (stmt.id, False)
        self.g.add_edge(c, t)
        self.g.add_edge(c, f)
        self.g.add_edge(t, on_true)
        self.g.add_edge(f, on_false)
        return c

    def leafnode(self, stmt: StmtFact, ctx: dict):
        n = self.node(stmt)
        for h in ctx.get("handlers", ()):  # inside try: any statement may throw to a handler
            self.g.add_edge(n, h)
        return n

    def lower(self, s: StmtFact, nxt, ctx: dict):
        """Add s to the graph so that it continues to nxt; return the node control enters s by."""
        k = s.kind
        if k == "COMPOUND_STMT":
            return self.chain(self.kids(s), nxt, ctx)
        if k == "IF_STMT":
            then = self.kids(s, "then")
            other = self.kids(s, "else")
            t = self.chain(then, nxt, ctx)
            e = self.chain(other, nxt, ctx)
            conds = self.kids(s, "cond")
            if not conds:
                self.flow.loose.append(s.line)
                head = self.leafnode(s, ctx)
                self.g.add_edge(head, t)
                self.g.add_edge(head, e)
            else:
                head = self.cond(conds[0], t, e, ctx)
            return self.chain(self.kids(s, "init"), head, ctx)
        if k in LOOPS:
            return self.loop(s, nxt, ctx)
        if k == "SWITCH_STMT":
            cases: list = []
            inner = dict(ctx, brk=nxt, cases=cases)
            self.chain(self.kids(s, "body"), nxt, inner)  # registers the case labels
            conds = self.kids(s, "cond")
            head = self.leafnode(conds[0], ctx) if conds else self.leafnode(s, ctx)
            for case in cases:
                self.g.add_edge(head, case)
            if not any(self.flow.stmts[c].kind == "DEFAULT_STMT" for c in cases):
                self.g.add_edge(head, nxt)
            return self.chain(self.kids(s, "init"), head, ctx)
        if k in ("CASE_STMT", "DEFAULT_STMT", "LABEL_STMT"):
            n = self.leafnode(s, ctx)
            if k == "LABEL_STMT":
                self.labels[s.label or ""] = n
            elif "cases" in ctx:
                ctx["cases"].append(n)
            self.g.add_edge(n, self.chain(self.kids(s, "sub"), nxt, ctx))
            return n
        if k == "CXX_TRY_STMT":
            handlers = [self.lower(h, nxt, ctx) for h in self.kids(s, "handler")]
            inner = dict(ctx, handlers=list(ctx.get("handlers", ())) + handlers)
            return self.chain(self.kids(s, "try"), nxt, inner)
        if k == "CXX_CATCH_STMT":
            n = self.leafnode(s, ctx)
            self.g.add_edge(n, self.chain(self.kids(s, "body"), nxt, ctx))
            return n
        # a leaf: expression, declaration, return, break, continue, goto, throw
        n = self.leafnode(s, ctx)
        if k == "RETURN_STMT":
            self.g.add_edge(n, EXIT)
        elif k == "BREAK_STMT":
            self.g.add_edge(n, ctx.get("brk", EXIT))
        elif k == "CONTINUE_STMT":
            self.g.add_edge(n, ctx.get("cont", EXIT))
        elif k == "GOTO_STMT":
            self.gotos.append((n, s.label))
        elif k == "THROW":
            for h in ctx.get("handlers", ()) or (EXIT,):
                self.g.add_edge(n, h)
        elif s.noreturn:
            self.g.add_edge(n, ABORT)
        else:
            self.g.add_edge(n, nxt)
            if s.throws:  # a throw inside an expression (cond ? x : throw ...): both ways
                for h in ctx.get("handlers", ()) or (EXIT,):
                    self.g.add_edge(n, h)
        return n

    def loop(self, s: StmtFact, nxt, ctx: dict):
        k = s.kind
        body = self.kids(s, "body")
        conds = self.kids(s, "cond")
        if k == "DO_STMT":
            c = conds[0].id if conds else s.id
            inner = dict(ctx, brk=nxt, cont=c)
            entry = self.chain(body, c, inner)
            if conds:
                self.cond(conds[0], entry, nxt, ctx)
            else:
                self.g.add_edge(self.leafnode(s, ctx), entry)
                self.g.add_edge(s.id, nxt)
            return entry
        if k == "FOR_STMT" and s.loose:  # a for clang's children did not let us split: every part may leave
            heads = self.kids(s, "head")
            self.flow.loose.append(s.line)
            first = heads[0].id if heads else s.id
            inner = dict(ctx, brk=nxt, cont=first)
            entry = self.chain(body, first, inner)
            target = entry
            for h in reversed(heads):
                target = self.cond(h, target, nxt, ctx)
            if not heads:
                self.g.add_edge(self.leafnode(s, ctx), entry)
                self.g.add_edge(s.id, nxt)
            return target
        if k == "CXX_FOR_RANGE_STMT":
            head = self.leafnode(s, ctx)  # the next element, or the end of the range
            inner = dict(ctx, brk=nxt, cont=head)
            entry = self.chain(body, head, inner)
            t, f = (s.id, True), (s.id, False)
            self.g.add_edge(head, t)
            self.g.add_edge(head, f)
            self.g.add_edge(t, entry)
            self.g.add_edge(f, nxt)
            return self.chain(self.kids(s, "head"), head, ctx)
        # while and for: init; cond; body; inc
        head = conds[0].id if conds else s.id
        inc = self.kids(s, "inc")
        back = self.chain(inc, head, ctx) if inc else head
        inner = dict(ctx, brk=nxt, cont=back)
        entry = self.chain(body, back, inner)
        if conds:
            self.cond(conds[0], entry, nxt, ctx)
        else:  # for (;;): leaves only by break, return, goto or throw
            self.g.add_edge(self.leafnode(s, ctx), entry)
        return self.chain(self.kids(s, "init"), head, ctx)

    def finish(self):
        for n, label in self.gotos:
            target = self.labels.get(label or "")
            if target is None:
                self.flow.loose.append(self.flow.line(n))
                target = EXIT
            self.g.add_edge(n, target)


class Flows:
    """The graphs of one file, built when first asked for."""

    def __init__(self, facts):
        self.facts = facts
        self._built: dict[tuple[str | None, int | None], Flow | None] = {}
        self._children: dict[int, list[StmtFact]] = {}
        self._roots: dict[tuple[str | None, int | None], StmtFact] = {}
        for s in facts.stmts:
            if s.parent is None:
                if s.role == "root":
                    self._roots.setdefault((s.function, s.lambda_id), s)
            else:
                self._children.setdefault(s.parent, []).append(s)
        self._exit_kinds = {e.stmt: e.kind for e in facts.exits if e.stmt is not None}

    def of(self, function: str | None, lambda_id: int | None) -> Flow | None:
        """The graph of a function body (lambda_id None) or of a lambda body; None when there is no body."""
        key = (function, lambda_id)
        if key not in self._built:
            self._built[key] = self._build(key)
        return self._built[key]

    def _build(self, key) -> Flow | None:
        root = self._roots.get(key)
        if root is None:
            return None
        stmts = {}
        todo = [root]
        while todo:
            s = todo.pop()
            stmts[s.id] = s
            todo += self._children.get(s.id, [])
        graph = nx.DiGraph()
        graph.add_nodes_from((ENTRY, EXIT, ABORT))
        flow = Flow(key, graph, stmts, {i: self._exit_kinds[i] for i in stmts if i in self._exit_kinds})
        builder = _Builder(flow, self._children)
        graph.add_edge(ENTRY, builder.lower(root, EXIT, {}))
        builder.finish()
        return flow


def flows_of(facts) -> Flows:
    """The graphs of a file, shared by every matcher and model that asks: each body's graph is built once per
    check, not once per rule. Kept on the facts (not a field: never in the facts cache) while their statements
    and exits are the ones it was made from."""
    stamp = (len(facts.stmts), len(facts.exits))
    known = facts.__dict__.get("_flows")
    if known is None or known[0] != stamp:
        known = (stamp, Flows(facts))
        facts.__dict__["_flows"] = known
    return known[1]

