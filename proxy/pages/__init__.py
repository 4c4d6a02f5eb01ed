"""The page service shared by every door: upstream bytes through the sources (cached, stale-if-error), then a
mode's pipeline in the render pool (cached). `jobs` holds the functions that run in the pool's processes.

May import: `proxy.upstream`, `proxy.cache`, the leaves (`proxy.config`, `proxy.errors`, `proxy.metrics`) and
`transforms`. Never `proxy.app` or `proxy.cli`: a door hands in what is door-specific (its link policy)."""
