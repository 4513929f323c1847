-- The name of every country already in dim_country (one row each).
SELECT country_name FROM dim_country;
