-- insert_k_sweep: one k_sweep row per row of the registered frame `sweep_frame`
-- (k, sse, silhouette, chosen). Parameters: $run_id.
INSERT INTO k_sweep (run_id, k, sse, silhouette, chosen)
SELECT $run_id, k, sse, silhouette, chosen
FROM sweep_frame;
