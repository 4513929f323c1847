-- customer_attribute: one row per (customer, attribute) for the customer-table columns
-- that have no column of their own in dim_customer (a credit-card table's limits, ...).
-- key: (customer_key, attribute).
CREATE TABLE IF NOT EXISTS customer_attribute (
    customer_key INTEGER NOT NULL,             -- dim_customer.customer_key
    attribute    VARCHAR NOT NULL,             -- the column's header in the customer table
    value_num    DOUBLE,                   -- the value as a number, NULL where it does not read as one
    value_text   VARCHAR,                  -- the value as read, as text (numbers too); NULL if empty
    PRIMARY KEY (customer_key, attribute)
);
