-- staged_duplicates: one row per staged line that is identical in every column to an earlier
-- line of the same file (rule flag_exact_duplicates). A hash finds the few candidates with a
-- spillable aggregate; the candidates are then compared column by column, so a hash
-- collision flags nothing.
CREATE OR REPLACE TEMP TABLE staged_duplicates AS
WITH
hashed AS (
    SELECT source_row,
           hash(invoice_no, stock_code, description, quantity, invoice_ts, unit_price, customer_id, country) AS h
    FROM staged_lines
),
repeated AS (SELECT h FROM hashed GROUP BY h HAVING count(*) > 1),
candidates AS (
    SELECT l.*
    FROM staged_lines l
    JOIN hashed USING (source_row)
    WHERE hashed.h IN (SELECT h FROM repeated)
),
ranked AS (
    SELECT source_row,
           row_number() OVER (
               PARTITION BY invoice_no, stock_code, description, quantity, invoice_ts, unit_price, customer_id, country
               ORDER BY source_row
           ) AS copy
    FROM candidates
)
SELECT source_row FROM ranked WHERE copy > 1 AND $enabled;
