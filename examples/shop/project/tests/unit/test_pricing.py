import unittest

from pricing import Item, Line, cart_total_cents, volume_discount_percent

TEA = Item("TEA-01", "Green tea", 650)


class PricingTests(unittest.TestCase):
    def test_line_total_multiplies_quantity(self):
        self.assertEqual(Line(TEA, 3).total_cents(), 1950)

    def test_a_non_positive_quantity_is_refused_with_the_sku(self):
        with self.assertRaisesRegex(ValueError, "TEA-01"):
            Line(TEA, 0).total_cents()

    def test_volume_discounts_start_at_ten_and_fifty(self):
        self.assertEqual([volume_discount_percent(q) for q in (9, 10, 49, 50)], [0, 5, 5, 10])

    def test_cart_total_adds_vat_after_discounts(self):
        total = cart_total_cents([Line(TEA, 10)])
        self.assertEqual(total, {"net": 6175, "vat": 1235, "total": 7410})


if __name__ == "__main__":
    unittest.main()
