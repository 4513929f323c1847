-- title: Segment renames (audit)
-- One row per rename of a segment, newest first: the label given, who gave it and when (UTC),
-- and the segment of the latest run it applies to (NULL if no segment of that run has the
-- signature any more).
SELECT
    l.label_id,
    l.label,
    l.renamed_by,
    l.renamed_at,
    s.segment_id,
    s.name AS generated_name
FROM segment_label l
LEFT JOIN segment s
  ON s.signature = l.signature
 AND s.run_id = (SELECT run_id FROM latest_run)
ORDER BY l.label_id DESC;
