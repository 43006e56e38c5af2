"""Node positions computed in Python, so that large maps open still and fast.

vis-network's in-browser physics is fine for a few hundred nodes; above that it takes
seconds to minutes to settle (see notes/pyvis.md). These functions give fixed positions in
vis-network's pixel space instead. Both are deterministic: the same graph and seed give the
same picture, so a map projected twice looks the same.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import igraph
import networkx as nx

__all__ = ["Layers", "force_positions", "layered_positions"]

Position = tuple[float, float]

# igraph draws its random numbers from one process-wide generator (Python's `random` module by
# default). A seeded layout swaps in a private generator for the duration of the call; the lock
# keeps two concurrent map renders from swapping each other's.
_IGRAPH_RNG_LOCK = threading.Lock()

# Above this many nodes igraph's grid variant of Fruchterman-Reingold is used: it only computes
# repulsion between nearby nodes, which is what keeps 10,000 nodes under a second.
_GRID_FROM_NODES = 1000


def force_positions(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    seed: int = 42,
    iterations: int = 300,
    spacing: float = 80.0,
) -> dict[Hashable, Position]:
    """Return force-directed positions (igraph's Fruchterman-Reingold) for every node.

    Each connected component is laid out on its own, then the components are packed in
    rows, largest first, and the isolated nodes gathered in a grid after them. Laid out
    together, components and isolated nodes drift apart and the fitted view shrinks the
    main component to a dot.

    Parameters
    ----------
    G : networkx graph
        Not modified. Self-loops are ignored; a directed graph is laid out as undirected.
    weight : str or None
        Edge attribute by which a tie pulls its ends together (stronger tie, closer
        nodes). Missing, non-positive or non-finite weights count as 1.
    seed : int
        Seed of the starting positions and of igraph's random choices.
    iterations : int
        Number of Fruchterman-Reingold iterations.
    spacing : float
        Room per node, in pixels: a component of n nodes spans about
        ``sqrt(n) * spacing``.

    Returns
    -------
    dict
        ``{node: (x, y)}``, rounded to 0.1 pixel, centred on (0, 0).

    Examples
    --------
    >>> pos = force_positions(nx.krackhardt_kite_graph(), seed=1)
    >>> pos == force_positions(nx.krackhardt_kite_graph(), seed=1)
    True
    """
    nodes = list(G.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    edges, weights = [], []
    for u, v, data in G.edges(data=True):
        if u != v:
            edges.append((index[u], index[v]))
            weights.append(_positive(data.get(weight)) if weight else 1.0)
    graph = igraph.Graph(n=len(nodes), edges=edges)
    graph.es["attraction"] = _normalised(weights) if weights else []
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), c[0]))

    blocks: list[tuple[list[int], list[Position]]] = []
    rng = random.Random(seed)
    with _IGRAPH_RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            for component in components:
                if len(component) > 1:
                    blocks.append((component, _component_layout(
                        graph.induced_subgraph(component), rng, iterations, spacing)))
        finally:
            igraph.set_random_number_generator(random)
    isolated = [c[0] for c in components if len(c) == 1]
    grid = (isolated, _grid(len(isolated), spacing * 0.75)) if isolated else None

    placed = _packed(blocks, grid, gap=spacing)
    return {nodes[vertex]: position for vertex, position in placed.items()}


def _component_layout(
    graph: igraph.Graph, rng: random.Random, iterations: int, spacing: float
) -> list[Position]:
    """Layout of one connected component, scaled, with its corner at (0, 0)."""
    n = graph.vcount()
    if n == 2:
        return [(0.0, 0.0), (spacing, 0.0)]
    # Start spread over an area that grows with the node count, like igraph's own random
    # start: a start squeezed into a unit square makes the grid variant crawl.
    half = math.sqrt(n) / 2
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in range(n)]
    coords = graph.layout_fruchterman_reingold(
        weights=graph.es["attraction"],
        niter=iterations,
        seed=start,
        grid=n >= _GRID_FROM_NODES,
    ).coords
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    left, top = min(xs), min(ys)
    # The longer side, not the area, sets the scale: a component laid out on a line must
    # not explode.
    side = max(max(xs) - left, max(ys) - top, 1e-9)
    factor = spacing * math.sqrt(n) / side
    return [((x - left) * factor, (y - top) * factor) for x, y in coords]


def _grid(count: int, step: float) -> list[Position]:
    columns = math.ceil(math.sqrt(count))
    return [((i % columns) * step, (i // columns) * step) for i in range(count)]


def _packed(
    blocks: list[tuple[list[int], list[Position]]],
    last_row: tuple[list[int], list[Position]] | None,
    *,
    gap: float,
) -> dict[int, Position]:
    """Place blocks left to right in rows (shelves), ``last_row`` on a row of its own
    below them, then centre the whole on (0, 0)."""
    if last_row is not None:
        blocks = [*blocks, last_row]
    sizes = []
    for _, coords in blocks:
        sizes.append((max(x for x, _ in coords), max(y for _, y in coords)))
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    row_width = max(max(w for w, _ in sizes), math.sqrt(area) * 1.3)
    placed: dict[int, Position] = {}
    x = y = row_height = 0.0
    for (vertices, coords), (width, height) in zip(blocks, sizes):
        new_row = x + width > row_width or (last_row is not None and vertices is last_row[0])
        if x > 0 and new_row:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for vertex, (cx, cy) in zip(vertices, coords):
            placed[vertex] = (x + cx, y + cy)
        x += width + gap
        row_height = max(row_height, height)
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    mid_x, mid_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {v: (round(px - mid_x, 1), round(py - mid_y, 1)) for v, (px, py) in placed.items()}


@dataclass(frozen=True)
class Layers:
    """Positions of a layered (hierarchical) layout.

    Attributes
    ----------
    positions : dict
        ``{node: (x, y)}`` in pixels.
    band_tops : dict
        ``{rank: y}``: the y of the first row of each non-empty rank, where a band title
        can be drawn.
    left : float
        The smallest x of all positions (band titles go to its left).
    """

    positions: dict[Hashable, Position]
    band_tops: dict[int, float]
    left: float


def layered_positions(
    G: nx.Graph,
    rank: Mapping[Hashable, int],
    *,
    spacing: float = 120.0,
    max_row: int | None = None,
    sweeps: int = 4,
) -> Layers:
    """Return a layered layout: one horizontal band per rank, top to bottom.

    Within a band, nodes are ordered to shorten edges (barycentre heuristic: each node
    moves towards the mean position of its neighbours in the other bands, sweeping down
    then up). A band with more nodes than ``max_row`` wraps onto several rows, so that
    2,000 communes make a block rather than a line 200 metres long; it wraps column by
    column, so that the left-to-right order is kept.

    Parameters
    ----------
    G : networkx graph
        Not modified.
    rank : mapping
        Band of each node (0 at the top); nodes missing from it go to a last band.
    spacing : float
        Horizontal distance between neighbours in a row, in pixels.
    max_row : int, optional
        Most nodes per row; by default ``max(12, 2 * sqrt(n))``.
    sweeps : int
        Number of ordering passes.

    Returns
    -------
    Layers

    Examples
    --------
    >>> G = nx.Graph([("petr", "cc1"), ("petr", "cc2"), ("cc1", "mairie")])
    >>> layers = layered_positions(G, {"petr": 0, "cc1": 1, "cc2": 1, "mairie": 2})
    >>> layers.positions["petr"][1] < layers.positions["cc1"][1] < layers.positions["mairie"][1]
    True
    """
    nodes = list(G.nodes)
    if not nodes:
        return Layers({}, {}, 0.0)
    last = max(rank.values(), default=0) + 1
    bands: dict[int, list[Hashable]] = {}
    for node in nodes:
        bands.setdefault(rank.get(node, last), []).append(node)
    ranks = sorted(bands)
    row_capacity = max_row or max(12, math.ceil(2 * math.sqrt(len(nodes))))

    # Relative place of each node in its band, in [0, 1]; refined by the sweeps.
    place = {}
    for members in bands.values():
        for i, node in enumerate(members):
            place[node] = _relative(i, len(members))
    band_of = {node: r for r, members in bands.items() for node in members}
    order = ranks + ranks[-2::-1]
    for _ in range(sweeps):
        for r in order:
            members = bands[r]
            centre = {}
            for node in members:
                around = [place[n] for n in G.adj[node] if n != node and band_of[n] != r]
                centre[node] = sum(around) / len(around) if around else place[node]
            # Stable sort: ties keep their current order, so the result is deterministic.
            members.sort(key=lambda n: centre[n])
            for i, node in enumerate(members):
                place[node] = _relative(i, len(members))

    positions: dict[Hashable, Position] = {}
    band_tops: dict[int, float] = {}
    row_gap, band_gap = spacing * 0.75, spacing * 2.0
    y = 0.0
    for r in ranks:
        members = bands[r]
        band_tops[r] = y
        # Wrapped column by column, so that left to right still follows the sweeps'
        # order: the communes of an EPCI stay under it, over several rows.
        rows = math.ceil(len(members) / row_capacity)
        columns = math.ceil(len(members) / rows)
        x0 = -(columns - 1) * spacing / 2
        for i, node in enumerate(members):
            column, row = divmod(i, rows)
            positions[node] = (round(x0 + column * spacing, 1), round(y + row * row_gap, 1))
        y += (rows - 1) * row_gap + band_gap
    left = min(x for x, _ in positions.values())
    return Layers(positions, band_tops, left)


def _relative(i: int, count: int) -> float:
    return 0.5 if count == 1 else i / (count - 1)


def _positive(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return number if math.isfinite(number) and number > 0 else 1.0


def _normalised(weights: list[float]) -> list[float]:
    # Mean 1, clipped: one very heavy tie must not collapse its ends onto each other.
    mean = sum(weights) / len(weights)
    return [min(10.0, max(0.1, w / mean)) for w in weights]
