"""Prometheus metrics, in a registry of our own so that several apps in one process (tests) don't clash."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("a11y_requests_total", "Requests served", ["mode", "status"],
                                registry=self.registry)
        self.upstream_latency = Histogram("a11y_upstream_seconds", "Upstream fetch latency",
                                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20), registry=self.registry)
        self.render_latency = Histogram("a11y_render_seconds", "Parse, extract and render time",
                                        buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5), registry=self.registry)
        self.cache = Counter("a11y_cache_total", "Cache lookups", ["kind", "result"], registry=self.registry)
        self.bytes_out = Counter("a11y_response_bytes_total", "Bytes sent to clients", registry=self.registry)
        self.upstream_bytes = Counter("a11y_upstream_bytes_total", "Bytes read from upstream",
                                      registry=self.registry)
        self.forward = Counter("a11y_forward_total", "Forward-proxy (browser proxy) outcomes", ["kind"],
                               registry=self.registry)
        self.in_flight = Gauge("a11y_upstream_in_flight", "Upstream fetches in flight", registry=self.registry)

        self._request_children: dict[tuple[str, int], Counter] = {}

    def count_request(self, mode: str, status: int, size: int = 0) -> None:
        """labels() costs a lock and a tuple per call: keep the labelled children (a few dozen at most)."""
        child = self._request_children.get((mode, status))
        if child is None:
            child = self._request_children[(mode, status)] = self.requests.labels(mode, str(status))
        child.inc()
        if size:
            self.bytes_out.inc(size)

    def render(self) -> bytes:
        return generate_latest(self.registry)
