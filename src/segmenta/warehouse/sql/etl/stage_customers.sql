-- One row per customer id of the staged lines with the country of most of its lines
-- (ties: the alphabetically first).
WITH
counts AS (
    SELECT customer_id, country, count(*) AS n
    FROM staged_lines
    WHERE customer_id IS NOT NULL
    GROUP BY ALL
)
SELECT customer_id, first(country ORDER BY n DESC, country) AS country_name
FROM counts
GROUP BY customer_id;
