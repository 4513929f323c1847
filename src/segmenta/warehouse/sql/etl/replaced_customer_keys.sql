-- The customers of the replaced lines (their activity is recomputed after the load).
SELECT DISTINCT customer_key FROM staged_replaced_lines WHERE customer_key <> 0 ORDER BY 1;
