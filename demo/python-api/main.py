"""Orders API — the Python half of the Telemetry Lens demo.

Run: /usr/bin/python3 -m uvicorn main:app --host 127.0.0.1 --port 8000
"""
import time

from fastapi import FastAPI
from prometheus_client import make_asgi_app

from routers import orders
from routers.orders import HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_TOTAL

app = FastAPI(title="Orders API")
app.include_router(orders.router, prefix="/api")
app.mount("/metrics", make_asgi_app())


# Instrumented like the routes in routers/orders.py, reusing the metrics defined there: a second
# Counter("http_requests_total") in this module would be a duplicate registration.
@app.get("/healthz")
async def healthz():
    _telemetry_start = time.perf_counter()
    try:
        return {"status": "ok"}
    finally:
        HTTP_REQUEST_DURATION_SECONDS.labels(method="GET", route="/healthz", status="200").observe(time.perf_counter() - _telemetry_start)
        HTTP_REQUESTS_TOTAL.labels(method="GET", route="/healthz", status="200").inc()
