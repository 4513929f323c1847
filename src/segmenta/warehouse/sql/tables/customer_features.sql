-- customer_features: one row per (run, customer) in the customer-analytics population, as of
-- the run's as_of_date. The behaviour columns are NULL in customer-table mode; the
-- customer-table mode's attributes are in customer_attribute and dim_customer.
-- key: (run_id, customer_key). invariant: no NaN or infinity.
CREATE TABLE IF NOT EXISTS customer_features (
    run_id              INTEGER NOT NULL,
    customer_key        INTEGER NOT NULL,
    recency_days        DOUBLE,   -- days from the last purchase to as_of_date
    frequency           DOUBLE,   -- distinct purchase invoices
    monetary            DOUBLE,   -- gross revenue of purchases
    items               DOUBLE,   -- units bought
    unique_items        DOUBLE,   -- distinct stock codes bought
    avg_ticket          DOUBLE,   -- mean amount per purchase line
    avg_days_between    DOUBLE,   -- mean days between consecutive purchase invoices
    returns             DOUBLE,   -- units returned
    return_rate         DOUBLE,   -- returns / items
    basket_size         DOUBLE,   -- mean units per purchase invoice
    unique_basket_size  DOUBLE,   -- mean distinct stock codes per purchase invoice
    revenue_share_dow   DOUBLE[7],  -- share of revenue Monday..Sunday
    revenue_share_dom   DOUBLE[31], -- share of revenue on day 1..31 of the month
    PRIMARY KEY (run_id, customer_key)
);
