-- agg_product_day: one row per (load, product, country, day, segment, churn risk band) of the
-- accepted lines, where segment and risk band are the customer's in model run run_id (NULL
-- for customers outside that run and for lines without a customer). A pre-aggregate of
-- fact_invoice_line for the products page (about 100x fewer rows than the lines); refreshed by
-- every load and rebuilt by every model run (segmenta.warehouse.aggregates).
-- key: (load_id, product_key, country_key, date_key, segment_id, risk_band).
-- invariant: run_id is the latest run's on every row; per load, sum(purchase_lines) = the
-- load's purchase lines in fact_invoice_line (segmenta doctor checks both).
CREATE TABLE IF NOT EXISTS agg_product_day (
    run_id          INTEGER,            -- the model run the segments come from (NULL: none yet)
    load_id         INTEGER NOT NULL,   -- the load the lines came in (load_log.load_id)
    product_key     INTEGER NOT NULL,   -- dim_product.product_key
    country_key     INTEGER NOT NULL,   -- dim_country.country_key of the lines
    date_key        INTEGER NOT NULL,   -- dim_date.date_key (yyyymmdd) of the lines' invoice day
    segment_id      INTEGER,            -- customer_segment.segment_id in run_id
    risk_band       VARCHAR,            -- churn_score.risk_band in run_id
    revenue         DECIMAL(38, 3) NOT NULL, -- gross: sum of amount over the purchase lines (exact)
    quantity        BIGINT NOT NULL,    -- units bought over the purchase lines
    purchase_lines  INTEGER NOT NULL,   -- lines with quantity > 0 on a non-cancellation invoice
    returned        BIGINT NOT NULL,    -- units returned: minus the sum of quantity of lines < 0
    cancelled_lines INTEGER NOT NULL    -- lines on cancellation invoices
);
