-- model_run_info: zero or one row, the latest model run: run_id, kind, as-of date, creation
-- time (UTC) and its parameters and metrics as JSON text.
SELECT r.run_id, r.kind, r.as_of_date, r.created_at,
       CAST(r.parameters AS VARCHAR) AS parameters, CAST(r.metrics AS VARCHAR) AS metrics
FROM latest_run r;
