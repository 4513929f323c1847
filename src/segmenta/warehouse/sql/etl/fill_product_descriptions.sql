-- Products known without a description get one from staged_products.
UPDATE dim_product p
SET description = s.description
FROM staged_products s
WHERE p.stock_code = s.stock_code AND p.description IS NULL AND s.description IS NOT NULL;
