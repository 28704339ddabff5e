-- The limit for the benchmark: daily and annual air quality straight from Parquet in one
-- hand-written DuckDB script, the same rules as the dbt models (int_air__station_daily,
-- int_air__region_daily, mart_air_quality_daily, mart_air_quality): hour-ending labels,
-- 24-hour means with >= 20 valid hours, O3 8-hour means with >= 6 hours ending 8..24, MDA8
-- with >= 14 windows or > 160, station mean per region and for the city, all exact in
-- integers of 1e-9 and rounded once by GB/T 8170 (half to even), IAQI/AQI (HJ 633, ceil in
-- integers, O3 8-hour above 800 replaced by the 1-hour sub-index), annual means, CO P95,
-- O3 MDA8 P90 (HJ 663 k = 1 + (n - 1)p), good-day share.
-- Placeholders: {readings} (a relation with station_code, hour, pm25 … o3: read_parquet(…) or
-- a table), {stations} (CSV: station_code, region_code), {breakpoints} (the aqi_breakpoints
-- seed), {city} (the city's region code), {kind} (TEMP, or empty for persisted tables).
CREATE OR REPLACE {kind} MACRO nano(x) AS CAST(round(CAST(x AS DOUBLE) * 1e9) AS BIGINT);
CREATE OR REPLACE {kind} MACRO div_he(n, d) AS
    (n // d + CASE WHEN 2 * (n % d) > d OR (2 * (n % d) = d AND (n // d) % 2 = 1) THEN 1 ELSE 0 END);
CREATE OR REPLACE {kind} MACRO rounded(n, scale) AS CAST(div_he(n, CAST(1000000000 // scale AS BIGINT)) AS DOUBLE) / scale;

CREATE OR REPLACE {kind} TABLE reference_daily AS
WITH hourly AS (
    SELECT station_code,
           CAST(CAST(hour AS TIMESTAMP) - INTERVAL 1 HOUR AS DATE) AS day,
           hour(CAST(hour AS TIMESTAMP) - INTERVAL 1 HOUR) + 1 AS hour_of_day,
           pm25, pm10, so2, no2, co, o3
    FROM {readings}
),
o3_8h AS (
    SELECT *, div_he(sum(nano(o3)) OVER w, count(o3) OVER w) AS o3_8h, count(o3) OVER w AS o3_8h_n
    FROM hourly
    WINDOW w AS (PARTITION BY station_code, day ORDER BY hour_of_day RANGE BETWEEN 7 PRECEDING AND CURRENT ROW)
),
station_daily AS (  -- nano-units, unrounded
    SELECT station_code, day,
           CASE WHEN count(pm25) >= 20 THEN div_he(sum(nano(pm25)), count(pm25)) END AS pm25,
           CASE WHEN count(pm10) >= 20 THEN div_he(sum(nano(pm10)), count(pm10)) END AS pm10,
           CASE WHEN count(so2) >= 20 THEN div_he(sum(nano(so2)), count(so2)) END AS so2,
           CASE WHEN count(no2) >= 20 THEN div_he(sum(nano(no2)), count(no2)) END AS no2,
           CASE WHEN count(co) >= 20 THEN div_he(sum(nano(co)), count(co)) END AS co,
           CASE WHEN count(o3) >= 20 THEN max(nano(o3)) END AS o3_1h,
           count(*) FILTER (WHERE hour_of_day >= 8 AND o3_8h_n >= 6) AS windows,
           max(o3_8h) FILTER (WHERE hour_of_day >= 8 AND o3_8h_n >= 6) AS mda8
    FROM o3_8h GROUP BY station_code, day
),
stations AS (
    SELECT station_code, region_code FROM read_csv('{stations}', all_varchar = true)
    UNION ALL
    SELECT station_code, '{city}' FROM read_csv('{stations}', all_varchar = true)
),
region_exact AS (  -- nano-units, unrounded
    SELECT s.region_code, d.day,
           div_he(sum(pm25), count(pm25)) AS pm25, div_he(sum(pm10), count(pm10)) AS pm10,
           div_he(sum(so2), count(so2)) AS so2, div_he(sum(no2), count(no2)) AS no2,
           div_he(sum(co), count(co)) AS co, div_he(sum(o3_1h), count(o3_1h)) AS o3_1h,
           div_he(sum(CASE WHEN windows >= 14 OR mda8 > 160000000000 THEN mda8 END),
                  count(CASE WHEN windows >= 14 OR mda8 > 160000000000 THEN mda8 END)) AS o3_8h
    FROM station_daily AS d JOIN stations AS s USING (station_code)
    GROUP BY ALL
),
region_daily AS (
    SELECT region_code, day,
           rounded(pm25, 1) AS pm25_24h, rounded(pm10, 1) AS pm10_24h, rounded(so2, 1) AS so2_24h,
           rounded(no2, 1) AS no2_24h, rounded(co, 10) AS co_24h, rounded(o3_1h, 1) AS o3_1h,
           rounded(o3_8h, 1) AS o3_8h
    FROM region_exact
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
    SELECT c.region_code, c.day, c.name, c.concentration,
           CASE WHEN c.concentration >= top.hi AND c.name <> 'o3_8h' THEN 500
                WHEN c.concentration = top.hi THEN top.iaqi_hi
                ELSE bp.iaqi_lo + (CAST(bp.iaqi_hi - bp.iaqi_lo AS HUGEINT)
                                   * CAST(round(c.concentration * 1000) - round(bp.bp_lo * 1000) AS HUGEINT)
                                   + CAST(round((bp.bp_hi - bp.bp_lo) * 1000) AS HUGEINT) - 1)
                                  // CAST(round((bp.bp_hi - bp.bp_lo) * 1000) AS HUGEINT)
           END AS iaqi
    FROM c
    JOIN (SELECT name, max(bp_hi) AS hi, max(iaqi_hi) AS iaqi_hi FROM bp GROUP BY name) AS top USING (name)
    LEFT JOIN bp ON bp.name = c.name AND c.concentration >= bp.bp_lo AND c.concentration < bp.bp_hi
),
aqi AS (
    SELECT region_code, day, max(iaqi) AS aqi_all,
           count(iaqi) FILTER (WHERE name NOT IN ('o3_1h', 'o3_8h')) = 5
               AND (count(iaqi) FILTER (WHERE name = 'o3_8h') = 1
                    OR (bool_or(name = 'o3_8h' AND concentration > 800)
                        AND count(iaqi) FILTER (WHERE name = 'o3_1h') = 1)) AS valid
    FROM iaqi GROUP BY region_code, day
)
SELECT r.*, CASE WHEN a.valid THEN a.aqi_all END AS aqi, e.pm25 AS pm25_n, e.pm10 AS pm10_n,
       e.so2 AS so2_n, e.no2 AS no2_n, e.co AS co_n, e.o3_8h AS o3_8h_n
FROM region_daily AS r JOIN aqi AS a USING (region_code, day) JOIN region_exact AS e USING (region_code, day);

CREATE OR REPLACE {kind} TABLE reference_annual AS
WITH ranked AS (
    SELECT region_code, year(day) AS year, co_n, o3_8h_n,
           row_number() OVER (PARTITION BY region_code, year(day) ORDER BY co_n) AS co_i,
           count(co_n) OVER (PARTITION BY region_code, year(day)) AS co_count,
           row_number() OVER (PARTITION BY region_code, year(day) ORDER BY o3_8h_n) AS o3_i,
           count(o3_8h_n) OVER (PARTITION BY region_code, year(day)) AS o3_count
    FROM reference_daily
),
percentiles AS (  -- X_s + (X_s+1 − X_s)·f with k = 1 + (n − 1)p = s + f, in hundredths
    SELECT region_code, year,
           rounded(div_he(100 * max(co_n) FILTER (WHERE co_i = (100 + (co_count - 1) * 95) // 100)
               + ((100 + (any_value(co_count) - 1) * 95) % 100)
                 * (coalesce(max(co_n) FILTER (WHERE co_i = (100 + (co_count - 1) * 95) // 100 + 1),
                             max(co_n) FILTER (WHERE co_i = (100 + (co_count - 1) * 95) // 100))
                    - max(co_n) FILTER (WHERE co_i = (100 + (co_count - 1) * 95) // 100)), 100), 10) AS co_p95,
           rounded(div_he(100 * max(o3_8h_n) FILTER (WHERE o3_i = (100 + (o3_count - 1) * 90) // 100)
               + ((100 + (any_value(o3_count) - 1) * 90) % 100)
                 * (coalesce(max(o3_8h_n) FILTER (WHERE o3_i = (100 + (o3_count - 1) * 90) // 100 + 1),
                             max(o3_8h_n) FILTER (WHERE o3_i = (100 + (o3_count - 1) * 90) // 100))
                    - max(o3_8h_n) FILTER (WHERE o3_i = (100 + (o3_count - 1) * 90) // 100)), 100), 1) AS o3_mda8_p90
    FROM ranked
    WHERE co_n IS NOT NULL OR o3_8h_n IS NOT NULL
    GROUP BY region_code, year
)
SELECT d.region_code, year(d.day) AS year,
       count(aqi) AS aqi_valid_days, count(*) FILTER (WHERE aqi <= 100) AS good_days,
       rounded(div_he(sum(pm25_n), count(pm25_n)), 1) AS pm25_annual_mean,
       rounded(div_he(sum(pm10_n), count(pm10_n)), 1) AS pm10_annual_mean,
       rounded(div_he(sum(so2_n), count(so2_n)), 1) AS so2_annual_mean,
       rounded(div_he(sum(no2_n), count(no2_n)), 1) AS no2_annual_mean,
       any_value(p.co_p95) AS co_p95,
       any_value(p.o3_mda8_p90) AS o3_mda8_p90,
       rounded(div_he(count(*) FILTER (WHERE aqi <= 100) * 100000000000, count(aqi)), 10) AS good_days_share
FROM reference_daily AS d
LEFT JOIN percentiles AS p ON p.region_code = d.region_code AND p.year = year(d.day)
GROUP BY ALL;
