-- The 'unknown' members: country 0 and customer 0 carry lines without a country or customer.
INSERT INTO dim_country (country_key, country_name, source_name)
SELECT 0, 'Unknown', NULL
WHERE NOT EXISTS (SELECT 1 FROM dim_country WHERE country_key = 0);
INSERT INTO dim_customer (customer_key, customer_id, display_name, country_key)
SELECT 0, NULL, 'Unknown customer', 0
WHERE NOT EXISTS (SELECT 1 FROM dim_customer WHERE customer_key = 0);
