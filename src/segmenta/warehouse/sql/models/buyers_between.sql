-- buyers_between (query): one row per customer of the analytics population with at least one
-- purchase line (quantity > 0, not a cancellation) dated in ($after, $until]: the customers who
-- did NOT churn over that window. Parameters: $after (DATE, exclusive), $until (DATE, inclusive).
SELECT DISTINCT customer_key
FROM v_customer_line
WHERE quantity > 0
  AND NOT is_cancellation
  AND invoice_ts::DATE > $after
  AND invoice_ts::DATE <= $until
ORDER BY customer_key;
