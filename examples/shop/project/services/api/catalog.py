"""The catalog the API serves, and its JSON rendering."""

import json

from pricing import Item

CATALOG = [
    Item("TEA-01", "Green tea, 100 g", 650),
    Item("MUG-02", "Stoneware mug", 1200),
    Item("POT-03", "Cast iron teapot", 4500),
]


def find(sku: str) -> Item:
    for item in CATALOG:
        if item.sku == sku:
            return item
    raise KeyError(f"no item {sku} in the catalog")


def catalog_json() -> str:
    return json.dumps(
        [{"sku": i.sku, "name": i.name, "price": f"{i.unit_cents / 100:.2f}"} for i in CATALOG],
        indent=2,
    )
