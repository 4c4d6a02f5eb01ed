"""The HTTP door: the aiohttp application (`server.create_app`), its middleware stack, its routes, the
prefix URL scheme (`/<mode>/<url>`), the access log and byte ranges.

May import: `proxy.pages`, `proxy.speech`, `proxy.cache`, `proxy.upstream`, the leaves (`proxy.config`,
`proxy.errors`, `proxy.metrics`) and `transforms`. Never `proxy.cli`."""
