-- next_run_id (query): one row, the run_id the next model run takes.
SELECT coalesce(max(run_id), 0) + 1 AS run_id FROM model_run;
