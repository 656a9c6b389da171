"""Orders API — the Python half of the Telemetry Lens demo.

Run: /usr/bin/python3 -m uvicorn main:app --host 127.0.0.1 --port 8000
"""
import time

from fastapi import FastAPI
from prometheus_client import make_asgi_app

from metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS
from routers import orders

app = FastAPI(title="Orders API")
app.include_router(orders.router, prefix="/api")
app.mount("/metrics", make_asgi_app())


@app.get("/healthz")
async def healthz():
    start = time.perf_counter()
    status = 200
    try:
        return {"status": "ok"}
    finally:
        HTTP_REQUESTS.labels("GET", "/healthz", str(status)).inc()
        HTTP_REQUEST_DURATION.labels("GET", "/healthz", str(status)).observe(time.perf_counter() - start)
