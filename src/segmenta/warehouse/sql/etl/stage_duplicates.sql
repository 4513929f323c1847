-- staged_duplicates: one row per staged line that is identical in every column to an earlier
-- line of the same file (rule flag_exact_duplicates). A hash of every line finds the few
-- candidates: sorting the hashes and comparing neighbours costs less than a group-by with a
-- group per line (0.2 s against 0.5 s for 5.4 M lines), and both spill to disk. The
-- candidates are then compared column by column, so a hash collision flags nothing.
CREATE OR REPLACE TEMP TABLE staged_duplicates AS
WITH
hashed AS (
    SELECT source_row,
           hash(invoice_no, stock_code, description, quantity, invoice_ts, unit_price, customer_id, country) AS h
    FROM staged_lines
),
repeated AS (
    SELECT DISTINCT h
    FROM (SELECT h, lag(h) OVER (ORDER BY h) AS previous FROM hashed)
    WHERE h = previous
),
candidates AS (
    SELECT l.*
    FROM staged_lines l
    WHERE l.source_row IN (SELECT source_row FROM hashed WHERE h IN (SELECT h FROM repeated))
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
