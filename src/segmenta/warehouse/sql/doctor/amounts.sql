-- amount = quantity * unit_price and is_return = (quantity < 0) on every fact.
SELECT count(*) = 0, format('{} facts break amount = quantity * unit_price or is_return = (quantity < 0)', count(*))
FROM fact_invoice_line
WHERE amount <> quantity * unit_price OR is_return <> (quantity < 0);
