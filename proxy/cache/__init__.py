"""Caching: the entry type and the backend protocol (`entry`), the in-memory LRU (`memory`), Redis (`redis`).

May import: the leaves (`proxy.config`). Nothing else of `proxy`."""
