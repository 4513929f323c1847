-- A warehouse made before invoices had business keys gains load_log's three key columns
-- (zero for its earlier loads, which replaced nothing); a no-op on a current one.
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS invoices_already_loaded INTEGER DEFAULT 0;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS lines_replaced BIGINT DEFAULT 0;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS rows_superseded BIGINT DEFAULT 0;
