#!/usr/bin/env python3
"""An independent, deliberately plain reimplementation of `kontinuitet measure --rolling --per-user` and of the
continuity indices (docs/indices.md, docs/method.md), for checking.

It shares no code with the Swift implementation and was written from the docs: rows are read with Python's csv
module and the helpers of scripts/reference_measure.py (encoding, delimiter and header detection, timestamps,
exclusion rules, personnummer), and every window is counted afresh from dictionaries of sets (no sliding, no
counters); figures are exact fractions until they are printed. Slow and obvious on purpose. Standard library only.

    python3 scripts/reference_rolling.py FILE [FILE ...] [--period-start YYYY-MM-DD] --out DIR [--exact DIR2]

writes into DIR what `kontinuitet measure --keep-ids --sample all --rolling --per-user` writes:
    user_indices.csv      provider,unit,user,measured,sampled,visits,contacts,coc,upc,secon,top3_share
    provider_indices.csv  provider,sampled_users,mean_coc,mean_upc,mean_secon,mean_top3_share
    rolling_providers.csv provider,window_start,measured_users,mean_staff,median_staff
    rolling_months.csv    provider,month,user_windows,mean_staff,median_staff
    rolling_users.csv     provider,user,window_start,distinct_staff
in the same order: providers and users by the byte order of their UTF-8 ids, windows by start date, except
rolling_users.csv, whose users come in the order of their first row in the input (files in the order given; a
rejected row does not count, an excluded one does), as kontinuitet writes them. --exact DIR2 writes the same files
with every mean, median and index as an unrounded fraction (p/q). scripts/check-rolling compares.
"""

import argparse
import csv
import datetime
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_measure import (birth_from_personnummer, unit_rank, excluded_category, excluded_role,  # noqa: E402
                               fold_staff, parse_date, parse_time, read_table)

DAY = datetime.timedelta(days=1)
# What kontinuitet trims: spaces and tabs from visit ids (docs/method.md); provider, unit, user and staff ids
# also lose no-break spaces (U+00A0), as the binary does (the docs say "spaces and tabs").
TRIM_ID, TRIM_VISIT = " \t\u00a0", " \t"


def read_records(path):
    """The records of one CSV file as {column: field}, the columns found by their aliases (reference_measure's
    detection of encoding, delimiter and header), each field trimmed as kontinuitet trims it."""
    index, reader = read_table(path)
    for row in reader:
        fields = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
        yield {name: value.strip(TRIM_VISIT if name == "visit" else TRIM_ID if name in ("provider", "unit", "user",
               "staff") else None) for name, value in fields.items()}


