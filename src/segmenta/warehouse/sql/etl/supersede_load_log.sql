-- The loads whose lines this load replaced (staged_replaced_lines) account for them as
-- rejected since: rows_loaded down, rows_rejected and rows_superseded up by the same count.
UPDATE load_log g
SET rows_loaded = g.rows_loaded - r.n,
    rows_rejected = g.rows_rejected + r.n,
    rows_superseded = g.rows_superseded + r.n
FROM (SELECT load_id, count(*) AS n FROM staged_replaced_lines GROUP BY load_id) r
WHERE g.load_id = r.load_id;
