"""Shop API: the FastAPI service of the e2e workspace."""
from fastapi import FastAPI

from shop.routers import orders

app = FastAPI(title="shop")
app.include_router(orders.router, prefix="/api")


@app.get("/healthz")
def healthz():
    return {"ok": True}
