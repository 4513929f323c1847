-- latest_run (query): zero or one row, the newest model run with its JSON as text.
SELECT run_id, kind, parameters::VARCHAR AS parameters, metrics::VARCHAR AS metrics,
       as_of_date, library_versions::VARCHAR AS library_versions
FROM latest_run;
