-- insert_model_run: one model_run row. Parameters: $run_id, $kind, $parameters (JSON text),
-- $metrics (JSON text), $data_fingerprint, $as_of_date (DATE or NULL),
-- $library_versions (JSON text), $created_at (UTC TIMESTAMP).
INSERT INTO model_run (run_id, kind, parameters, metrics, data_fingerprint, as_of_date,
                       library_versions, created_at)
VALUES ($run_id, $kind, CAST($parameters AS JSON), CAST($metrics AS JSON), $data_fingerprint,
        $as_of_date, CAST($library_versions AS JSON), $created_at);
