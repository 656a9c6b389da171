"""Orders endpoints. Latency and failures are simulated so the CodeLens has something to show:
GET /api/orders is occasionally slow (p99 around 0.6 s), POST /api/orders fails ~8% of the time."""
import asyncio
import random
import time
from typing import List, Optional

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS

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
    start = time.perf_counter()
    status = 500
    try:
        await _simulated_db_latency(slow_tail=True)
        result = [o for o in ORDERS.values() if customer is None or o.customer == customer]
        status = 200
        return result[:limit]
    finally:
        HTTP_REQUESTS.labels("GET", "/api/orders", str(status)).inc()
        HTTP_REQUEST_DURATION.labels("GET", "/api/orders", str(status)).observe(time.perf_counter() - start)


@router.get("/{order_id}", response_model=Order)
async def get_order(order_id: int):
    start = time.perf_counter()
    status = 500
    try:
        await _simulated_db_latency()
        order = ORDERS.get(order_id)
        if order is None:
            status = 404
            raise HTTPException(status_code=404, detail="order not found")
        status = 200
        return order
    finally:
        HTTP_REQUESTS.labels("GET", "/api/orders/{order_id}", str(status)).inc()
        HTTP_REQUEST_DURATION.labels("GET", "/api/orders/{order_id}", str(status)).observe(time.perf_counter() - start)


@router.post("", response_model=Order, status_code=201)
async def create_order(order: OrderIn):
    global _next_id
    start = time.perf_counter()
    status = 500
    try:
        await _simulated_db_latency()
        if random.random() < 0.08:
            raise HTTPException(status_code=500, detail="payment service unavailable")
        created = Order(id=_next_id, **order.dict())
        _next_id += 1
        if len(ORDERS) >= 500:  # keep memory bounded while the demo runs for hours
            ORDERS.pop(min(k for k in ORDERS if k > 20))
        ORDERS[created.id] = created
        status = 201
        return created
    finally:
        HTTP_REQUESTS.labels("POST", "/api/orders", str(status)).inc()
        HTTP_REQUEST_DURATION.labels("POST", "/api/orders", str(status)).observe(time.perf_counter() - start)


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
