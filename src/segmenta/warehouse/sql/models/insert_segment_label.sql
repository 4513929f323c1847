-- insert_segment_label: one segment_label row (a manager's rename), taking the next label_id.
-- Parameters: $signature, $label, $renamed_by, $renamed_at (UTC TIMESTAMP).
INSERT INTO segment_label (label_id, signature, label, renamed_by, renamed_at)
SELECT coalesce(max(label_id), 0) + 1, $signature, $label, $renamed_by, $renamed_at
FROM segment_label;
