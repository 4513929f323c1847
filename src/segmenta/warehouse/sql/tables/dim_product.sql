-- dim_product: one row per (uppercased) stock code.
-- key: product_key. invariant: stock_code is unique.
CREATE TABLE IF NOT EXISTS dim_product (
    product_key  INTEGER PRIMARY KEY,      -- surrogate key
    stock_code   VARCHAR NOT NULL UNIQUE,  -- trimmed, upper-cased stock code ('85123A')
    description  VARCHAR,                  -- the most frequent non-empty description, trimmed, in
                                           -- the first load with the code (later loads fill a NULL)
    is_product   BOOLEAN NOT NULL          -- FALSE for postage, fees, discounts (POST, DOT, D, C2, ...)
);
