"""Prometheus metrics: Parley's own, and the /metrics view that serves them with the request
metrics of django-prometheus.

Several gunicorn workers (and the Celery worker on the same machine) each count in their own
process: with ``PROMETHEUS_MULTIPROC_DIR`` set (``scripts/prod`` and the deploy examples set
it; it must be set before Python starts, and emptied on each start) prometheus-client writes
the counts to files there and /metrics adds them up. The outbox backlog is read from the
database at scrape time, so it is right whichever process asks.

Who may read /metrics (off unless PARLEY_METRICS is on): a direct connection from
PARLEY_METRICS_ALLOW_IPS (loopback by default) that carries no X-Forwarded-For or Forwarded
header (a request relayed by a proxy on the same machine would otherwise look local), or any
client with ``Authorization: Bearer $PARLEY_METRICS_TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

COMMENTS_POSTED = Counter(
    "parley_comments_posted_total", "Comments written, by the status they were given.",
    ["status"])
ENGINE_SECONDS = Histogram(
    "parley_engine_scoring_seconds",
    "Time a caller waited for the engine (posting, the Perspective endpoint), by outcome.",
    ["outcome"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 60.0))
OUTBOX_RUNS = Counter(
    "parley_outbox_runs_total", "Outbox rows run by a task (webhook, email, rescore), by outcome.",
    ["kind", "outcome"])
OUTBOX_SECONDS = Histogram(
    "parley_outbox_run_seconds", "Time one outbox row took to run, by kind.", ["kind"])


class OutboxBacklogCollector(Collector):
    """``parley_outbox_backlog{kind}``: pending outbox rows, counted in the database."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from parley.moderation.outbox import backlog

        family = GaugeMetricFamily("parley_outbox_backlog",
                                   "Outbox rows waiting to be run, by kind.", labels=["kind"])
        for kind, count in sorted(backlog().items()):
            family.add_metric([kind], count)
        yield family


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                  ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def may_read(request: HttpRequest) -> bool:
    """Return True when this request may read the metrics (see the module's docstring)."""
    token = settings.PARLEY_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(
            header.removeprefix("Bearer ").strip().encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network
               for network in _networks(tuple(settings.PARLEY_METRICS_ALLOW_IPS)))


def exposition() -> bytes:
    """Return every metric in Prometheus' text format, summed over processes when several
    count (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    backlog = CollectorRegistry()
    backlog.register(OutboxBacklogCollector())
    return generate_latest(registry) + generate_latest(backlog)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics: 404 while PARLEY_METRICS is off, 403 to whoever may not read them."""
    if not settings.PARLEY_METRICS:
        raise Http404("metrics are off")
    if not may_read(request):
        response = HttpResponse("Forbidden: metrics are readable from allowed addresses or "
                                "with the metrics token.\n", status=403,
                                content_type="text/plain")
        response["WWW-Authenticate"] = "Bearer"
        return response
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
