-- customer_features (query): one row per customer of the analytics population (v_customer_line)
-- with at least one purchase line dated on or before $as_of, computed from lines dated on or
-- before $as_of only (so the churn model's training features see no later data).
-- A purchase line has quantity > 0 on a non-cancellation invoice; a return line has quantity < 0.
-- Days are calendar days of invoice_ts. Parameters: $as_of (DATE).
WITH
lines AS (
    SELECT customer_key, invoice_no, invoice_ts::DATE AS day, product_key, quantity, amount,
           quantity > 0 AND NOT is_cancellation AS is_purchase
    FROM v_customer_line
    WHERE invoice_ts::DATE <= $as_of
),
purchases AS (SELECT * FROM lines WHERE is_purchase),
returned AS (
    SELECT customer_key, sum(-quantity) AS returns
    FROM lines
    WHERE quantity < 0
    GROUP BY customer_key
),
invoices AS (
    SELECT customer_key, invoice_no, min(day) AS day,
           sum(quantity) AS units, count(DISTINCT product_key) AS products
    FROM purchases
    GROUP BY customer_key, invoice_no
),
baskets AS (
    SELECT customer_key,
           avg(units) AS basket_size,
           avg(products) AS unique_basket_size,
           -- mean gap between consecutive invoices = (last day - first day) / (invoices - 1)
           CASE WHEN count(*) > 1
                THEN date_diff('day', min(day), max(day)) / (count(*) - 1) END AS avg_days_between
    FROM invoices
    GROUP BY customer_key
),
totals AS (
    SELECT customer_key,
           date_diff('day', max(day), $as_of) AS recency_days,
           date_diff('day', min(day), $as_of) AS tenure_days,
           count(DISTINCT invoice_no) AS frequency,
           count(DISTINCT day) AS purchase_days,
           sum(amount) AS monetary,
           sum(quantity) AS items,
           count(DISTINCT product_key) AS unique_items,
           avg(amount) AS avg_ticket
    FROM purchases
    GROUP BY customer_key
),
by_dow AS (
    SELECT customer_key, isodow(day) AS d, sum(amount) AS revenue FROM purchases GROUP BY ALL
),
by_dom AS (
    SELECT customer_key, dayofmonth(day) AS d, sum(amount) AS revenue FROM purchases GROUP BY ALL
),
share_dow AS (
    SELECT t.customer_key,
           list(coalesce(b.revenue / nullif(t.monetary, 0), 0) ORDER BY days.d) AS revenue_share_dow
    FROM totals t
    CROSS JOIN range(1, 8) AS days(d)
    LEFT JOIN by_dow b ON b.customer_key = t.customer_key AND b.d = days.d
    GROUP BY t.customer_key
),
share_dom AS (
    SELECT t.customer_key,
           list(coalesce(b.revenue / nullif(t.monetary, 0), 0) ORDER BY days.d) AS revenue_share_dom
    FROM totals t
    CROSS JOIN range(1, 32) AS days(d)
    LEFT JOIN by_dom b ON b.customer_key = t.customer_key AND b.d = days.d
    GROUP BY t.customer_key
)
SELECT
    t.customer_key,
    t.recency_days::DOUBLE AS recency_days,
    t.frequency::DOUBLE AS frequency,
    t.monetary::DOUBLE AS monetary,
    t.items::DOUBLE AS items,
    t.unique_items::DOUBLE AS unique_items,
    t.avg_ticket::DOUBLE AS avg_ticket,
    b.avg_days_between::DOUBLE AS avg_days_between,
    coalesce(r.returns, 0)::DOUBLE AS returns,
    (coalesce(r.returns, 0) / nullif(t.items, 0))::DOUBLE AS return_rate,
    b.basket_size::DOUBLE AS basket_size,
    b.unique_basket_size::DOUBLE AS unique_basket_size,
    t.tenure_days::DOUBLE AS tenure_days,
    t.purchase_days::DOUBLE AS purchase_days,
    w.revenue_share_dow::DOUBLE[7] AS revenue_share_dow,
    m.revenue_share_dom::DOUBLE[31] AS revenue_share_dom
FROM totals t
JOIN baskets b USING (customer_key)
JOIN share_dow w USING (customer_key)
JOIN share_dom m USING (customer_key)
LEFT JOIN returned r USING (customer_key)
ORDER BY t.customer_key;
