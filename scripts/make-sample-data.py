#!/usr/bin/env python3
"""Writes the bundled sample visit logs under sample-data/visits/ (deterministic: same bytes every run).

Three providers' logs for the 2018 Kolada period (3–16 September), each in a different dialect, with every edge
case of the method planted on purpose (the comments below name the users). Standard library only.

    python3 scripts/make-sample-data.py            # rewrites sample-data/visits/*.csv

After changing it, regenerate the expected outputs with scripts/update-expected and check them with the
independent reference (scripts/reference_measure.py) before committing.
"""

import datetime
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample-data", "visits")
PERIOD_START = datetime.date(2018, 9, 3)

FIRST_NAMES = ["Anna", "Karl", "Åsa", "Örjan", "Märta", "Gösta", "Ingrid", "Bertil", "Elsa", "Sven", "Ögla",
               "Ärla", "Maj", "Olof", "Birgitta", "Nils", "Greta", "Åke", "Ulla", "Stig", "Ebba", "Harald"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Åberg", "Öberg", "Ekström", "Lindqvist", "Ängström", "Holm"]


class Provider:
    def __init__(self, rng, name, units, users, staff_pool, prefix):
        self.rng = rng
        self.name = name
        self.units = units
        self.users = users
        self.staff = [f"{prefix}{n:03d}" for n in range(1, staff_pool + 1)]


def visit_times(rng, count):
    """Start times for `count` visits spread over the day, mostly 07:00–21:59."""
    slots = sorted(rng.sample(range(7 * 4, 22 * 4), count))
    return [datetime.time(s // 4, (s % 4) * 15) for s in slots]


def user_rows(rng, provider, user_id, name, birth, team_size, substitute_share, days=range(14),
              visits_per_day=(2, 5), double_share=0.05, visit_ids=True, unit=None):
    """Rows of one user: a regular team plus substitutes from the provider's pool."""
    team = rng.sample(provider.staff, team_size)
    unit = unit or rng.choice(provider.units)
    rows = []
    for day in days:
        date = PERIOD_START + datetime.timedelta(days=day)
        for k, time in enumerate(visit_times(rng, rng.randint(*visits_per_day))):
            staff = rng.choice(provider.staff) if rng.random() < substitute_share else rng.choice(team)
            visit = f"{user_id}-{date:%m%d}-{k}" if visit_ids else ""
            start = datetime.datetime.combine(date, time)
            rows.append(dict(provider=provider.name, unit=unit, user=user_id, staff=staff, start=start,
                             visit=visit, category="Omvårdnad", role="Undersköterska", name=name, birth=birth))
            if rng.random() < double_share:
                other = rng.choice([s for s in team if s != staff] or provider.staff)
                rows.append(dict(rows[-1], staff=other))
    return rows


def people(rng, count, with_birth=True):
    out = []
    for _ in range(count):
        name = f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}"
        birth = datetime.date(rng.randint(1918, 1950), rng.randint(1, 12), rng.randint(1, 28))
        out.append((name, birth.isoformat() if with_birth else ""))
    return out


def ordinary_users(rng, provider, prefix, count, start_index=1, **kwargs):
    rows = []
    for n, (name, birth) in enumerate(people(rng, count), start=start_index):
        team = rng.randint(6, 11)
        substitutes = rng.choice([0.04, 0.08, 0.12, 0.16, 0.22, 0.30, 0.38])
        rows += user_rows(rng, provider, f"{prefix}{n:04d}", name, birth, team, substitutes, **kwargs)
    return rows


def edge_cases(rng, provider, prefix):
    """Users whose right answer is known by hand; see sample-data/README.md."""
    rows = []
    date = lambda day, hh, mm=0: datetime.datetime.combine(PERIOD_START + datetime.timedelta(days=day),
                                                           datetime.time(hh, mm))
    base = dict(provider=provider.name, unit=provider.units[0], category="Omvårdnad", role="Undersköterska",
                name="Edge, Case", birth="1930-05-05")

    def row(user, staff, start, visit="", **extra):
        rows.append(dict(base, user=user, staff=staff, start=start, visit=visit, **extra))

    # E01: exactly 2 visits a day by 3 staff in turn, plus double staffing on day 0 (one visit, two staff),
    # plus excluded rows (meal delivery, alarm, student, home health, before 07:00, at 22:00): 3 + 1 staff.
    for day in range(14):
        row(f"{prefix}E01", ["s-a", "s-b", "s-c"][day % 3], date(day, 8), f"e01-{day}-1")
        row(f"{prefix}E01", ["s-b", "s-c", "s-a"][day % 3], date(day, 18), f"e01-{day}-2")
    row(f"{prefix}E01", "s-d", date(0, 8), "e01-0-1")
    row(f"{prefix}E01", "meal-1", date(1, 12), "e01-x1", category="Matleverans")
    row(f"{prefix}E01", "alarm-1", date(2, 3), "e01-x2", category="Trygghetslarm")
    row(f"{prefix}E01", "student-1", date(3, 10), "e01-x3", role="Elev")
    row(f"{prefix}E01", "hsl-1", date(4, 10), "e01-x4", category="Hemsjukvård")
    row(f"{prefix}E01", "early-1", date(5, 6, 45), "e01-x5")
    row(f"{prefix}E01", "late-1", date(6, 22), "e01-x6")
    # E02: a hospital stay: no visits on days 5–8 → too_few_daily_visits.
    for day in [d for d in range(14) if d not in (5, 6, 7, 8)]:
        row(f"{prefix}E02", "s-a", date(day, 9), f"e02-{day}-1")
        row(f"{prefix}E02", "s-e", date(day, 19), f"e02-{day}-2")
    # E03: under 65 on 3 September 2018 (born 1953-09-04) → under_65.
    for day in range(14):
        row(f"{prefix}E03", "s-a", date(day, 9), f"e03-{day}-1", birth="1953-09-04")
        row(f"{prefix}E03", "s-b", date(day, 19), f"e03-{day}-2", birth="1953-09-04")
    # E04: only rows after the period → no_visits_in_period.
    row(f"{prefix}E04", "s-a", date(20, 9), "e04-1")
    # E05: no visit ids; two rows at the same minute are one visit; staff ids differ only in case and blanks.
    for day in range(14):
        row(f"{prefix}E05", " S-F ", date(day, 8, 30))
        row(f"{prefix}E05", "s-g", date(day, 8, 30))
        row(f"{prefix}E05", "s-f", date(day, 13, 15))
    return rows


def write(path, rows, header, keys, delimiter=",", encoding="utf-8", newline="\n", time_format=None,
          pre=None):
    def cell(value):
        text = value if isinstance(value, str) else ""
        if any(c in text for c in (delimiter, '"', "\n")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    lines = [] if pre is None else [pre]
    lines.append(delimiter.join(header))
    for r in rows:
        values = []
        for key in keys:
            value = r.get(key, "")
            if isinstance(value, datetime.datetime):
                value = time_format(value) if time_format else value.strftime("%Y-%m-%d %H:%M")
            values.append(cell(value))
        lines.append(delimiter.join(values))
    with open(path, "w", encoding=encoding, newline="") as out:
        out.write(newline.join(lines) + newline)


def main():
    os.makedirs(ROOT, exist_ok=True)
    rng = random.Random(2018)

    # 1. A municipal provider, English headers, comma, UTF-8.
    norr = Provider(rng, "Hemtjänst Norr", ["Norr 1", "Norr 2"], 60, 70, "HN")
    rows = ordinary_users(rng, norr, "HN-B", 55) + edge_cases(rng, norr, "HN-")
    # The same person served by two providers (HN-B0001 also at Omsorg Väst AB, below).
    rng.shuffle(rows)
    rows.sort(key=lambda r: r["start"])
    write(os.path.join(ROOT, "hemtjanst-norr.csv"), rows,
          ["provider", "unit", "user", "staff", "start", "visit", "category", "staff_role", "sort_name",
           "birth_date"],
          ["provider", "unit", "user", "staff", "start", "visit", "category", "role", "name", "birth"])

    # 2. A private provider with more than 150 measured users: Swedish Excel (semicolon, Windows-1252, CRLF,
    #    Swedish headers), names with commas (quoted), a few malformed rows.
    vast = Provider(rng, "Omsorg Väst AB", ["Väst A", "Väst B", "Väst C"], 180, 120, "OV")
    rows = ordinary_users(rng, vast, "OV-B", 178)
    rows += user_rows(rng, vast, "HN-B0001", "Delad, Brukare", "1935-01-01", 4, 0.1)
    rows.sort(key=lambda r: (r["user"], r["start"]))
    bad = [dict(rows[10], start="2018-09-31 08:00"), dict(rows[20], staff=""), dict(rows[30], user=""),
           dict(rows[40], birth="1940-13-01")]
    rows[100:100] = bad
    write(os.path.join(ROOT, "omsorg-vast.csv"), rows,
          ["Utförare", "Enhet", "Brukare", "Personal", "Starttid", "Besök", "Insats", "Roll", "Namn",
           "Födelsedatum"],
          ["provider", "unit", "user", "staff", "start", "visit", "category", "role", "name", "birth"],
          delimiter=";", encoding="cp1252", newline="\r\n")
    with open(os.path.join(ROOT, "omsorg-vast.csv"), "ab") as out:
        out.write(b";;;;;;;;;\r\n")

    # 3. A Phoniro-style performed-time export: TAB, UTF-8 with BOM, check-in/check-out with offsets, planned
    #    times, personnummer as user ids (birth date read from them), no visit ids.
    trygg = Provider(rng, "Trygg Omsorg", ["Centrum"], 45, 50, "TO")
    rows = []
    for n in range(45):
        year = rng.randint(1920, 1948) if n != 0 else 1960  # user 0 is under 65 by personnummer
        born = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        nine = f"{born:%y%m%d}{rng.randint(100, 999)}"
        digits = [int(c) for c in nine]
        total = sum(((d * 2) // 10 + (d * 2) % 10) if i % 2 == 0 else d for i, d in enumerate(digits))
        pnr = f"{born:%Y%m%d}-{nine[6:]}{(10 - total % 10) % 10}"
        team = rng.randint(5, 9)
        rows += user_rows(rng, trygg, pnr, "", "", team, rng.choice([0.06, 0.14, 0.22, 0.32]), visit_ids=False,
                          double_share=0.0)
    for r in rows:
        planned = r["start"]
        actual = planned + datetime.timedelta(minutes=rng.randint(-10, 15))
        r["planned_start"] = planned.strftime("%Y-%m-%d %H:%M")
        r["planned_end"] = (planned + datetime.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
        r["start"] = actual
        r["end"] = (r["start"] + datetime.timedelta(minutes=rng.randint(15, 50))).strftime("%Y-%m-%dT%H:%M:%S")
    rows.sort(key=lambda r: r["start"])
    utc = lambda t: (t - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write(os.path.join(ROOT, "trygg-omsorg-phoniro.csv"), rows,
          ["Utförare", "Enhet", "Brukare", "Medarbetare", "Planerad start", "Planerad slut", "Incheckning",
           "Utcheckning", "Insats"],
          ["provider", "unit", "user", "staff", "planned_start", "planned_end", "start", "end", "category"],
          delimiter="\t", encoding="utf-8-sig", time_format=utc)


def time_sample():
    """sample-data/time/: performed time over the October 2018 DST change and the month boundary, with allocated
    time and a provider register whose ceilings trigger the 90 % and 100 % warnings."""
    rng = random.Random(4)
    folder = os.path.join(ROOT, "..", "time")
    os.makedirs(folder, exist_ok=True)
    rows = []
    first = datetime.date(2018, 10, 22)
    for provider, prefix, users in (("Trygg Omsorg", "TO", 6), ("Omsorg Väst AB", "OV", 5)):
        staff = [f"{prefix}{n:03d}" for n in range(1, 9)]
        for u in range(users):
            user = f"{prefix}-T{u + 1:02d}"
            for day in range(14):
                date = first + datetime.timedelta(days=day)
                for k, hour in enumerate((8, 12, 17)):
                    planned = datetime.datetime.combine(date, datetime.time(hour, 0))
                    check_in = planned + datetime.timedelta(minutes=rng.randint(-5, 12))
                    check_out = check_in + datetime.timedelta(minutes=rng.choice((20, 25, 30, 35, 45)))
                    # Each user of a slot gets another staff member, so nobody is at two homes at once.
                    rows.append([provider, "Enhet 1", user, staff[(u + day + k) % len(staff)], planned, planned +
                                 datetime.timedelta(minutes=30), check_in, check_out, f"{user}-{date:%m%d}-{k}"])
    # Planted cases (docs/time-report.md lists their right answers):
    t = datetime.datetime
    rows += [
        # A night visit over the month boundary: 23:40 on 31 October to 00:20 on 1 November (20 + 20 minutes).
        ["Trygg Omsorg", "Enhet 1", "TO-T01", "TO001", t(2018, 10, 31, 23, 30), t(2018, 11, 1, 0, 0),
         t(2018, 10, 31, 23, 40), t(2018, 11, 1, 0, 20), "TO-T01-night"],
        # Over the change back to standard time: 01:30 to 03:30 on the wall on 28 October is 3 real hours.
        ["Trygg Omsorg", "Enhet 1", "TO-T02", "TO002", t(2018, 10, 28, 1, 30), t(2018, 10, 28, 3, 30),
         t(2018, 10, 28, 1, 30), t(2018, 10, 28, 3, 30), "TO-T02-dst"],
        # Double staffing: two rows, one visit, 30 minutes each.
        ["Omsorg Väst AB", "Enhet 1", "OV-T01", "OV007", t(2018, 10, 25, 20, 0), t(2018, 10, 25, 20, 30),
         t(2018, 10, 25, 20, 0), t(2018, 10, 25, 20, 30), "OV-T01-double"],
        ["Omsorg Väst AB", "Enhet 1", "OV-T01", "OV008", t(2018, 10, 25, 20, 0), t(2018, 10, 25, 20, 30),
         t(2018, 10, 25, 20, 0), t(2018, 10, 25, 20, 30), "OV-T01-double"],
        # No check-out.
        ["Omsorg Väst AB", "Enhet 1", "OV-T02", "OV001", t(2018, 10, 26, 21, 0), t(2018, 10, 26, 21, 30),
         t(2018, 10, 26, 21, 0), None, "OV-T02-open"],
        # The same staff member at two users at once (21:10–21:40 at OV-T03 while at OV-T04 21:20–21:50).
        ["Omsorg Väst AB", "Enhet 1", "OV-T03", "OV002", t(2018, 10, 27, 21, 10), t(2018, 10, 27, 21, 40),
         t(2018, 10, 27, 21, 10), t(2018, 10, 27, 21, 40), "OV-T03-overlap"],
        ["Omsorg Väst AB", "Enhet 1", "OV-T04", "OV002", t(2018, 10, 27, 21, 20), t(2018, 10, 27, 21, 50),
         t(2018, 10, 27, 21, 20), t(2018, 10, 27, 21, 50), "OV-T04-overlap"],
        # Two hours after the planned time.
        ["Trygg Omsorg", "Enhet 1", "TO-T03", "TO099", t(2018, 10, 23, 10, 0), t(2018, 10, 23, 10, 30),
         t(2018, 10, 23, 12, 0), t(2018, 10, 23, 12, 30), "TO-T03-late"],
    ]
    rows.sort(key=lambda r: r[6])
    fmt = lambda v: "" if v is None else v.strftime("%Y-%m-%d %H:%M")
    lines = ["Utförare;Enhet;Brukare;Medarbetare;Planerad start;Planerad slut;Incheckning;Utcheckning;Besök"]
    lines += [";".join([r[0], r[1], r[2], r[3], fmt(r[4]), fmt(r[5]), fmt(r[6]), fmt(r[7]), r[8]]) for r in rows]
    lines.append("Trygg Omsorg;Enhet 1;TO-T01;TO001;2018-10-32 08:00;;;;bad")
    with open(os.path.join(folder, "performed.csv"), "w", encoding="cp1252", newline="") as out:
        out.write("\r\n".join(lines) + "\r\n")
    allocated = ["utförare;enhet;brukare;månad;fördelad tid;beviljad tid"]
    for provider, prefix, users in (("Trygg Omsorg", "TO", 6), ("Omsorg Väst AB", "OV", 5)):
        for u in range(users):
            for month, hours in (("2018-10", 18.5), ("2018-11", 9)):
                allocated.append(f"{provider};Enhet 1;{prefix}-T{u + 1:02d};{month};{str(hours).replace('.', ',')};"
                                 f"{str(hours + 2).replace('.', ',')}")
    with open(os.path.join(folder, "allocated.csv"), "w", encoding="utf-8", newline="") as out:
        out.write("\n".join(allocated) + "\n")
    register = [
        "provider,name,provider_type,district,capacity_hours,valid_from,valid_to,merged_into,renamed_to",
        "Trygg Omsorg,Trygg Omsorg i Göteborg AB,privat,Centrum,95,2017-01-01,,,",
        "Omsorg Väst AB,Omsorg Väst AB,privat,Västra Göteborg,\"88,0\",2017-01-01,,,",
        "Hemtjänst Norr,Hemtjänst Norr,kommunal,Norra Hisingen,5000,2010-01-01,,,",
    ]
    with open(os.path.join(folder, "providers.csv"), "w", encoding="utf-8", newline="") as out:
        out.write("\n".join(register) + "\n")


def compile_sample():
    """sample-data/forms/: a hand-made Kolada form in Swedish Excel CSV, and sample-data/providers.csv: the
    register compile joins the forms with (types, districts, a rename, a merge, a closed unit, a provider that
    sends no form). The other forms compile reads are the ones measure writes (sample-data/expected/measure)."""
    folder = os.path.join(ROOT, "..", "forms")
    os.makedirs(folder, exist_ok=True)
    staff = [9, 11, 14, 16, 12, 22, 8, 15, 13, 17, 19, 10]
    units = ["Söder 1", "Söder 1", "Söder 1", "Söder 2", "Söder 2", "Söder 3", "Söder 3", "Söder 4", "Söder 4",
             "Söder 5", "Söder 5", "Söder 5"]
    lines = ["Utförare;Enhet;Löpnummer;Antal personal;Stadsdel"]
    lines += [f"Hemtjänst Söder;{u};{n + 1};{k};Södra Göteborg" for n, (u, k) in enumerate(zip(units, staff))]
    with open(os.path.join(folder, "hemtjanst-soder.csv"), "w", encoding="cp1252", newline="") as out:
        out.write("\r\n".join(lines) + "\r\n")
    register = [
        "provider,name,provider_type,district,capacity_hours,valid_from,valid_to,merged_into,renamed_to",
        "Hemtjänst Norr,Hemtjänst Norr,kommunal,Norra Hisingen,5000,2010-01-01,,,",
        "Hemtjänst Söder,Hemtjänst Söder,kommunal,Södra Göteborg,4000,2010-01-01,,,",
        "Omsorg Väst AB,Omsorg Väst AB,privat,Västra Göteborg,900,2017-01-01,,,",
        "Trygg Omsorg,Trygg Omsorg i Göteborg AB,privat,Centrum,700,2017-01-01,,,",
        "Omsorg Öst AB,Omsorg Öst AB,privat,Östra Göteborg,500,2016-01-01,,,",
        "Söder 1,Söder 1,,Södra Göteborg,,2010-01-01,2018-09-09,,Söder Ett",
        "Söder Ett,Söder Ett,,Södra Göteborg,,2018-09-10,,,",
        "Söder 2,Söder 2,,Södra Göteborg,,2010-01-01,2018-08-31,Söder Nya,",
        "Söder 3,Söder 3,,Södra Göteborg,,2010-01-01,2018-08-31,Söder Nya,",
        "Söder Nya,Söder Nya,,Södra Göteborg,,2018-09-01,,,",
        "Söder 4,Söder 4,,Södra Göteborg,,2010-01-01,2018-09-12,,",
        "Söder 5,Söder 5,,Södra Göteborg,,2010-01-01,2018-12-31,,Söder Fem",
    ]
    with open(os.path.join(ROOT, "..", "providers.csv"), "w", encoding="utf-8", newline="") as out:
        out.write("\n".join(register) + "\n")


if __name__ == "__main__":
    main()
    time_sample()
    compile_sample()
