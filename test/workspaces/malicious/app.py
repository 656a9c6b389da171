from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def list_items():
    return []


@app.get("/items/{item_id}")
async def get_item(item_id: int):
    return {"id": item_id}
