-- segment_label: managers' names for segments: the dashboard's one narrow write path.
-- One row per rename (an audit trail); the newest row per signature is in force.
-- key: label_id.
CREATE TABLE IF NOT EXISTS segment_label (
    label_id    INTEGER PRIMARY KEY,   -- 1, 2, ... in rename order
    signature   VARCHAR NOT NULL,      -- segment.signature the name applies to, in every run
    label       VARCHAR NOT NULL,      -- the manager's name for the segment
    renamed_by  VARCHAR NOT NULL,      -- the user who renamed it (the dashboard's signed-in user)
    renamed_at  TIMESTAMP NOT NULL   -- UTC
);
