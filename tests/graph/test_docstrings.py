"""The examples in the analysis layer's docstrings are true."""

import doctest
import importlib

import pytest

MODULES = [
    "graph.analysis",
    "graph.backends",
    "graph.brokers",
    "graph.build",
    "graph.evolution",
    "graph.expected",
    "graph.gaps",
    "graph.metrics",
    "graph.paths",
    "graph.roles",
    "graph.ties",
    "graph.window",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
