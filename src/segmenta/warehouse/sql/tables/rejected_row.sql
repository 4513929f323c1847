-- rejected_row: one row per input row that a cleaning rule rejected, with the raw values
-- as text so that nothing is lost (invoice columns by name; every column in raw_values).
-- The invoice columns are the file's values as read, NULL for customer-table rows; for the
-- rules already_loaded_invoice and replaced_by_later_load (a whole line counted elsewhere),
-- the line's values after the rules, as text, and raw_values the line as JSON.
-- key: (load_id, source_row). invariant: every row names an existing load and a rule.
CREATE TABLE IF NOT EXISTS rejected_row (
    load_id      INTEGER NOT NULL,     -- load_log.load_id
    source_file  VARCHAR NOT NULL,     -- path as given on the command line (load_log.source_file)
    source_row   BIGINT NOT NULL,      -- 1-based data row in the file (the header is row 0)
    rule         VARCHAR NOT NULL,     -- name of the cleaning rule (see README)
    reason       VARCHAR NOT NULL,     -- what was wrong, naming the column
    invoice_no   VARCHAR,              -- invoice number as read
    stock_code   VARCHAR,              -- stock code as read
    description  VARCHAR,              -- product description as read
    quantity     VARCHAR,              -- quantity as read
    invoice_date VARCHAR,              -- invoice date as read
    unit_price   VARCHAR,              -- unit price as read
    customer_id  VARCHAR,              -- customer id as read
    country      VARCHAR,              -- country as read
    raw_values   JSON                  -- every column of the row as read (customer tables, extra columns)
);
