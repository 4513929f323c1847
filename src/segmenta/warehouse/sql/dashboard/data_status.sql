-- data_status: one row describing what the warehouse holds: whether a model run exists (and
-- its kind and as-of date), customers in customer_360, how many have demographics, lines.
SELECT
    (SELECT count(*) FROM latest_run)                         AS model_runs,
    (SELECT any_value(kind) FROM latest_run)                  AS run_kind,
    (SELECT any_value(as_of_date) FROM latest_run)            AS as_of_date,
    (SELECT count(*) FROM customer_360)                       AS customers,
    (SELECT count(*) FROM customer_360 c
      WHERE c.age IS NOT NULL OR c.gender IS NOT NULL)        AS customers_with_demographics,
    (SELECT count(*) FROM fact_invoice_line)                  AS lines;
