"""People whose removal would disconnect institutions from each other.

A person is a *broker dependency* when, without them, the people of some institutions can no
longer reach the people of others through the network of who talks to whom. Only
articulation points of the person graph can be such people; removing one splits its
component into pieces, and institutions stay connected across pieces that share one of them.

Computing the pieces of every articulation point by deleting it and recounting components
costs one graph traversal each (hundreds of them at territory scale). The block-cut tree
gives them all in one pass: the pieces left by cut vertex ``p`` are the subtrees of its
children plus "everything else", so per-subtree institution counts answer every question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from graph import backends
from graph.backends import WeightedGraph


@dataclass(frozen=True, slots=True)
class BrokerDependency:
    """``broker`` holds ``cut_off`` institutions apart from the ``kept`` ones."""

    broker: Hashable
    kept: frozenset[int]
    cut_off: frozenset[int]


def broker_dependencies(
    wg: WeightedGraph,
    institutions_of: Mapping[Hashable, Iterable[int]],
    *,
    reference: int | None = None,
    backend: str = "igraph",
) -> list[BrokerDependency]:
    """Every person whose removal disconnects institutions, with what gets cut off.

    Parameters
    ----------
    wg : WeightedGraph
        The person graph (weights are ignored).
    institutions_of : mapping
        Person id → the institutions they belong to.
    reference : int, optional
        An institution (the workspace's body): when it is on one side of the split, the
        institutions on the other sides are the ones reported as cut off. Otherwise the side
        with the most institutions is kept.

    Returns
    -------
    list of BrokerDependency
        In node order of ``wg``.

    Examples
    --------
    Anne (PETR) is the only one who talks to Bruno (EPCI):

    >>> wg = WeightedGraph([1, 2, 3], [(0, 1), (0, 2)], [1.0, 1.0])
    >>> deps = broker_dependencies(wg, {1: [10], 2: [20], 3: [10]}, reference=10)
    >>> [(d.broker, sorted(d.kept), sorted(d.cut_off)) for d in deps]
    [(1, [10], [20])]
    """
    blocks, cuts = backends.biconnected(wg, backend=backend)
    if not cuts:
        return []
    tree = _BlockCutTree(blocks, cuts)
    institutions = [
        tuple(institutions_of.get(node, ())) for node in wg.nodes
    ]
    found = []
    for cut, pieces in tree.pieces(institutions):
        groups = _connected_groups([p for p in pieces if p])
        if len(groups) < 2:
            continue
        kept = _kept_group(groups, reference)
        cut_off = frozenset().union(*(g for g in groups if g is not kept))
        found.append(BrokerDependency(wg.nodes[cut], frozenset(kept), cut_off))
    return found


class _BlockCutTree:
    """Block-cut forest over node indices: block ``j`` is tree node ``j``; cut vertex ``v``
    is tree node ``len(blocks) + position of v``."""

    def __init__(self, blocks: list[list[int]], cuts: list[int]) -> None:
        self.blocks = blocks
        self.cuts = cuts
        first_cut = len(blocks)
        self.cut_node = {v: first_cut + i for i, v in enumerate(cuts)}
        self.neighbours: list[list[int]] = [[] for _ in range(first_cut + len(cuts))]
        for j, block in enumerate(blocks):
            for v in block:
                c = self.cut_node.get(v)
                if c is not None:
                    self.neighbours[j].append(c)
                    self.neighbours[c].append(j)

    def pieces(self, institutions: list[tuple[int, ...]]):
        """Yield (cut vertex, [institution set of each piece left when it is removed])."""
        n_blocks = len(self.blocks)
        own: list[Counter] = []
        for block in self.blocks:
            counts: Counter = Counter()
            for v in block:
                if v not in self.cut_node:
                    counts.update(institutions[v])
            own.append(counts)
        own.extend(Counter(institutions[v]) for v in self.cuts)

        visited = [False] * len(self.neighbours)
        for root in range(n_blocks):
            if visited[root]:
                continue
            order, parent = self._walk(root, visited)
            counts = {node: own[node] for node in order}
            below: dict[int, Counter] = {}  # cut tree node → counts of its whole subtree
            child_pieces: dict[int, list[set[int]]] = {}
            for node in reversed(order):  # children before parents
                up = parent[node]
                if node >= n_blocks:
                    below[node] = Counter(counts[node])
                if up is None:
                    continue
                if up >= n_blocks:  # a block hanging under a cut vertex: one piece
                    child_pieces.setdefault(up, []).append(set(counts[node]))
                counts[up] = counts[up] + counts[node]
            total = counts[root]
            for node in order:
                if node < n_blocks:
                    continue
                rest = {i for i, c in total.items() if c > below[node].get(i, 0)}
                yield self.cuts[node - n_blocks], child_pieces.get(node, []) + [rest]

    def _walk(self, root: int, visited: list[bool]) -> tuple[list[int], dict[int, int | None]]:
        """Pre-order of the tree containing ``root``, and each node's parent."""
        order: list[int] = []
        parent: dict[int, int | None] = {root: None}
        stack = [root]
        visited[root] = True
        while stack:
            node = stack.pop()
            order.append(node)
            for nxt in self.neighbours[node]:
                if not visited[nxt]:
                    visited[nxt] = True
                    parent[nxt] = node
                    stack.append(nxt)
        return order, parent


def _connected_groups(pieces: list[set[int]]) -> list[set[int]]:
    """Merge pieces sharing an institution; return the institution groups."""
    groups: list[set[int]] = []
    for piece in pieces:
        merged = set(piece)
        remaining = []
        for group in groups:
            if group & merged:
                merged |= group
            else:
                remaining.append(group)
        remaining.append(merged)
        groups = remaining
    return groups


def _kept_group(groups: list[set[int]], reference: int | None) -> set[int]:
    """The group holding the reference institution, else the largest (then lowest id)."""
    for group in groups:
        if reference is not None and reference in group:
            return group
    return min(groups, key=lambda g: (-len(g), min(g)))
