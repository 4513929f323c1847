-- dim_country: one row per normalised country name seen in the data.
-- key: country_key (0 = unknown). invariant: country_name is unique.
CREATE TABLE IF NOT EXISTS dim_country (
    country_key   INTEGER PRIMARY KEY,
    country_name  VARCHAR NOT NULL UNIQUE, -- normalised name (EIRE -> Ireland, RSA -> South Africa)
    source_name   VARCHAR,                 -- the first spelling seen in an export
    iso_alpha2    VARCHAR,                 -- ISO 3166-1, NULL for non-countries (European Community)
    iso_alpha3    VARCHAR,
    latitude      DOUBLE,
    longitude     DOUBLE
);
