-- Drop the load's staged_loaded_invoices (made by stage_loaded_invoices.sql) after the load.
DROP TABLE IF EXISTS staged_loaded_invoices;
