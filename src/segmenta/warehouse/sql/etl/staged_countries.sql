-- The distinct country names of the staged lines.
SELECT DISTINCT country FROM staged_lines;
