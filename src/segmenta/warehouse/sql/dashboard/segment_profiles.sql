-- segment_profiles: one row per segment of the latest run, in segment_id order: the name in
-- force, the generated name, description, customers in the run, the standardised profile
-- (JSON: mean standardised value of each model column), whether it was renamed, and the
-- newest rename of its signature (who, when; NULL if never renamed).
WITH
last_label AS (
    SELECT signature, arg_max(renamed_by, label_id) AS renamed_by,
           arg_max(renamed_at, label_id) AS renamed_at
    FROM segment_label
    GROUP BY signature
)
SELECT
    s.run_id, s.segment_id, s.display_label AS segment, s.name AS generated_name, s.description,
    s.n_customers, CAST(s.profile AS VARCHAR) AS profile, s.is_renamed,
    l.renamed_by, l.renamed_at
FROM segment_named s
LEFT JOIN last_label l ON l.signature = s.signature
WHERE s.run_id = (SELECT run_id FROM latest_run)
ORDER BY s.segment_id;
