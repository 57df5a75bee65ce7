"""Overrides of third-party internals that the catalogue page needs for speed.

One module per library, each the only place that touches that library's
internals, each pinned by `tests/catalogue/browse/test_adapters.py` so an
upgrade that changes the behaviour relied on fails a test instead of the page.
"""
