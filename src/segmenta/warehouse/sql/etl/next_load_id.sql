-- The id of the next load: one more than the largest so far.
SELECT coalesce(max(load_id), 0) + 1 FROM load_log;
