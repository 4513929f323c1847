-- The latest model run with its population and segment count (zero or one row).
SELECT r.run_id, r.kind, r.created_at,
       (SELECT count(*) FROM customer_segment s WHERE s.run_id = r.run_id),
       (SELECT count(*) FROM segment s WHERE s.run_id = r.run_id)
FROM latest_run r;
