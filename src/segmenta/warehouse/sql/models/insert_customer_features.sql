-- insert_customer_features: one customer_features row per row of the registered frame
-- `features_frame` (one row per customer), with the customer's numeric attributes from the
-- registered long frame `attributes_frame` (customer_key, attribute, value_num) as a map.
-- Parameters: $run_id.
INSERT INTO customer_features (
    run_id, customer_key, recency_days, frequency, monetary, items, unique_items, avg_ticket,
    avg_days_between, returns, return_rate, basket_size, unique_basket_size, tenure_days,
    purchase_days, revenue_share_dow, revenue_share_dom, attributes)
WITH attrs AS (
    SELECT customer_key,
           map_from_entries(list({'key': attribute, 'value': value_num} ORDER BY attribute))
               AS attributes
    FROM attributes_frame
    WHERE value_num IS NOT NULL
    GROUP BY customer_key
)
SELECT
    $run_id, f.customer_key, f.recency_days, f.frequency, f.monetary, f.items, f.unique_items,
    f.avg_ticket, f.avg_days_between, f.returns, f.return_rate, f.basket_size,
    f.unique_basket_size, f.tenure_days, f.purchase_days, f.revenue_share_dow,
    f.revenue_share_dom, attrs.attributes
FROM features_frame f
LEFT JOIN attrs USING (customer_key);
