"""Maillage analysis layer: plain rows in; NetworkX graphs, metrics, gaps and maps out."""

import os as _os

# igraph's OpenMP threads busy-wait for work by default; on a shared 2-core machine that turns a
# 0.02 s PageRank into 0.6 s whenever another process holds a core. Set before igraph loads.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")
