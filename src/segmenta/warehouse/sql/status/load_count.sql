-- How many files have been loaded (the health check's query).
SELECT count(*) FROM load_log;
