-- contents (query): one row, what the warehouse holds (segmenta.warehouse.contents):
-- invoice lines; known customers (not the 'Unknown customer' member); customers with
-- attributes from a customer table (demographics in dim_customer or customer_attribute rows);
-- model runs; the latest run's kind and how many churn scores it has.
SELECT
    (SELECT count(*) FROM fact_invoice_line) AS invoice_lines,
    (SELECT count(*) FROM dim_customer WHERE customer_key <> 0) AS customers,
    (
        SELECT count(*)
        FROM dim_customer c
        WHERE c.customer_key <> 0
          AND (
              c.gender IS NOT NULL
              OR c.age IS NOT NULL
              OR c.annual_income_k IS NOT NULL
              OR c.spending_score IS NOT NULL
              OR c.customer_key IN (SELECT customer_key FROM customer_attribute)
          )
    ) AS customer_table_customers,
    (SELECT count(*) FROM model_run) AS model_runs,
    (SELECT kind FROM latest_run) AS latest_run_kind,
    (
        SELECT count(*) FROM churn_score WHERE run_id = (SELECT run_id FROM latest_run)
    ) AS latest_run_churn_scores;
