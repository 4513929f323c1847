-- load_log: one row per file load attempt that committed (a failed load leaves no row: the
-- warehouse it ran against is discarded).
-- key: load_id. invariant: rows_in = rows_loaded + rows_rejected.
CREATE TABLE IF NOT EXISTS load_log (
    load_id        INTEGER PRIMARY KEY, -- increasing with every load
    source_file    VARCHAR NOT NULL,   -- path as given on the command line
    file_kind      VARCHAR NOT NULL,   -- 'invoices' | 'customers'
    file_format    VARCHAR NOT NULL,   -- 'csv' | 'xlsx' | 'parquet'
    encoding       VARCHAR,            -- detected text encoding for CSV files
    sha256         VARCHAR NOT NULL,   -- of the file's bytes: the same bytes load once
    rows_in        BIGINT NOT NULL,    -- data rows read from the file
    rows_loaded    BIGINT NOT NULL,    -- rows accepted (fact lines, or customers of a customer table)
    rows_rejected  BIGINT NOT NULL,    -- rows rejected (in rejected_row with this load_id)
    rules          VARCHAR NOT NULL,   -- comma-separated names of the cleaning rules applied
    started_at     TIMESTAMP NOT NULL, -- UTC
    finished_at    TIMESTAMP NOT NULL  -- UTC
);
