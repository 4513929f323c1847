-- dim_date covers every day from the first to the last invoice, without gaps: add the days
-- between the known range and the dates of loads $load_ids.
INSERT INTO dim_date
WITH
new_bounds AS (
    SELECT min(invoice_ts)::DATE AS lo, max(invoice_ts)::DATE AS hi
    FROM fact_invoice_line WHERE load_id IN (SELECT unnest($load_ids::INTEGER[]))
),
bounds AS (
    SELECT least(n.lo, (SELECT min(date) FROM dim_date)) AS lo,
           greatest(n.hi, (SELECT max(date) FROM dim_date)) AS hi
    FROM new_bounds n
),
days AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY))::DATE AS d FROM bounds WHERE lo IS NOT NULL
)
SELECT
    CAST(strftime(d, '%Y%m%d') AS INTEGER), d,
    year(d), quarter(d), month(d), monthname(d), weekofyear(d),
    day(d), isodow(d), dayname(d), isodow(d) >= 6
FROM days
WHERE d NOT IN (SELECT date FROM dim_date);
