-- insert_model_artifact: one model_artifact row. Parameters: $run_id, $name, $format, $payload (BLOB).
INSERT INTO model_artifact (run_id, name, format, payload)
VALUES ($run_id, $name, $format, $payload);
