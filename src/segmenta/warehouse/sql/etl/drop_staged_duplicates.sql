-- Drop the load's duplicate flags (made by stage_duplicates.sql) once the facts are written.
DROP TABLE IF EXISTS staged_duplicates;
