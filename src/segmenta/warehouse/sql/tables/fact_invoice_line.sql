-- fact_invoice_line: one row per accepted invoice line of an export.
-- key: line_id; (load_id, source_row) points back to the file row.
-- invariant: amount = quantity * unit_price; is_return = (quantity < 0).
-- Money is exact: DECIMAL, not floating point, so sums match to the penny in any order. Values
-- reach Python (dashboard frames, model features) as floats only after the exact sum.
CREATE TABLE IF NOT EXISTS fact_invoice_line (
    line_id          BIGINT NOT NULL,      -- unique, increasing in file order: the load's base +
                                           -- source_row (checked by tests; no index, for load speed)
    load_id          INTEGER NOT NULL,     -- the load the line came in (load_log.load_id)
    source_row       BIGINT NOT NULL,      -- 1-based data row in the file (the header is row 0)
    invoice_no       VARCHAR NOT NULL,     -- trimmed, upper-cased invoice number ('536365', 'C536379')
    invoice_ts       TIMESTAMP NOT NULL,   -- invoice date and time as the export writes it (no time zone)
    date_key         INTEGER NOT NULL,     -- dim_date.date_key (yyyymmdd) of invoice_ts
    customer_key     INTEGER NOT NULL,     -- dim_customer.customer_key; 0 = unknown customer
    product_key      INTEGER NOT NULL,     -- dim_product.product_key
    country_key      INTEGER NOT NULL,     -- dim_country.country_key; 0 = no country given
    quantity         BIGINT NOT NULL,      -- negative for returns
    unit_price       DECIMAL(12, 3) NOT NULL, -- price per unit in the export's currency, exact (> 0 by
                                           -- default rules; a price with more decimals is rejected)
    amount           DECIMAL(38, 3) NOT NULL, -- quantity * unit_price, exact (negative for returns);
                                           -- sums of it are exact DECIMAL too, in any order
    is_return        BOOLEAN NOT NULL,     -- quantity < 0
    is_cancellation  BOOLEAN NOT NULL,     -- invoice number starts with 'C'
    is_duplicate     BOOLEAN NOT NULL      -- an exact copy of an earlier line of the same file
);
