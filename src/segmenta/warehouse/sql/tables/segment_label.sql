-- segment_label: managers' names for segments: the dashboard's one narrow write path.
-- One row per rename (an audit trail); the newest row per signature is in force.
-- key: label_id.
CREATE TABLE IF NOT EXISTS segment_label (
    label_id    INTEGER PRIMARY KEY,
    signature   VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    renamed_by  VARCHAR NOT NULL,
    renamed_at  TIMESTAMP NOT NULL   -- UTC
);
