-- Display names are unique across known customers.
SELECT count(*) = count(DISTINCT display_name), format('{} customers, {} distinct display names', count(*), count(DISTINCT display_name))
FROM dim_customer WHERE customer_key <> 0;
