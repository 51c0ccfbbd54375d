import json
import unittest

from catalog import CATALOG, catalog_json, find


class CatalogTests(unittest.TestCase):
    def test_find_returns_the_item(self):
        self.assertEqual(find("MUG-02").unit_cents, 1200)

    def test_an_unknown_sku_names_itself(self):
        with self.assertRaisesRegex(KeyError, "NOPE"):
            find("NOPE")

    def test_json_lists_every_item_with_a_decimal_price(self):
        listed = json.loads(catalog_json())
        self.assertEqual(len(listed), len(CATALOG))
        self.assertEqual(listed[0], {"sku": "TEA-01", "name": "Green tea, 100 g", "price": "6.50"})


if __name__ == "__main__":
    unittest.main()
