-- New countries from staged_countries (country_name, source_name, iso codes, coordinates).
INSERT INTO dim_country
SELECT
    (SELECT coalesce(max(country_key), 0) FROM dim_country)
        + row_number() OVER (ORDER BY s.country_name) AS country_key,
    s.country_name, s.source_name, s.iso_alpha2, s.iso_alpha3, s.latitude, s.longitude
FROM staged_countries s
WHERE s.country_name NOT IN (SELECT country_name FROM dim_country);
