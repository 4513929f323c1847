-- The run_id of the latest model run (zero rows before the first run).
SELECT run_id FROM latest_run;
