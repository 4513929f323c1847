-- load_log: one row per file load attempt that committed (a failed load leaves no row: the
-- warehouse it ran against is discarded).
-- key: load_id. invariant: rows_in = rows_loaded + rows_rejected (rows_loaded counts the rows
-- in fact_invoice_line now: a later load's --replace-invoices moves them to rejected_row).
CREATE TABLE IF NOT EXISTS load_log (
    load_id        INTEGER PRIMARY KEY, -- increasing with every load
    source_file    VARCHAR NOT NULL,   -- path as given on the command line
    file_kind      VARCHAR NOT NULL,   -- 'invoices' | 'customers'
    file_format    VARCHAR NOT NULL,   -- 'csv' | 'xlsx' | 'parquet'
    encoding       VARCHAR,            -- detected text encoding for CSV files
    sha256         VARCHAR NOT NULL,   -- of the file's bytes: the same bytes load once (skipped)
    rows_in        BIGINT NOT NULL,    -- data rows read from the file
    rows_loaded    BIGINT NOT NULL,    -- rows accepted (fact lines, or customers of a customer table)
    rows_rejected  BIGINT NOT NULL,    -- rows rejected (in rejected_row with this load_id)
    rules          VARCHAR NOT NULL,   -- comma-separated names of the cleaning rules applied
    started_at     TIMESTAMP NOT NULL, -- UTC
    finished_at    TIMESTAMP NOT NULL, -- UTC
    invoices_already_loaded INTEGER NOT NULL DEFAULT 0, -- invoices of the file an earlier load
                                       -- held: their rows rejected (already_loaded_invoice), or
                                       -- with --replace-invoices replacing the earlier lines
    lines_replaced BIGINT NOT NULL DEFAULT 0, -- fact lines of earlier loads this load replaced
                                       -- (--replace-invoices; in rejected_row under
                                       -- replaced_by_later_load with their own load_id)
    rows_superseded BIGINT NOT NULL DEFAULT 0 -- rows of this load a later load replaced: once
                                       -- counted in rows_loaded, now in rows_rejected
);
