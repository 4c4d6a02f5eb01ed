"""Speech: the service (a pool of spawned worker processes, one engine each), the worker, voice choice and
audio encoding (WAV, MP3).

May import: the leaves (`proxy.config`, `proxy.errors`) and `transforms`. Never `proxy.app`, `proxy.pages` or
`proxy.cli`."""
