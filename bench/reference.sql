-- The limit for the benchmark: daily and annual air quality straight from Parquet in one
-- hand-written DuckDB script, the same rules as the dbt models (int_air__station_daily,
-- mart_air_quality_daily, mart_air_quality): hour-ending labels, 24-hour means with >= 20
-- valid hours, O3 8-hour means with >= 6 hours ending 8..24, MDA8 with >= 14 windows or
-- > 160, round half to even, station mean per region and for the city, IAQI/AQI (HJ 633),
-- annual means, CO P95, O3 MDA8 P90, good-day share (HJ 663).
-- Placeholders: {readings} (a relation with station_code, hour, pm25 … o3: read_parquet(…) or
-- a table), {stations} (CSV: station_code, region_code), {breakpoints} (the aqi_breakpoints
-- seed), {city} (the city's region code), {kind} (TEMP, or empty for persisted tables).
CREATE OR REPLACE {kind} TABLE reference_daily AS
WITH hourly AS (
    SELECT station_code,
           CAST(CAST(hour AS TIMESTAMP) - INTERVAL 1 HOUR AS DATE) AS day,
           hour(CAST(hour AS TIMESTAMP) - INTERVAL 1 HOUR) + 1 AS hour_of_day,
           pm25, pm10, so2, no2, co, o3
    FROM {readings}
),
o3_8h AS (
    SELECT *, avg(o3) OVER w AS o3_8h, count(o3) OVER w AS o3_8h_n
    FROM hourly
    WINDOW w AS (PARTITION BY station_code, day ORDER BY hour_of_day RANGE BETWEEN 7 PRECEDING AND CURRENT ROW)
),
station_daily AS (
    SELECT station_code, day,
           CASE WHEN count(pm25) >= 20 THEN round_even(avg(pm25), 0) END AS pm25,
           CASE WHEN count(pm10) >= 20 THEN round_even(avg(pm10), 0) END AS pm10,
           CASE WHEN count(so2) >= 20 THEN round_even(avg(so2), 0) END AS so2,
           CASE WHEN count(no2) >= 20 THEN round_even(avg(no2), 0) END AS no2,
           CASE WHEN count(co) >= 20 THEN round_even(avg(co), 1) END AS co,
           CASE WHEN count(o3) >= 20 THEN max(o3) END AS o3_1h,
           count(*) FILTER (WHERE hour_of_day >= 8 AND o3_8h_n >= 6) AS windows,
           max(o3_8h) FILTER (WHERE hour_of_day >= 8 AND o3_8h_n >= 6) AS mda8_raw
    FROM o3_8h GROUP BY station_code, day
),
stations AS (
    SELECT station_code, region_code FROM read_csv('{stations}', all_varchar = true)
    UNION ALL
    SELECT station_code, '{city}' FROM read_csv('{stations}', all_varchar = true)
),
region_daily AS (
    SELECT s.region_code, d.day,
           round_even(avg(pm25), 0) AS pm25_24h, round_even(avg(pm10), 0) AS pm10_24h,
           round_even(avg(so2), 0) AS so2_24h, round_even(avg(no2), 0) AS no2_24h,
           round_even(avg(co), 1) AS co_24h, round_even(avg(o3_1h), 0) AS o3_1h,
           round_even(avg(CASE WHEN windows >= 14 OR mda8_raw > 160 THEN round_even(mda8_raw, 0) END), 0) AS o3_8h
    FROM station_daily AS d JOIN stations AS s USING (station_code)
    GROUP BY ALL
),
bp AS (
    SELECT pollutant || '_' || averaging AS name, CAST(bp_lo AS DOUBLE) AS bp_lo,
           CAST(bp_hi AS DOUBLE) AS bp_hi, CAST(iaqi_lo AS DOUBLE) AS iaqi_lo, CAST(iaqi_hi AS DOUBLE) AS iaqi_hi
    FROM read_csv('{breakpoints}', all_varchar = true)
),
c AS (
    UNPIVOT region_daily ON so2_24h, no2_24h, pm10_24h, co_24h, o3_1h, o3_8h, pm25_24h
    INTO NAME name VALUE concentration
),
iaqi AS (
    SELECT c.region_code, c.day, c.name,
           CASE WHEN c.concentration >= top.hi AND c.name <> 'o3_8h' THEN 500
                ELSE ceil((bp.iaqi_hi - bp.iaqi_lo) / (bp.bp_hi - bp.bp_lo) * (c.concentration - bp.bp_lo) + bp.iaqi_lo)
           END AS iaqi
    FROM c
    JOIN (SELECT name, max(bp_hi) AS hi FROM bp GROUP BY name) AS top USING (name)
    LEFT JOIN bp ON bp.name = c.name AND c.concentration >= bp.bp_lo AND c.concentration < bp.bp_hi
),
aqi AS (
    SELECT region_code, day, max(iaqi) AS aqi_all,
           count(iaqi) FILTER (WHERE name <> 'o3_1h') = 6 AS valid
    FROM iaqi GROUP BY region_code, day
)
SELECT r.*, CASE WHEN a.valid THEN a.aqi_all END AS aqi
FROM region_daily AS r JOIN aqi AS a USING (region_code, day);

CREATE OR REPLACE {kind} TABLE reference_annual AS
SELECT region_code, year(day) AS year,
       count(aqi) AS aqi_valid_days, count(*) FILTER (WHERE aqi <= 100) AS good_days,
       round_even(avg(pm25_24h), 0) AS pm25_annual_mean,
       round_even(avg(pm10_24h), 0) AS pm10_annual_mean,
       round_even(avg(so2_24h), 0) AS so2_annual_mean,
       round_even(avg(no2_24h), 0) AS no2_annual_mean,
       round_even(quantile_cont(co_24h, 0.95), 1) AS co_p95,
       round_even(quantile_cont(o3_8h, 0.90), 0) AS o3_mda8_p90,
       round_even(100.0 * count(*) FILTER (WHERE aqi <= 100) / nullif(count(aqi), 0), 1) AS good_days_share
FROM reference_daily
GROUP BY ALL;
