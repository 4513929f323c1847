-- k_sweep: one row per number of segments k tried by the latest run, in k order: SSE (within-
-- cluster sum of squares), silhouette and whether it is the chosen k.
SELECT k.k, k.sse, k.silhouette, k.chosen
FROM k_sweep k
WHERE k.run_id = (SELECT run_id FROM latest_run)
ORDER BY k.k;
