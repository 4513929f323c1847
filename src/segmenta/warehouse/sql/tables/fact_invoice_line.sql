-- fact_invoice_line: one row per accepted invoice line of an export.
-- key: line_id; (load_id, source_row) points back to the file row.
-- invariant: amount = quantity * unit_price; is_return = (quantity < 0).
CREATE TABLE IF NOT EXISTS fact_invoice_line (
    line_id          BIGINT NOT NULL,      -- unique (checked by tests; no index, for load speed)
    load_id          INTEGER NOT NULL,
    source_row       BIGINT NOT NULL,
    invoice_no       VARCHAR NOT NULL,
    invoice_ts       TIMESTAMP NOT NULL,
    date_key         INTEGER NOT NULL,
    customer_key     INTEGER NOT NULL,     -- 0 = unknown customer
    product_key      INTEGER NOT NULL,
    country_key      INTEGER NOT NULL,
    quantity         BIGINT NOT NULL,      -- negative for returns
    unit_price       DOUBLE NOT NULL,
    amount           DOUBLE NOT NULL,      -- quantity * unit_price (negative for returns)
    is_return        BOOLEAN NOT NULL,
    is_cancellation  BOOLEAN NOT NULL,     -- invoice number starts with 'C'
    is_duplicate     BOOLEAN NOT NULL      -- an exact copy of an earlier line of the same file
);
