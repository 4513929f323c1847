-- forget_replaced_product_day: remove the agg_product_day rows of every (load, day) that held
-- a replaced line (staged_replaced_lines); redo_replaced_product_day.sql rebuilds them.
DELETE FROM agg_product_day a
WHERE EXISTS (
    SELECT 1 FROM staged_replaced_lines r
    WHERE r.load_id = a.load_id AND r.date_key = a.date_key
);
