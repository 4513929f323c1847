-- Drop the load's staged products (made by stage_products.sql) once the facts are written.
DROP TABLE IF EXISTS staged_products;
