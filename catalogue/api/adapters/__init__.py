"""Where the API reaches into a library's internals: one module per library,
each pinned by `tests/catalogue/api/test_adapters.py`."""
