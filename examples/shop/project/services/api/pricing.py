"""Cart pricing for the shop: line totals, volume discounts and VAT, in integer cents."""

from dataclasses import dataclass

VAT_RATE_PERCENT = 20


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    unit_cents: int


@dataclass(frozen=True)
class Line:
    item: Item
    quantity: int

    def total_cents(self) -> int:
        if self.quantity <= 0:
            raise ValueError(f"quantity of {self.item.sku} must be positive, not {self.quantity}")
        return self.item.unit_cents * self.quantity


def volume_discount_percent(quantity: int) -> int:
    """10 or more of one item: 5 %; 50 or more: 10 %."""
    if quantity >= 50:
        return 10
    if quantity >= 10:
        return 5
    return 0


def cart_total_cents(lines: list[Line]) -> dict[str, int]:
    net = 0
    for line in lines:
        gross = line.total_cents()
        net += gross - gross * volume_discount_percent(line.quantity) // 100
    vat = (net * VAT_RATE_PERCENT + 50) // 100
    return {"net": net, "vat": vat, "total": net + vat}
