"""Orders endpoints. Latency and failures are simulated so the CodeLens has something to show:
GET /api/orders is occasionally slow (p99 around 0.6 s), POST /api/orders fails ~8% of the time."""
import time
from prometheus_client import Counter, Histogram, REGISTRY
import asyncio
import random
from typing import List, Optional

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field


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


router = APIRouter(prefix="/orders")


class OrderIn(BaseModel):
    customer: str = Field(..., min_length=1)
    items: List[str] = Field(..., min_items=1)
    total: float = Field(..., ge=0)


class Order(OrderIn):
    id: int
    status: str = "pending"


ORDERS = {
    i: Order(id=i, customer=f"customer-{i}", items=["widget"] * (i % 3 + 1), total=9.5 * i)
    for i in range(1, 21)
}
_next_id = 21


async def _simulated_db_latency(slow_tail: bool = False) -> None:
    r = random.random()
    if slow_tail and r > 0.98:
        await asyncio.sleep(random.uniform(0.45, 0.9))
    elif slow_tail and r > 0.90:
        await asyncio.sleep(random.uniform(0.1, 0.3))
    else:
        await asyncio.sleep(random.uniform(0.005, 0.04))


@router.get("", response_model=List[Order])
async def list_orders(customer: Optional[str] = None, limit: int = 50):
    _telemetry_start = time.perf_counter()
    _telemetry_result = _telemetry_error = None
    try:
        await _simulated_db_latency(slow_tail=True)
        return (_telemetry_result := [o for o in ORDERS.values() if customer is None or o.customer == customer][:limit])
    except Exception as e:
        _telemetry_error = e
        raise
    finally:
        _telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, 200)
        HTTP_REQUEST_DURATION_SECONDS.labels(method="GET", route="/api/orders", status=_telemetry_code).observe(time.perf_counter() - _telemetry_start)
        HTTP_REQUESTS_TOTAL.labels(method="GET", route="/api/orders", status=_telemetry_code).inc()


@router.get("/{order_id}", response_model=Order)
async def get_order(order_id: int):
    _telemetry_start = time.perf_counter()
    _telemetry_result = _telemetry_error = None
    try:
        await _simulated_db_latency()
        order = ORDERS.get(order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="order not found")
        return (_telemetry_result := order)
    except Exception as e:
        _telemetry_error = e
        raise
    finally:
        _telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, 200)
        HTTP_REQUEST_DURATION_SECONDS.labels(method="GET", route="/api/orders/{order_id}", status=_telemetry_code).observe(time.perf_counter() - _telemetry_start)
        HTTP_REQUESTS_TOTAL.labels(method="GET", route="/api/orders/{order_id}", status=_telemetry_code).inc()


@router.post("", response_model=Order, status_code=201)
async def create_order(order: OrderIn):
    _telemetry_start = time.perf_counter()
    _telemetry_result = _telemetry_error = None
    try:
        global _next_id
        await _simulated_db_latency()
        if random.random() < 0.08:
            raise HTTPException(status_code=500, detail="payment service unavailable")
        created = Order(id=_next_id, **order.dict())
        _next_id += 1
        if len(ORDERS) >= 500:  # keep memory bounded while the demo runs for hours
            ORDERS.pop(min(k for k in ORDERS if k > 20))
        ORDERS[created.id] = created
        return (_telemetry_result := created)
    except Exception as e:
        _telemetry_error = e
        raise
    finally:
        _telemetry_code = _telemetry_status(_telemetry_result, _telemetry_error, 201)
        HTTP_REQUEST_DURATION_SECONDS.labels(method="POST", route="/api/orders", status=_telemetry_code).observe(time.perf_counter() - _telemetry_start)
        HTTP_REQUESTS_TOTAL.labels(method="POST", route="/api/orders", status=_telemetry_code).inc()


# Not instrumented yet: put the cursor here and run "Telemetry Lens: Instrument Route".
@router.post("/{order_id}/cancel", response_model=Order)
async def cancel_order(order_id: int):
    await _simulated_db_latency()
    order = ORDERS.get(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    if order.status == "cancelled":
        raise HTTPException(status_code=409, detail="order already cancelled")
    order.status = "cancelled"
    return order
