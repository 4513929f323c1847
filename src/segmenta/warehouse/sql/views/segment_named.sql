-- segment_named: one row per (run, segment) with the name in force: the manager's label for
-- the segment's signature where there is one, the generated name otherwise.
-- columns:
--   segment.*: the segment's columns, unchanged
--   display_label: the name in force: the newest segment_label.label for the signature, else
--       the generated name
--   is_renamed: a manager's label is in force
CREATE OR REPLACE VIEW segment_named AS
WITH
labels AS (
    SELECT signature, arg_max(label, label_id) AS label
    FROM segment_label
    GROUP BY signature
)
SELECT s.*, coalesce(labels.label, s.name) AS display_label, labels.label IS NOT NULL AS is_renamed
FROM segment s
LEFT JOIN labels USING (signature);
