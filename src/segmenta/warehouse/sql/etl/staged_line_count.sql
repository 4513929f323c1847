-- How many staged lines become facts (rows of the staged_lines view).
SELECT count(*) FROM staged_lines;
