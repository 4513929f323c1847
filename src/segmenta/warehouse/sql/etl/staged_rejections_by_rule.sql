-- How many staged rejected rows each rule rejected.
SELECT rule, count(*) FROM staged_rejected GROUP BY rule ORDER BY rule;
