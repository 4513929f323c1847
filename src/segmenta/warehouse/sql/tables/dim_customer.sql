-- dim_customer: one row per customer id seen in an invoice file or a customer table,
-- plus the 'unknown customer' member (customer_key 0) that carries lines without an id.
-- key: customer_key. invariant: customer_id is unique and NULL only for customer_key 0.
CREATE TABLE IF NOT EXISTS dim_customer (
    customer_key      INTEGER PRIMARY KEY, -- surrogate key; 0 = 'Unknown customer'
    customer_id       VARCHAR UNIQUE,      -- the id as the source system writes it ('17850')
    display_name      VARCHAR NOT NULL,    -- fictional (Faker), deterministic, for display only
    country_key       INTEGER NOT NULL,    -- the country of most of the customer's lines, else the
                                           -- customer table's (dim_country.country_key; 0 = unknown)
    first_purchase_at TIMESTAMP,           -- earliest invoice_ts of the customer's lines (returns
                                           -- included); NULL without lines
    last_purchase_at  TIMESTAMP,           -- latest invoice_ts of the customer's lines; NULL
                                           -- without lines
    gender            VARCHAR,             -- 'Female' | 'Male' from a customer table; NULL if unknown
    age               INTEGER,             -- years, from a customer table; NULL if unknown
    annual_income_k   DOUBLE,              -- annual income in thousands, from a customer table; NULL if unknown
    spending_score    DOUBLE,              -- 1-100, from a customer table that has one; NULL otherwise
    is_excluded       BOOLEAN NOT NULL DEFAULT FALSE, -- left out of customer analytics
    exclusion_reason  VARCHAR              -- rule that excluded the customer
                                           -- ('exclude_named_customers' | 'exclude_heavy_returners');
                                           -- NULL when included
);
