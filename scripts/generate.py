#!/usr/bin/env python3
"""A seeded generator of realistic home-care visit logs of any size (SPEC §3.1, or §3.2 with --performed).

    python3 scripts/generate.py --seed 1 --users 8000 --providers 60 --start 2018-01-01 --days 365 --out FILE
        [--dialect comma|excel] [--performed] [--malformed K] [--personnummer]

Defaults: 8 000 users, 60 providers, the 14 days of ISO weeks 36–37 of 2018. Rows are streamed to the file, so
a city year (~15 million rows) needs little memory. Standard library only.

What it plants, so that every rule is exercised:
- providers of skewed size (a few with 300–600 users, so the 150-user sample applies) and a staff pool each;
- users with 2–7 visits a day (a few days with one), from a regular team of 6–11 plus substitutes, giving about
  13–16 distinct staff per user in 14 days and about one user in six above 20;
- about 5 % double-staffed visits (two rows, one visit id), visits before 07:00 and after 22:00;
- meal delivery, trygghetslarm and home health-care rows, students and trainees (about 2 % of rows);
- hospital stays (several days without visits), users under 65, users served by two providers;
- staff ids written with other case or blanks now and then; some providers without visit ids;
- `--dialect excel`: Swedish headers, `;`, Windows-1252, CRLF, `T` in some timestamps;
- `--performed`: planned start/end and check-out columns, a few missing check-outs;
- `--malformed K`: K broken rows (bad timestamp, empty staff, an unterminated quote as the last row).
"""

import argparse
import datetime
import random

