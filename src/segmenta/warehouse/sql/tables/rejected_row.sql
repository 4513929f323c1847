-- rejected_row: one row per input row that a cleaning rule rejected, with the raw values
-- as text so that nothing is lost (invoice columns by name; every column in raw_values).
-- key: (load_id, source_row). invariant: every row names an existing load and a rule.
CREATE TABLE IF NOT EXISTS rejected_row (
    load_id      INTEGER NOT NULL,
    source_file  VARCHAR NOT NULL,
    source_row   BIGINT NOT NULL,      -- 1-based data row in the file (the header is row 0)
    rule         VARCHAR NOT NULL,     -- name of the cleaning rule (see README)
    reason       VARCHAR NOT NULL,     -- what was wrong, naming the column
    invoice_no   VARCHAR,
    stock_code   VARCHAR,
    description  VARCHAR,
    quantity     VARCHAR,
    invoice_date VARCHAR,
    unit_price   VARCHAR,
    customer_id  VARCHAR,
    country      VARCHAR,
    raw_values   JSON                  -- every column of the row as read (customer tables, extra columns)
);
