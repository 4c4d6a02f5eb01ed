"""The routes of the HTTP door, one module per concern. Each may import the app's keys, middlewares and
URL scheme, never `proxy.app.server` (which imports them)."""
