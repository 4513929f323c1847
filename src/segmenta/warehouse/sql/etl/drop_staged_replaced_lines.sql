-- Drop staged_replaced_lines (made by stage_replaced_lines.sql) once the replacement is done.
DROP TABLE IF EXISTS staged_replaced_lines;
