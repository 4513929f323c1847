-- title: RFM by country
-- One row per customer home country: customers, mean recency (days since the last purchase),
-- mean frequency (purchase invoices) and mean monetary value (gross revenue), and the
-- country's total revenue; most customers first.
SELECT
    country,
    count(*)                          AS customers,
    round(avg(recency_days), 1)       AS mean_recency_days,
    round(avg(frequency), 2)          AS mean_frequency,
    round(avg(monetary), 2)           AS mean_monetary,
    round(sum(monetary), 2)           AS revenue
FROM customer_360
GROUP BY country
ORDER BY customers DESC, country;