class User:
    def __init__(self):
        self.unit, self.unit_rank = "", None
        self.birth = None
        self.in_period = False
        # Counted rows (category, role and time-of-day rules passed), any date:
        # day -> {visit key -> [first row number, earliest start minute, set of staff, day]}
        self.days = {}


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def median(values):
    values = sorted(values)
    n = len(values)
    return Fraction(values[n // 2]) if n % 2 else Fraction(values[n // 2 - 1] + values[n // 2], 2)


def mean(values):
    values = [x for x in values if x is not None]
    return Fraction(sum(values), len(values)) if values else None


def indices(visits):
    """Visits, contacts, COC, UPC, SECON and top-three share (exact fractions, None when undefined) of one user's
    visits, each [first row number, earliest start minute, set of staff, day]."""
    ordered = sorted(visits, key=lambda v: v[0])          # as their first rows appear in the input
    ordered.sort(key=lambda v: (v[3], v[1]))              # stable: by day, then start minute
    contacts = {}
    for v in ordered:
        for s in v[2]:
            contacts[s] = contacts.get(s, 0) + 1
    n = sum(contacts.values())
    counts = sorted(contacts.values(), reverse=True)
    coc = Fraction(sum(c * c for c in counts) - n, n * (n - 1)) if n >= 2 else None
    upc = Fraction(counts[0], n) if n else None
    top3 = Fraction(sum(counts[:3]), n) if n else None
    secon = None
    if len(ordered) >= 2:
        shared = sum(1 for a, b in zip(ordered, ordered[1:]) if a[2] & b[2])
        secon = Fraction(shared, len(ordered) - 1)
    return len(ordered), n, coc, upc, secon, top3


def printed(decimals):
    """As kontinuitet prints a figure: a double with this many decimals; empty when undefined."""
    return lambda x: "" if x is None else "%.*f" % (decimals, float(x))


def printed_median(x):
    return str(x.numerator) if x.denominator == 1 else "%.1f" % float(x)


def exact(x):
    return "" if x is None else str(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--period-start")
    parser.add_argument("--out", required=True)
    parser.add_argument("--exact", metavar="DIR", help="also write the same files with every figure as an exact "
                        "fraction (p/q), unrounded, for checking")
    args = parser.parse_args()

    rows = []
    for path in args.files:
        for fields in read_records(path):
            if all(v == "" for v in fields.values()):
                continue  # blank row, not a row
            rows.append(fields)

    parsed = []
    for r in rows:
        if not all(r.get(k) for k in ("provider", "user", "staff", "start")):
            continue  # rejected
        t = parse_time(r["start"])
        if t is None:
            continue  # rejected
        birth = None
        if r.get("birth_date"):
            birth = parse_date(r["birth_date"])
            if birth is None:
                continue  # rejected
        parsed.append((r, t, birth))

    if args.period_start:
        first = datetime.date.fromisoformat(args.period_start)
    else:
        years = {}
        for _, t, _ in parsed:
            years[t.year] = years.get(t.year, 0) + 1
        year = max(years, key=lambda y: (years[y], -y))
        first = datetime.date.fromisocalendar(year, 36, 1)
    period = {first + i * DAY for i in range(14)}

    users = {}
    for number, (r, t, birth) in enumerate(parsed):
        u = users.setdefault((r["provider"], r["user"]), User())
        rank = unit_rank(t, first)
        if "unit" in r and (u.unit_rank is None or rank >= u.unit_rank):
            u.unit, u.unit_rank = r["unit"], rank
        if u.birth is None and birth is not None:
            u.birth = birth
        if t.date() in period:
            u.in_period = True
        if excluded_category(r.get("category", "")) or excluded_role(r.get("staff_role", "")):
            continue
        if not 7 <= t.hour < 22:
            continue
        visit_id = r.get("visit", "")
        visit_key = ("id", visit_id) if visit_id else ("minute", t.hour * 60 + t.minute)
        visit = u.days.setdefault(t.date(), {}).setdefault(visit_key, [number, t.hour * 60 + t.minute, set(), t.date()])
        visit[1] = min(visit[1], t.hour * 60 + t.minute)
        visit[2].add(fold_staff(r["staff"]))

    def birth_of(pair):
        # One birth date per user: the first non-empty birth_date, else the personnummer in the user id, its
        # century judged on the period's first day (also for the rolling windows).
        return users[pair].birth or birth_from_personnummer(pair[1], first)

    order = sorted(users, key=lambda p: (p[0].encode(), p[1].encode()))
    providers = sorted({p for p, _ in users}, key=lambda p: p.encode())

    # The period: who is measured (every measured user is sampled: --sample all), and the indices.
    user_rows, provider_values = [], {p: [] for p in providers}
    for pair in order:
        u = users[pair]
        birth = birth_of(pair)
        measured = (u.in_period and not (birth and age_on(birth, first) < 65)
                    and all(len(u.days.get(d, {})) >= 2 for d in period))
        visits = [v for d in period for v in u.days.get(d, {}).values()]
        figures = indices(visits)
        flag = "true" if measured else "false"
        user_rows.append([pair[0], u.unit, pair[1], flag, flag] + list(figures))
        if measured:
            provider_values[pair[0]].append(figures[2:])
    provider_rows = [[p, len(provider_values[p])] + [mean([v[i] for v in provider_values[p]]) for i in range(4)]
                     for p in providers]

    # Rolling: every 14-day window of each user, counted afresh.
    window_rows = []  # provider, user, window start, distinct staff
    for pair in users:  # users in the order of their first row (files in the order given), as kontinuitet writes
        u = users[pair]
        birth = birth_of(pair)
        for start in sorted(u.days):
            window = [start + i * DAY for i in range(14)]
            if any(len(u.days.get(d, {})) < 2 for d in window):
                continue
            if birth and age_on(birth, start) < 65:
                continue
            staff = set()
            for d in window:
                for visit in u.days[d].values():
                    staff |= visit[2]
            window_rows.append((pair[0], pair[1], start.isoformat(), len(staff)))

    by_window, by_month = {}, {}
    for p, _, start, n in window_rows:
        by_window.setdefault((p.encode(), start, p), []).append(n)
        by_month.setdefault((p.encode(), start[:7], p), []).append(n)
    window_summary = [[p, start, len(v), mean(v), median(v)] for (_, start, p), v in sorted(by_window.items())]
    month_summary = [[p, month, len(v), mean(v), median(v)] for (_, month, p), v in sorted(by_month.items())]

    files = [
        ("user_indices.csv", ["provider", "unit", "user", "measured", "sampled", "visits", "contacts", "coc", "upc",
                              "secon", "top3_share"], user_rows, [None] * 7 + [printed(4)] * 4),
        ("provider_indices.csv", ["provider", "sampled_users", "mean_coc", "mean_upc", "mean_secon",
                                  "mean_top3_share"], provider_rows, [None] * 2 + [printed(4)] * 4),
        ("rolling_providers.csv", ["provider", "window_start", "measured_users", "mean_staff", "median_staff"],
         window_summary, [None] * 3 + [printed(2), printed_median]),
        ("rolling_months.csv", ["provider", "month", "user_windows", "mean_staff", "median_staff"],
         month_summary, [None] * 3 + [printed(2), printed_median]),
        ("rolling_users.csv", ["provider", "user", "window_start", "distinct_staff"], window_rows, [None] * 4),
    ]
    for directory, exactly in ((args.out, False), (args.exact, True)):
        if not directory:
            continue
        os.makedirs(directory, exist_ok=True)
        for name, header, body, formats in files:
            with open(os.path.join(directory, name), "w", newline="", encoding="utf-8") as out:
                w = csv.writer(out, lineterminator="\n")
                w.writerow(header)
                for row in body:
                    w.writerow([x if f is None else exact(x) if exactly else f(x) for x, f in zip(row, formats)])


if __name__ == "__main__":
    main()
