-- Drop the load's staged_lines view (made by stage_lines.sql) once the facts are written.
DROP VIEW IF EXISTS staged_lines;