FIRST = ["Anna", "Karl", "Åsa", "Örjan", "Märta", "Gösta", "Ingrid", "Bertil", "Elsa", "Sven", "Ärla", "Maj",
         "Olof", "Birgitta", "Nils", "Greta", "Åke", "Ulla", "Stig", "Ebba", "Harald", "Signe", "Tage", "Vera"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Åberg", "Öberg", "Ekström", "Lindqvist", "Ängström", "Holm", "Berg", "Sjöberg"]
EXCLUDED_CATEGORIES = ["Matleverans", "Trygghetslarm", "Hemsjukvård"]
CATEGORIES = ["Omvårdnad", "Omvårdnad", "Omvårdnad", "Service", "Delegerad HSL", "Städ", "Tvätt", "Inköp"]


def luhn_digit(nine):
    total = 0
    for i, c in enumerate(nine):
        p = int(c) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return (10 - total % 10) % 10


class User:
    __slots__ = ("id", "provider", "unit", "team", "substitutes", "rate", "name", "birth", "gaps", "pool", "vid")


def build(args, rng):
    sizes = [min(8.0, rng.lognormvariate(0, 0.8)) for _ in range(args.providers)]
    scale = args.users / sum(sizes)
    counts = [max(5, int(s * scale)) for s in sizes]
    counts[0] += args.users - sum(counts)
    if counts[0] < 5:
        counts[0] = 5
    providers = []
    for p, count in enumerate(counts):
        name = f"Utförare {p + 1:02d}" if p % 3 else f"Hemtjänst {p + 1:02d}"
        units = [f"{name} enhet {u + 1}" for u in range(max(1, count // 120 + 1))]
        pool = [f"P{p + 1:02d}-S{s:04d}" for s in range(max(12, count // 2 + 15))]
        providers.append((name, units, pool, p % 5 != 4))  # every fifth provider exports no visit ids
    users = []
    number = 0
    for p, count in enumerate(counts):
        name, units, pool, _ = providers[p]
        for _ in range(count):
            number += 1
            u = User()
            u.provider = p
            u.unit = rng.choice(units)
            u.pool = pool
            u.team = rng.sample(pool, min(len(pool), rng.randint(5, 10)))
            u.substitutes = rng.choice([0.03, 0.06, 0.09, 0.13, 0.18, 0.26, 0.36])
            u.rate = rng.choice([2, 2, 3, 3, 4, 4, 5, 6, 7])
            u.name = f"{rng.choice(LAST)}, {rng.choice(FIRST)}"
            age = 65 + int(rng.expovariate(1 / 17)) if rng.random() > 0.04 else rng.randint(40, 64)
            u.birth = datetime.date(args.year_of_birth_reference - age, rng.randint(1, 12), rng.randint(1, 28))
            if args.personnummer:
                nine = f"{u.birth:%y%m%d}{rng.randint(0, 999):03d}"
                u.id = f"{u.birth:%Y%m%d}-{nine[6:]}{luhn_digit(nine)}"
            else:
                u.id = f"B{number:06d}"
            u.gaps = set()
            if rng.random() < 0.06:  # a hospital stay
                first = rng.randrange(args.days)
                u.gaps = set(range(first, first + rng.randint(2, 12)))
            u.vid = 0
            users.append(u)
    # About 1 % of users are also served by a second provider (the same id, measured there separately).
    for u in rng.sample(users, max(1, len(users) // 100)):
        v = User()
        v.id, v.provider = u.id, (u.provider + 1) % len(providers)
        name, units, pool, _ = providers[v.provider]
        v.unit, v.pool, v.team = rng.choice(units), pool, rng.sample(pool, min(len(pool), 3))
        v.substitutes, v.rate, v.name, v.birth, v.gaps, v.vid = 0.1, 2, u.name, u.birth, set(), 0
        users.append(v)
    return providers, users


def free(schedule, staff, span):
    return schedule.get(staff, 0) & span == 0


def pick(rng, u, schedule, span, besides=None):
    """The staff member of a visit: now and then (the user's substitute rate) someone free from the provider's
    pool, otherwise a free member of the user's team, a free substitute when the whole team is busy, and about
    one visit in fifty someone from the team whatever their schedule (a forgotten check-out, a mistyped
    visit: the overlaps time-report flags). The chosen member is booked for `span`."""
    staff = None
    if rng.random() < 0.02:
        staff = rng.choice(u.team)
    else:
        if rng.random() >= u.substitutes:
            first = rng.randrange(len(u.team))
            for k in range(len(u.team)):
                candidate = u.team[(first + k) % len(u.team)]
                if candidate != besides and free(schedule, candidate, span):
                    staff = candidate
                    break
        if staff is None:
            for _ in range(24):
                candidate = rng.choice(u.pool)
                if candidate != besides and free(schedule, candidate, span):
                    staff = candidate
                    break
        if staff is None:
            staff = rng.choice(u.team)
    schedule[staff] = schedule.get(staff, 0) | span
    return staff


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--users", type=int, default=8000)
    ap.add_argument("--providers", type=int, default=60)
    ap.add_argument("--start", default="2018-09-03")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dialect", choices=["comma", "excel"], default="comma")
    ap.add_argument("--performed", action="store_true")
    ap.add_argument("--malformed", type=int, default=0)
    ap.add_argument("--personnummer", action="store_true")
    args = ap.parse_args()
    start = datetime.date.fromisoformat(args.start)
    args.year_of_birth_reference = start.year
    rng = random.Random(args.seed)
    providers, users = build(args, rng)

    excel = args.dialect == "excel"
    sep = ";" if excel else ","
    eol = "\r\n" if excel else "\n"
    header = (["Utförare", "Enhet", "Brukare", "Personal", "Starttid", "Sluttid", "Besök", "Insats", "Roll", "Namn",
               "Födelsedatum"] if excel else
              ["provider", "unit", "user", "staff", "start", "end", "visit", "category", "staff_role", "sort_name",
               "birth_date"])
    if args.performed:
        header += ["Planerad start", "Planerad slut"] if excel else ["planned_start", "planned_end"]
    quote = (lambda s: '"' + s.replace('"', '""') + '"' if (sep in s or '"' in s) else s)
    names = [quote(u.name) for u in users]
    births = [u.birth.isoformat() for u in users]
    provider_names = [p[0] for p in providers]
    with_ids = [p[3] for p in providers]
    slots = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]
    out = open(args.out, "w", encoding="cp1252" if excel else "utf-8", newline="")
    out.write(sep.join(header) + eol)
    buffer = []
    written = 0
    order = list(range(len(users)))
    for day in range(args.days):
        date = start + datetime.timedelta(days=day)
        ds = date.isoformat()
        # Each provider's staff as 5-minute buckets of the day, so that a staff member is given one visit at a
        # time; users are served in a new order each day, so that no user always gets the last free staff.
        busy = [{} for _ in providers]
        rng.shuffle(order)
        of_user = [None] * len(users)  # each user's rows of the day, written in user order below
        for index in order:
            u = users[index]
            if day in u.gaps:
                continue
            schedule = busy[u.provider]
            rows = of_user[index] = []
            n = u.rate + rng.choice((-1, 0, 0, 0, 0, 1))
            if n < 2:
                n = 1 if rng.random() < 0.03 else 2
            n = min(n, 7)
            # Visit times: spread over 07:15–21:15, now and then an extra one before 07:00 or after 22:00.
            minutes = sorted(rng.sample(range(435, 1275, 15), n))
            if rng.random() < 0.03:
                minutes.append(rng.choice((390, 405, 1320, 1335, 1350)))
            for m in minutes:
                m += rng.choice((0, 0, 0, 5, -5, 10))
                span = 0x3F << (m // 5)  # the 30 minutes of the visit (six 5-minute buckets from its start)
                staff = pick(rng, u, schedule, span)
                u.vid += 1
                visit = f"{u.id}-{u.vid}" if with_ids[u.provider] else ""
                category = rng.choice(CATEGORIES)
                role = "Undersköterska"
                r = rng.random()
                if r < 0.012:
                    category = rng.choice(EXCLUDED_CATEGORIES)
                elif r < 0.02:
                    role = rng.choice(["Elev", "Praktikant"])
                if rng.random() < 0.01:
                    staff = " " + staff.lower() + " "
                t = f"{ds}{'T' if excel and r > 0.9 else ' '}{slots[m % 1440]}"
                end = f"{ds} {slots[min(m + 30, 1439)]}"
                row = [provider_names[u.provider], u.unit, u.id, staff, t, end, visit, category, role, names[index],
                       births[index]]
                if args.performed:
                    if rng.random() < 0.01:
                        row[5] = ""
                    row += [f"{ds} {slots[(m // 15 * 15) % 1440]}", f"{ds} {slots[min(m // 15 * 15 + 30, 1439)]}"]
                rows.append(sep.join(row))
                if rng.random() < 0.05:  # double staffing: a second row for the same visit
                    second = list(row)
                    second[3] = pick(rng, u, schedule, span, besides=row[3].strip().upper())
                    rows.append(sep.join(second))
        for rows in of_user:
            if rows:
                buffer += rows
        if len(buffer) > 200_000 or day == args.days - 1:
            out.write(eol.join(buffer) + eol)
            written += len(buffer)
            buffer = []
    for k in range(args.malformed):
        kind = k % 3
        if kind == 0:
            out.write(sep.join([provider_names[0], "x", users[0].id, "S1", f"{start.isoformat()} 25:00"]
                               + [""] * (len(header) - 5)) + eol)
        elif kind == 1:
            out.write(sep.join([provider_names[0], "x", users[0].id, "", f"{start.isoformat()} 09:00"]
                               + [""] * (len(header) - 5)) + eol)
    if args.malformed:
        out.write(sep.join([provider_names[0], '"unterminated', users[0].id, "S1", f"{start.isoformat()} 09:00"]) + eol)
    out.close()


if __name__ == "__main__":
    main()
