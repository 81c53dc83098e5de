SELECT price - discount AS net, quantity % 3, -price / 2 FROM line_items WHERE quantity NOT BETWEEN 1 AND 10 AND sku NOT LIKE 'TMP-%' ORDER BY 1
