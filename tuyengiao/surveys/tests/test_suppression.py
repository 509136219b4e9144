"""Secondary suppression: no hidden figure can be worked out from the shown ones.

The check is independent of the module's graph argument: it writes the sums as a
linear system over the hidden values and asks, by exact Gaussian elimination, whether
each hidden value is determined.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tuyengiao.surveys.suppression import Tree, suppress


def _rank(rows: list[list[Fraction]]) -> int:
    m = [r[:] for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c] != 0:
                f = m[i][c] / m[rank][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def determined(tree: Tree, hidden: set[str]) -> set[str]:
    """Hidden nodes whose value follows from the shown ones (e_v in the row space)."""
    unknown = sorted(hidden)
    index = {v: i for i, v in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for node in tree.nodes:
        kids = tree.children.get(node, [])
        if not kids:
            continue
        row = [Fraction(0)] * len(unknown)
        for member, sign in [(node, 1), *[(c, -1) for c in kids]]:
            if member in index:
                row[index[member]] += sign
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    base = _rank(rows)
    out = set()
    for v in unknown:
        unit = [Fraction(0)] * len(unknown)
        unit[index[v]] = Fraction(1)
        if _rank([*rows, unit]) == base:
            out.add(v)
    return out


def _tree(shape: list[int]) -> Tree:
    """A tree from a parent index list: node i+1's parent is shape[i] (< i+1)."""
    parent: dict[str, str | None] = {"n0": None}
    for i, p in enumerate(shape, start=1):
        parent[f"n{i}"] = f"n{p % i}"
    return Tree(parent)


def _totals(tree: Tree, leaves: dict[str, int]) -> dict[str, int]:
    totals: dict[str, int] = {}

    def walk(node: str) -> int:
        kids = tree.children.get(node, [])
        totals[node] = sum(walk(c) for c in kids) if kids else leaves[node]
        return totals[node]

    walk("n0")
    return totals


def test_one_small_child_hides_its_smallest_sibling_too() -> None:
    tree = Tree({"x": None, "a": "x", "b": "x", "c": "x"})
    totals = {"a": 4, "b": 9, "c": 30, "x": 43}
    hidden = suppress(tree, totals, 5)
    assert hidden == {"a", "b"}
    assert determined(tree, hidden) == set()


def test_a_commune_with_one_hidden_cell_under_a_shown_total() -> None:
    # province p: communes x (cells a, b) and y; a has 3 respondents
    tree = Tree({"p": None, "x": "p", "y": "p", "a": "x", "b": "x"})
    totals = {"a": 3, "b": 20, "x": 23, "y": 40, "p": 63}
    hidden = suppress(tree, totals, 5)
    assert "a" in hidden and "b" in hidden  # else a = x - b
    assert determined(tree, hidden) == set()


def test_a_small_total_hides_everything_below_it() -> None:
    tree = Tree({"x": None, "a": "x", "b": "x"})
    hidden = suppress(tree, {"a": 2, "b": 2, "x": 4}, 5)
    assert hidden == {"x", "a", "b"}


def test_nothing_hidden_when_every_group_is_large() -> None:
    tree = Tree({"x": None, "a": "x", "b": "x"})
    assert suppress(tree, {"a": 5, "b": 7, "x": 12}, 5) == set()


@settings(max_examples=300, deadline=None)
@given(
    shape=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=14),
    values=st.lists(st.integers(min_value=0, max_value=14), min_size=15, max_size=15),
    k=st.integers(min_value=2, max_value=10),
)
def test_no_hidden_figure_is_determined(shape: list[int], values: list[int], k: int) -> None:
    tree = _tree(shape)
    leaves = {n: values[i] for i, n in enumerate(tree.nodes)}
    totals = _totals(tree, leaves)
    hidden = suppress(tree, totals, k)
    assert {n for n in tree.nodes if totals[n] < k} <= hidden
    assert determined(tree, hidden) == set()
