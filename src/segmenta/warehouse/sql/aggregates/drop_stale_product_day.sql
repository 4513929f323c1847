-- drop_stale_product_day: remove the agg_product_day rows built for another model run than
-- $run_id (their segments are outdated; pending_loads.sql then lists every load again).
DELETE FROM agg_product_day WHERE run_id IS DISTINCT FROM $run_id;
