-- filter_countries: one row per country that has at least one invoice line (the country
-- slicer's options): country_key, country (normalised name), iso_alpha3; by name.
SELECT k.country_key, k.country_name AS country, k.iso_alpha3
FROM dim_country k
WHERE k.country_key IN (SELECT DISTINCT f.country_key FROM agg_invoice_day f)
ORDER BY k.country_name;
