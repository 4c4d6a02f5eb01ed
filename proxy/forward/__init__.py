"""The forward door: a browser proxy (HTTP and HTTPS) on mitmproxy, in the server's own process and event loop,
that lays our toolbar over the real site (overlay mode) or renders the same address in the reader's mode through
the page service every door shares. Only allow-listed hosts are touched; the TLS certificates come from this
installation's own CA, name-constrained to the allow-list (`ca`); `/proxy.pac` is made by `pac`.

`start.forward_door` runs it for the server (`proxy.app.server`); `status` is all the rest of the server needs to
know (no mitmproxy import there: mitmproxy is the optional `forward` extra). `door` embeds mitmproxy, `addon` holds
its hooks, `respond` what happens to a page, `own` our endpoints on each site's origin, `links` how pages address
things, `prefs` the reader's choices that follow them from site to site.

May import: `proxy.pages`, `proxy.upstream`, `proxy.cache`, the leaves (`proxy.config`, `proxy.errors`,
`proxy.metrics`) and `transforms`. Never `proxy.app` or `proxy.cli` (they import this).
"""
