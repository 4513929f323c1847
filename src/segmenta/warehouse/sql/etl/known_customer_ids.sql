-- The id of every customer already in dim_customer (the 'Unknown customer' member has none).
SELECT customer_id FROM dim_customer WHERE customer_id IS NOT NULL;
