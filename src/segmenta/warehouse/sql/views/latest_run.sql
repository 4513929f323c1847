-- latest_run: the newest model run (zero or one row).
CREATE OR REPLACE VIEW latest_run AS
SELECT * FROM model_run ORDER BY run_id DESC LIMIT 1;
