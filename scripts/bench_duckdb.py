#!/usr/bin/env python3
"""The `measure --sample all` computation written as DuckDB SQL: the benchmark's baseline (never a dependency).

    python3 scripts/bench_duckdb.py FILE PERIOD_START THREADS OUT.csv

Implements docs/method.md on a comma-separated UTF-8 visit log with English headers: the 14-day period,
exclusions by category and role, 07:00–22:00, visit identity (visit id, else start minute) per user and day,
at least two visits on each of the 14 days, distinct lower(trim(staff)), birth date under 65. Writes per
provider: measured_users, mean, median, min, max (the providers.csv columns of `--sample all`).
"""
import csv
import sys
import time

import duckdb


def main():
    path, start, threads, out = sys.argv[1:5]
    began = time.time()
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    query = f"""
    WITH raw AS (
        SELECT trim(provider) AS provider, trim("user") AS u, lower(trim(staff)) AS s,
               CAST(start AS TIMESTAMP) AS ts, nullif(trim(visit), '') AS visit,
               lower(coalesce(category, '')) AS category, lower(coalesce(staff_role, '')) AS role,
               TRY_CAST(nullif(trim(birth_date), '') AS DATE) AS birth
        FROM read_csv('{path}', header = true, all_varchar = true)
    ), users AS (
        SELECT provider, u, bool_or(CAST(ts AS DATE) BETWEEN DATE '{start}' AND DATE '{start}' + 13) AS in_period,
               arg_min(birth, ts) FILTER (WHERE birth IS NOT NULL) AS birth
        FROM raw GROUP BY ALL
    ), counted AS (
        SELECT provider, u, s, CAST(ts AS DATE) AS d, coalesce('id:' || visit, 'min:' || strftime(ts, '%H:%M')) AS v
        FROM raw
        WHERE CAST(ts AS DATE) BETWEEN DATE '{start}' AND DATE '{start}' + 13
          AND NOT regexp_matches(category, 'matleverans|matdistribution|larm|meal|alarm|hemsjukv[åa]rd|home health')
          AND NOT regexp_matches(role, 'praktikant|hemsjukv[åa]rd|home health|(^|[^a-zåäö])(elev|elever|student|trainee)($|[^a-zåäö])')
          AND hour(ts) >= 7 AND hour(ts) < 22
    ), daily AS (
        SELECT provider, u, d, count(DISTINCT v) AS n FROM counted GROUP BY ALL
    ), eligible AS (
        SELECT provider, u FROM daily GROUP BY ALL HAVING count(*) = 14 AND min(n) >= 2
    ), staff AS (
        SELECT provider, u, count(DISTINCT s) AS k FROM counted GROUP BY ALL
    ), measured AS (
        SELECT st.provider, st.k FROM staff st
        JOIN eligible e USING (provider, u)
        JOIN users us USING (provider, u)
        WHERE us.in_period AND (us.birth IS NULL OR date_diff('year', us.birth, DATE '{start}')
              - CASE WHEN (month(DATE '{start}'), day(DATE '{start}')) < (month(us.birth), day(us.birth))
                     THEN 1 ELSE 0 END >= 65)
    )
    SELECT provider, count(*) AS n, avg(k), quantile_cont(k, 0.5), min(k), max(k)
    FROM measured GROUP BY provider ORDER BY provider
    """
    rows = con.execute(query).fetchall()
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["provider", "measured_users", "mean_staff", "median_staff", "min_staff", "max_staff"])
        for provider, n, mean, median, low, high in rows:
            w.writerow([provider, n, "%.2f" % mean, median, low, high])
    print(f"duckdb: {len(rows)} providers in {time.time() - began:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
