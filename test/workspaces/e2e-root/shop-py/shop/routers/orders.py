from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/orders", tags=["orders"])

ORDERS = {1: {"id": 1, "item": "book"}}


@router.get("")
async def list_orders():
    return list(ORDERS.values())


@router.get("/{order_id}")
async def get_order(order_id: int):
    if order_id not in ORDERS:
        raise HTTPException(status_code=404, detail="no such order")
    return ORDERS[order_id]


@router.post("", status_code=201)
async def create_order(order: dict):
    new_id = max(ORDERS) + 1
    ORDERS[new_id] = {"id": new_id, **order}
    return ORDERS[new_id]
