-- dim_customer: one row per customer id seen in an invoice file or a customer table,
-- plus the 'unknown customer' member (customer_key 0) that carries lines without an id.
-- key: customer_key. invariant: customer_id is unique and NULL only for customer_key 0.
CREATE TABLE IF NOT EXISTS dim_customer (
    customer_key      INTEGER PRIMARY KEY,
    customer_id       VARCHAR UNIQUE,      -- the id as the source system writes it ('17850')
    display_name      VARCHAR NOT NULL,    -- fictional (Faker), deterministic, for display only
    country_key       INTEGER NOT NULL,    -- the country of most of the customer's lines
    first_purchase_at TIMESTAMP,
    last_purchase_at  TIMESTAMP,
    gender            VARCHAR,             -- from a customer table, where loaded
    age               INTEGER,
    annual_income_k   DOUBLE,              -- thousands per year
    spending_score    DOUBLE,              -- 1-100 where the customer table has one
    is_excluded       BOOLEAN NOT NULL DEFAULT FALSE, -- left out of customer analytics
    exclusion_reason  VARCHAR              -- rule that excluded the customer
);
