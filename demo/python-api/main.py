"""Orders API — the Python half of the Telemetry Lens demo.

Run: /usr/bin/python3 -m uvicorn main:app --host 127.0.0.1 --port 8000
"""
import time
from fastapi import FastAPI
from prometheus_client import make_asgi_app, Counter, Histogram, REGISTRY

from routers import orders


try:
    HTTP_REQUESTS_TOTAL = Counter(
        "http_requests_total",
        "Total HTTP requests by method, route, status.",
        ["method", "route", "status"],
    )
except ValueError:  # already registered by another instrumented module: share it
    HTTP_REQUESTS_TOTAL = REGISTRY._names_to_collectors["http_requests_total"]
try:
    HTTP_REQUEST_DURATION_SECONDS = Histogram(
        "http_request_duration_seconds",
        "HTTP request duration in seconds by method, route, status.",
        ["method", "route", "status"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    )
except ValueError:  # already registered by another instrumented module: share it
    HTTP_REQUEST_DURATION_SECONDS = REGISTRY._names_to_collectors["http_request_duration_seconds"]


def _telemetry_status(result, error, default):
    """Status label: an escaping exception's status_code (HTTPException) else 500; a returned Response's status_code; else the route's default."""
    if error is not None:
        return str(getattr(error, "status_code", 500))
    return str(getattr(result, "status_code", default))


app = FastAPI(title="Orders API")
app.include_router(orders.router, prefix="/api")
app.mount("/metrics", make_asgi_app())


@app.get("/healthz")
async def healthz():
    _telemetry_start = time.perf_counter()
    _telemetry_result = _telemetry_error = None
    try:
        return {"status": "ok"}
    except Exception as e:
        _telemetry_error = e
        raise
    finally:
        _telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, 200)
        HTTP_REQUEST_DURATION_SECONDS.labels(method="GET", route="/healthz", status=_telemetry_code).observe(time.perf_counter() - _telemetry_start)
        HTTP_REQUESTS_TOTAL.labels(method="GET", route="/healthz", status=_telemetry_code).inc()
