"""Where pages come from: the guarded HTTP client (`client`, `guard`), charset decoding (`decode`), and the
sources behind one interface (`sources`): the HTTP upstream and the built-in sample site (`sample`).

May import: the leaves (`proxy.config`, `proxy.errors`). Never `proxy.pages`, `proxy.app` or `proxy.cli`."""
