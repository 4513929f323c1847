-- A warehouse made before money was exact stores prices, amounts and revenue as DOUBLE: make
-- them DECIMAL (run only when etl/float_money_columns.sql finds any). Prices had at most 3
-- decimals, so rounding each stored float to 3 decimals gives back the exact price; amounts
-- are recomputed exactly from it. The pre-aggregates' float sums err by far less than 0.0005,
-- so rounding them to 3 decimals gives the exact sums.
ALTER TABLE fact_invoice_line ALTER unit_price TYPE DECIMAL(12, 3);
ALTER TABLE fact_invoice_line ALTER amount TYPE DECIMAL(38, 3) USING quantity * unit_price;
ALTER TABLE agg_invoice_day ALTER revenue TYPE DECIMAL(38, 3);
ALTER TABLE agg_product_day ALTER revenue TYPE DECIMAL(38, 3);
