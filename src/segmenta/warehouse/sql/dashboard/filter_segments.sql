-- filter_segments: one row per segment of the latest model run (the segment slicer's options),
-- in segment_id order: segment_id, segment (the name in force), description, n_customers.
SELECT s.segment_id, s.display_label AS segment, s.description, s.n_customers, s.is_renamed
FROM segment_named s
WHERE s.run_id = (SELECT run_id FROM latest_run)
ORDER BY s.segment_id;
