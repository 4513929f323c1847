-- latest_run: the newest model run (zero or one row).
-- columns:
--   model_run.*: the run's columns, unchanged
CREATE OR REPLACE VIEW latest_run AS
SELECT * FROM model_run ORDER BY run_id DESC LIMIT 1;
