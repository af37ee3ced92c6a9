"""OpenAPI 3.1 documents of the two wire APIs (awe.sm and OneAll), built as data from the adapters' own tables so
they cannot drift from what the handlers accept; served by `routes.py`, checked by tests/api/test_openapi.py."""
