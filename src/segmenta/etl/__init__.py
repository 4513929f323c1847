"""The ETL layer: read invoice exports and customer tables, apply the cleaning rules, load."""
