-- One row per stock code of the staged lines with its most frequent non-empty description
-- (ties: the alphabetically first).
CREATE OR REPLACE TEMP TABLE staged_products AS
WITH
descriptions AS (
    SELECT stock_code, nullif(trim(description), '') AS description, count(*) AS n
    FROM staged_lines
    GROUP BY ALL
)
SELECT stock_code, first(description ORDER BY description IS NULL, n DESC, description) AS description
FROM descriptions
GROUP BY stock_code;
