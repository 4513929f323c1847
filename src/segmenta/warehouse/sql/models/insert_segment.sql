-- insert_segment: one segment row per row of the registered frame `segments_frame`
-- (segment_id, signature, name, description, n_customers, profile and centre as JSON text).
-- Parameters: $run_id.
INSERT INTO segment (run_id, segment_id, signature, name, description, n_customers, profile, centre)
SELECT $run_id, segment_id, signature, name, description, n_customers,
       CAST(profile AS JSON), CAST(centre AS JSON)
FROM segments_frame;
