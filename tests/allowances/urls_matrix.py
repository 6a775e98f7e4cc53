"""What each allowances URL allows each persona (see tests/matrix.py)."""

from tests.matrix import Case

MATRIX: dict[str, Case] = {}
