"""Audio versions a publisher can put online: the podcast feed of a column (RSS 2.0 with the iTunes and
Podcasting 2.0 namespaces, through feedgen) and its cover image. Shared by `a11y-proxy podcast` (files) and
the live `/feed` route.

May import: the leaves (`proxy.config`, `proxy.errors`), `proxy.speech` and `transforms`. Never `proxy.app`
or `proxy.cli`."""
