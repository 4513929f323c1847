-- Products known without a description get one from the staged lines.
UPDATE dim_product p
SET description = s.description
FROM (
    SELECT stock_code, mode(nullif(trim(description), '')) AS description
    FROM staged_lines GROUP BY stock_code
) s
WHERE p.stock_code = s.stock_code AND p.description IS NULL AND s.description IS NOT NULL;
