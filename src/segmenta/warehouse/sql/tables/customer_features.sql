-- customer_features: one row per (run, customer) in the customer-analytics population, as of
-- the run's as_of_date (queries: sql/models/customer_features.sql and customer_attributes.sql).
-- The behaviour columns are NULL in customer-table mode; `attributes` holds the customer
-- table's numeric columns (dim_customer's age, annual_income_k, spending_score and the numeric
-- rows of customer_attribute) as loaded, before any imputation.
-- Purchases are lines with quantity > 0 on non-cancellation invoices; days are calendar days.
-- key: (run_id, customer_key). invariant: no NaN or infinity.
CREATE TABLE IF NOT EXISTS customer_features (
    run_id              INTEGER NOT NULL, -- model_run.run_id
    customer_key        INTEGER NOT NULL, -- dim_customer.customer_key
    recency_days        DOUBLE,   -- days from the last purchase to as_of_date
    frequency           DOUBLE,   -- distinct purchase invoices
    monetary            DOUBLE,   -- gross revenue of purchases: the exact DECIMAL sum of amount,
                                  -- as a float for the models (round to pennies to compare)
    items               DOUBLE,   -- units bought
    unique_items        DOUBLE,   -- distinct stock codes bought
    avg_ticket          DOUBLE,   -- mean amount per purchase line
    avg_days_between    DOUBLE,   -- mean days between consecutive purchase invoices
                                  -- (NULL for a single invoice)
    returns             DOUBLE,   -- units returned
    return_rate         DOUBLE,   -- returns / items
    basket_size         DOUBLE,   -- mean units per purchase invoice
    unique_basket_size  DOUBLE,   -- mean distinct stock codes per purchase invoice
    tenure_days         DOUBLE,   -- days from the first purchase to as_of_date
    purchase_days       DOUBLE,   -- distinct calendar days with a purchase
    revenue_share_dow   DOUBLE[7],  -- share of revenue Monday..Sunday
    revenue_share_dom   DOUBLE[31], -- share of revenue on day 1..31 of the month
    attributes          MAP(VARCHAR, DOUBLE), -- numeric customer-table columns; NULL if none
    PRIMARY KEY (run_id, customer_key)
);
