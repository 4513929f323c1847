-- v_invoice_line: one row per accepted invoice line, with its dimensions' readable names.
-- columns:
--   line_id = fact_invoice_line.line_id
--   load_id = fact_invoice_line.load_id
--   source_row = fact_invoice_line.source_row
--   invoice_no = fact_invoice_line.invoice_no
--   invoice_ts = fact_invoice_line.invoice_ts
--   date_key = fact_invoice_line.date_key
--   customer_key = fact_invoice_line.customer_key
--   customer_id = dim_customer.customer_id
--   display_name = dim_customer.display_name
--   product_key = fact_invoice_line.product_key
--   stock_code = dim_product.stock_code
--   description = dim_product.description
--   is_product = dim_product.is_product
--   country_key = fact_invoice_line.country_key
--   country_name = dim_country.country_name
--   iso_alpha3 = dim_country.iso_alpha3
--   quantity = fact_invoice_line.quantity
--   unit_price = fact_invoice_line.unit_price
--   amount = fact_invoice_line.amount
--   is_return = fact_invoice_line.is_return
--   is_cancellation = fact_invoice_line.is_cancellation
--   is_duplicate = fact_invoice_line.is_duplicate
--   customer_is_excluded = dim_customer.is_excluded
CREATE OR REPLACE VIEW v_invoice_line AS
WITH
lines AS (SELECT * FROM fact_invoice_line),
customers AS (SELECT customer_key, customer_id, display_name, is_excluded FROM dim_customer),
products AS (SELECT product_key, stock_code, description, is_product FROM dim_product),
countries AS (SELECT country_key, country_name, iso_alpha3 FROM dim_country)
SELECT
    lines.line_id, lines.load_id, lines.source_row,
    lines.invoice_no, lines.invoice_ts, lines.date_key,
    lines.customer_key, customers.customer_id, customers.display_name,
    lines.product_key, products.stock_code, products.description, products.is_product,
    lines.country_key, countries.country_name, countries.iso_alpha3,
    lines.quantity, lines.unit_price, lines.amount,
    lines.is_return, lines.is_cancellation, lines.is_duplicate,
    customers.is_excluded AS customer_is_excluded
FROM lines
JOIN customers ON customers.customer_key = lines.customer_key
JOIN products ON products.product_key = lines.product_key
JOIN countries ON countries.country_key = lines.country_key;
