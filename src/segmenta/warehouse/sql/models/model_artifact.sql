-- model_artifact (query): zero or one row, the serialised pipeline $name of run $run_id.
-- Parameters: $run_id, $name.
SELECT format, payload
FROM model_artifact
WHERE run_id = $run_id AND name = $name;
