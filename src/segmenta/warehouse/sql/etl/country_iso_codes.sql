-- Every country of dim_country with its ISO 3166 alpha-2 code (seeds the display names).
SELECT country_name, iso_alpha2 FROM dim_country;
