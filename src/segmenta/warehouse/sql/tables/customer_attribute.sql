-- customer_attribute: one row per (customer, attribute) for the customer-table columns
-- that have no column of their own in dim_customer (a credit-card table's limits, ...).
-- key: (customer_key, attribute).
CREATE TABLE IF NOT EXISTS customer_attribute (
    customer_key INTEGER NOT NULL,
    attribute    VARCHAR NOT NULL,
    value_num    DOUBLE,                   -- numeric value, NULL for text attributes
    value_text   VARCHAR,
    PRIMARY KEY (customer_key, attribute)
);
