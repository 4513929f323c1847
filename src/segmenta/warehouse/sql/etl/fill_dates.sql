-- dim_date covers every day from the first to the last invoice, without gaps.
INSERT INTO dim_date
WITH
bounds AS (SELECT min(invoice_ts)::DATE AS lo, max(invoice_ts)::DATE AS hi FROM fact_invoice_line),
days AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY))::DATE AS d FROM bounds WHERE lo IS NOT NULL
)
SELECT
    CAST(strftime(d, '%Y%m%d') AS INTEGER), d,
    year(d), quarter(d), month(d), monthname(d), weekofyear(d),
    day(d), isodow(d), dayname(d), isodow(d) >= 6
FROM days
WHERE d NOT IN (SELECT date FROM dim_date);
