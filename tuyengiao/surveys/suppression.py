"""Small-group suppression over a tree of units: no figure for fewer than ``k``
respondents, and none that can be worked out from the figures shown.

The figures of a survey question form a tree: every node's count is the sum of its
children's (a unit with answers of its own and answering children gets a leaf of
its own, "trực tiếp"). Every page, sheet and report shows a node's figures or hides
them, the same everywhere (one pattern per question), so what one page hides no
other page gives away.

Primary suppression hides every node with fewer than ``k`` respondents. Secondary
suppression then hides more until no hidden node can be worked out exactly from
the shown ones. The exact test: the sums are equations ``node = Σ children``; each
node appears in at most two of them (its own family's, as the total, and its
parent's, as a child), so the hidden nodes are the edges of a graph whose vertices
are the families, plus one vertex ``G`` for "no equation" (a leaf has no family of
its own, the root has no parent). A hidden node's value is determined by the shown
ones exactly when its edge is a bridge of that graph (the null space of an incidence
matrix is its cycle space). So: while some hidden node is a bridge, hide the
smallest shown member of a family on the bridge's side away from ``G`` (one hidden
child alone in its family: its smallest sibling is hidden too). Hiding everything
leaves no bridge, so this ends.

Hiding whole nodes (every figure of the node at once: respondents, each choice, the
sum of a number) keeps the test per node: a cycle lets the same amount move between
the respondents and any one choice of every node on it, so no figure of a hidden node
is determined. Bounds from non-negativity (a hidden count is at least 0) are not
prevented; only exact values are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

G = "\x00G"  # the vertex of "no equation"


@dataclass
class Tree:
    """Nodes by key; ``parent[root] is None``."""

    parent: dict[str, str | None]
    children: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.children:
            for node, up in self.parent.items():
                self.children.setdefault(node, [])
                if up is not None:
                    self.children.setdefault(up, []).append(node)

    @property
    def nodes(self) -> Iterable[str]:
        return self.parent.keys()

    def family(self, vertex: str) -> list[str]:
        """The members of the equation of ``vertex``'s family: the node and its children."""
        return [vertex, *self.children.get(vertex, [])]


def _ends(tree: Tree, node: str) -> tuple[str, str]:
    own = node if tree.children.get(node) else G
    up = tree.parent[node]
    return own, G if up is None else up


def bridges(edges: Mapping[str, tuple[str, str]]) -> set[str]:
    """The bridges of a multigraph given as edge id -> (a, b) (iterative Tarjan)."""
    adjacent: dict[str, list[tuple[str, str]]] = {}
    for eid, (a, b) in edges.items():
        if a == b:
            continue  # a loop is never a bridge
        adjacent.setdefault(a, []).append((b, eid))
        adjacent.setdefault(b, []).append((a, eid))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: set[str] = set()
    counter = 0
    for start in adjacent:
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack: list[tuple[str, str | None, int]] = [(start, None, 0)]
        while stack:
            vertex, via, index = stack[-1]
            neighbours = adjacent[vertex]
            if index < len(neighbours):
                stack[-1] = (vertex, via, index + 1)
                other, eid = neighbours[index]
                if eid == via:
                    continue
                if other in order:
                    low[vertex] = min(low[vertex], order[other])
                else:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, eid, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent] and via is not None:
                        found.add(via)
    return found


def _side(edges: Mapping[str, tuple[str, str]], bridge: str) -> list[str]:
    """The vertices on the side of ``bridge`` away from ``G`` (breadth first from
    the bridge's end on that side)."""
    a, b = edges[bridge]
    adjacent: dict[str, list[str]] = {}
    for eid, (x, y) in edges.items():
        if eid != bridge:
            adjacent.setdefault(x, []).append(y)
            adjacent.setdefault(y, []).append(x)
    for start in (a, b):
        if start == G:
            continue
        order = [start]
        seen = {start}
        position = 0
        while position < len(order):
            vertex = order[position]
            position += 1
            for other in adjacent.get(vertex, []):
                if other not in seen:
                    seen.add(other)
                    order.append(other)
        if G not in seen:
            return order
    return [v for v in (a, b) if v != G]


def suppress(tree: Tree, totals: Mapping[str, int], k: int) -> set[str]:
    """The nodes whose figures are hidden: fewer than ``k`` respondents, and enough
    others that no hidden node can be worked out from the shown ones."""
    hidden = {node for node in tree.nodes if totals.get(node, 0) < k}

    def smallest_shown(vertex: str) -> str | None:
        shown = [m for m in tree.family(vertex) if m not in hidden]
        return min(shown, key=lambda n: (totals.get(n, 0), n)) if shown else None

    while True:
        edges = {node: _ends(tree, node) for node in hidden}
        found = bridges(edges)
        if not found:
            return hidden
        degree: dict[str, int] = {}
        for a, b in edges.values():
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        # The usual case, many at once: a family whose one hidden member is the bridge
        # (one small child alone): hide the family's smallest shown member.
        fixed: set[str] = set()
        for bridge in sorted(found, key=lambda n: (totals.get(n, 0), n)):
            for vertex in edges[bridge]:
                if vertex != G and degree[vertex] == 1 and vertex not in fixed:
                    extra = smallest_shown(vertex)
                    if extra is not None:
                        hidden.add(extra)
                        fixed.add(vertex)
                        break
        if fixed:
            continue
        # Otherwise one bridge at a time: a family on its side away from G.
        bridge = min(found, key=lambda n: (totals.get(n, 0), n))
        for vertex in _side(edges, bridge):
            extra = smallest_shown(vertex)
            if extra is not None:
                hidden.add(extra)
                break
        else:  # cannot happen (see the module's note); hide everything rather than loop
            return set(tree.nodes)
