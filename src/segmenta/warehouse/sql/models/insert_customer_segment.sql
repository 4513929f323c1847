-- insert_customer_segment: one customer_segment row per row of the registered frame
-- `assignments_frame` (customer_key, segment_id, distance, pc1, pc2). Parameters: $run_id.
INSERT INTO customer_segment (run_id, customer_key, segment_id, distance, pc1, pc2)
SELECT $run_id, customer_key, segment_id, distance, pc1, pc2
FROM assignments_frame;
