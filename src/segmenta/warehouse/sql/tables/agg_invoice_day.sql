-- agg_invoice_day: one row per (load, invoice number, customer, country, day) of the accepted
-- lines; in practice one row per invoice. A pre-aggregate of fact_invoice_line that the
-- dashboard reads instead of the lines (20x fewer rows); refreshed by every load and every
-- model run (segmenta.warehouse.aggregates), never edited by hand.
-- key: (load_id, invoice_no, customer_key, country_key, date_key).
-- invariant: per load, sum(lines) = the load's fact rows and sum(revenue) = their gross
-- purchase amount (segmenta doctor checks both).
CREATE TABLE IF NOT EXISTS agg_invoice_day (
    load_id         INTEGER NOT NULL,   -- the load the lines came in (load_log.load_id)
    invoice_no      VARCHAR NOT NULL,   -- invoice number, as in fact_invoice_line
    customer_key    INTEGER NOT NULL,   -- dim_customer.customer_key; 0 = unknown customer
    country_key     INTEGER NOT NULL,   -- dim_country.country_key of the lines
    date_key        INTEGER NOT NULL,   -- dim_date.date_key (yyyymmdd) of the lines' invoice day
    lines           INTEGER NOT NULL,   -- invoice lines
    purchase_lines  INTEGER NOT NULL,   -- lines with quantity > 0 on a non-cancellation invoice
    revenue         DECIMAL(38, 3) NOT NULL, -- gross: sum of amount over the purchase lines (exact)
    items           BIGINT NOT NULL,    -- units bought: sum of quantity over the purchase lines
    returned_items  BIGINT NOT NULL     -- units returned: minus the sum of quantity of return lines
);
