-- One invoice, one load: no invoice number has fact lines from two loads (a later file's copy
-- of an invoice is rejected as already_loaded_invoice, or replaces the earlier lines with
-- --replace-invoices, which leaves none of them in the facts). Names an example and its loads.
WITH
spans AS (
    SELECT invoice_no, list(DISTINCT load_id ORDER BY load_id) AS loads
    FROM fact_invoice_line
    GROUP BY invoice_no
    HAVING count(DISTINCT load_id) > 1
),
example AS (SELECT invoice_no, loads FROM spans ORDER BY invoice_no LIMIT 1),
example_loads AS (
    SELECT string_agg(format('{} ({})', g.load_id, g.source_file), ', ' ORDER BY g.load_id) AS loads
    FROM load_log g
    WHERE list_contains((SELECT loads FROM example), g.load_id)
)
SELECT
    (SELECT count(*) FROM spans) = 0 AS ok,
    CASE
        WHEN (SELECT count(*) FROM spans) = 0
            THEN format('{} invoices, each in one load', (SELECT count(DISTINCT invoice_no) FROM fact_invoice_line))
        ELSE format('{} invoices have lines in several loads (counted twice), e.g. invoice {} in loads {}; fix: ingest a fresh export of them with --replace-invoices',
                    (SELECT count(*) FROM spans), (SELECT invoice_no FROM example), example_loads.loads)
    END AS detail
FROM example_loads;
