-- dim_country: one row per normalised country name seen in the data.
-- key: country_key (0 = unknown). invariant: country_name is unique.
CREATE TABLE IF NOT EXISTS dim_country (
    country_key   INTEGER PRIMARY KEY,     -- surrogate key; 0 = 'Unknown' (no country given)
    country_name  VARCHAR NOT NULL UNIQUE, -- normalised name (EIRE -> Ireland, RSA -> South Africa)
    source_name   VARCHAR,                 -- the first spelling seen in an export, as the file
                                           -- writes it (trimmed): 'EIRE' for Ireland, 'RSA' for
                                           -- South Africa; NULL for 'Unknown'
    iso_alpha2    VARCHAR,                 -- ISO 3166-1, NULL for non-countries (European Community)
    iso_alpha3    VARCHAR,                 -- ISO 3166-1 alpha-3 (pycountry), NULL for non-countries
    latitude      DOUBLE,                  -- of the country's centre (countryinfo), degrees north;
                                           -- NULL where unknown
    longitude     DOUBLE                   -- of the country's centre (countryinfo), degrees east;
                                           -- NULL where unknown
);
