#!/usr/bin/env python3
"""An independent, deliberately plain reimplementation of `kontinuitet measure` (docs/method.md), for checking.

It shares no code with the Swift implementation: Python's csv module, zoneinfo for Europe/Stockholm, and
dictionaries of sets. It is slow and obvious on purpose. Standard library only.

    python3 scripts/reference_measure.py --visits F [F ...] [--period-start D] [--sample every-kth|all]
        [--sample-cap 150] --out DIR

writes DIR/users.csv and DIR/providers.csv with the columns of SPEC §4, user ids as read (like --keep-ids),
users sorted by provider then user id. Compare with `scripts/compare-measure A B`.
"""

import argparse
import csv
import datetime
import io
import math
import os
import re
import zoneinfo

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
ALIASES = {
    "provider": ["provider", "utförare", "utforare"],
    "unit": ["unit", "enhet"],
    "user": ["user", "brukare", "kund", "user_id", "brukar_id"],
    "staff": ["staff", "personal", "medarbetare", "staff_id", "personal_id"],
    "start": ["start", "starttid", "incheckning", "check_in", "utförd start", "incheckad"],
    "visit": ["visit", "besök", "besok", "visit_id", "besöks_id"],
    "category": ["category", "insats", "kategori"],
    "staff_role": ["staff_role", "roll", "role"],
    "sort_name": ["sort_name", "namn", "name", "sorteringsnamn"],
    "birth_date": ["birth_date", "födelsedatum", "fodelsedatum"],
}


def key(header):
    text = header.strip().lower()
    for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        text = text.replace(a, b)
    return re.sub(r"[ _\-.\t\u00a0]", "", text)


def read_table(path):
    """The column positions (by alias) and a reader of the data rows of one CSV file: BOM dropped, each line decoded
    as UTF-8 when valid, else Windows-1252 (as the tool does field by field), leading blank lines skipped, the
    delimiter from an Excel `sep=` line or the header's most frequent of TAB, `;`, `,`."""
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = "\n".join(decode(line) for line in raw.split(b"\n"))
    body = text.split("\n")
    while body and body[0].strip() == "":
        body.pop(0)
    delimiter = None
    if body and body[0].strip().startswith("sep=") and len(body[0].strip()) == 5:
        delimiter = body.pop(0).strip()[4]
    if delimiter is None:
        counts = {d: body[0].count(d) for d in ("\t", ";", ",")}
        delimiter = max(("\t", ";", ","), key=lambda d: (counts[d], -("\t", ";", ",").index(d)))
        if counts[delimiter] == 0:
            delimiter = ","
    reader = csv.reader(io.StringIO("\n".join(body)), delimiter=delimiter)
    header = next(reader)
    index = {}
    for name, aliases in ALIASES.items():
        keys = {key(a) for a in aliases}
        for i, cell in enumerate(header):
            if key(cell) in keys:
                index[name] = i
    return index, reader


def read_rows(path):
    index, reader = read_table(path)
    for row in reader:
        yield {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}, row


def decode(line):
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def unit_rank(t, first):
    """SPEC §2 rule 10, the unit "as it is at the end of the period": the unit of the row with the latest start
    before the period ends or, with none, of the earliest row after; the row of highest rank (ties: the last)."""
    end = datetime.datetime.combine(first + datetime.timedelta(days=14), datetime.time())
    return (1, t - end) if t < end else (0, end - t)


def parse_time(text):
    text = text.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d\d)[-/](\d\d)[T ]+(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?\s*"
                     r"(Z|z|[+-]\d\d(?::?\d\d)?)?", text)
    if not m:
        return None
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    try:
        value = datetime.datetime(y, mo, d, h, mi)
    except ValueError:
        return None
    zone = m.group(7)
    if zone:
        if zone in ("Z", "z"):
            offset = datetime.timedelta(0)
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value = (value - offset).replace(tzinfo=datetime.timezone.utc).astimezone(STOCKHOLM).replace(tzinfo=None)
    return value


def parse_date(text):
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"):
        try:
            if len(text) in (8, 10):
                return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def luhn(digits):
    total = 0
    for i, d in enumerate(digits[:9]):
        p = d * 2 if i % 2 == 0 else d
        total += p // 10 + p % 10
    return (10 - total % 10) % 10 == digits[9]


def birth_from_personnummer(text, reference):
    text = text.strip()
    m = re.fullmatch(r"(\d{8})-?(\d{4})", text) or re.fullmatch(r"(\d{6})([-+]?)(\d{4})", text)
    if not m:
        return None
    if len(m.group(1)) == 8:
        y, mo, d = int(text[:4]), int(text[4:6]), int(text[6:8])
    else:
        sep = m.group(2)
        if sep == "" and not luhn([int(c) for c in m.group(1) + m.group(3)]):
            return None
        yy = int(text[:2])
        y = reference.year // 100 * 100 + yy
        if y > reference.year:
            y -= 100
        if sep == "+":
            y -= 100
        mo, d = int(text[2:4]), int(text[4:6])
    if d > 60:
        d -= 60
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        return None


def excluded_category(text):
    t = text.lower()
    return any(w in t for w in ("matleverans", "matdistribution", "larm", "meal", "alarm", "hemsjukvård",
                                "hemsjukvard", "home health"))


def excluded_role(text):
    t = text.lower()
    if any(w in t for w in ("praktikant", "hemsjukvård", "hemsjukvard", "home health")):
        return True
    return any(w in ("elev", "elever", "student", "trainee") for w in re.split(r"[^a-zåäöéü]+", t))


SWEDISH = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e", "ü": "y", "à": "a", "á": "a"}


def swedish_key(text):
    return "".join(SWEDISH.get(c, c) for c in text.lower())


def fold_staff(text):
    """Staff ids compare case-insensitively by Unicode's lower-case mapping: Ł and ł, Å and å are one letter
    (docs/method.md, "Reading the files")."""
    return text.lower()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", nargs="+", required=True)
    parser.add_argument("--period-start")
    parser.add_argument("--sample", default="every-kth", choices=["every-kth", "all"])
    parser.add_argument("--sample-cap", type=int, default=150)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    rows = []
    for path in args.visits:
        for fields, _ in read_rows(path):
            if all(v == "" for v in fields.values()):
                continue
            rows.append(fields)
    if args.period_start:
        first = datetime.date.fromisoformat(args.period_start)
    else:
        years = {}
        for r in rows:
            t = parse_time(r.get("start", ""))
            if t:
                years[t.year] = years.get(t.year, 0) + 1
        year = max(years, key=lambda y: (years[y], -y))
        first = datetime.date.fromisocalendar(year, 36, 1)
    days = [first + datetime.timedelta(days=i) for i in range(14)]

    users = {}  # (provider, user) -> state, in order of first appearance
    for r in rows:
        provider, user, staff, start = r.get("provider", ""), r.get("user", ""), r.get("staff", ""), r.get("start", "")
        if not provider or not user or not staff or not start:
            continue
        t = parse_time(start)
        if t is None:
            continue
        birth = None
        if r.get("birth_date"):
            birth = parse_date(r["birth_date"])
            if birth is None:
                continue
        u = users.setdefault((provider, user), dict(in_period=False, unit="", unit_rank=None, name=None,
                                                   birth=None, visits={}, staff=set()))
        rank = unit_rank(t, first)
        if "unit" in r and (u["unit_rank"] is None or rank >= u["unit_rank"]):
            u["unit"], u["unit_rank"] = r["unit"], rank
        if u["name"] is None and r.get("sort_name"):
            u["name"] = r["sort_name"]
        if u["birth"] is None and birth:
            u["birth"] = birth
        if t.date() not in days:
            continue
        u["in_period"] = True
        if excluded_category(r.get("category", "")) or excluded_role(r.get("staff_role", "")):
            continue
        if not (7 <= t.hour < 22):
            continue
        visit = r.get("visit") or t.strftime("%H:%M")
        u["visits"].setdefault(t.date(), set()).add(("id:" if r.get("visit") else "min:") + visit)
        u["staff"].add(fold_staff(staff))

    results = []
    for (provider, user), u in users.items():
        birth = u["birth"] or birth_from_personnummer(user, first)
        daily = [len(u["visits"].get(d, ())) for d in days]
        if not u["in_period"]:
            reason = "no_visits_in_period"
        elif birth and (first.year - birth.year - ((first.month, first.day) < (birth.month, birth.day))) < 65:
            reason = "under_65"
        elif min(daily) < 2:
            reason = "too_few_daily_visits"
        else:
            reason = ""
        results.append(dict(provider=provider, unit=u["unit"], user=user, reason=reason,
                            days=sum(1 for n in daily if n > 0), visits=sum(daily), staff=len(u["staff"]),
                            name=u["name"], sampled=False))

    providers = sorted({r["provider"] for r in results}, key=lambda p: p.encode())
    summary = []
    for p in providers:
        measured = [r for r in results if r["provider"] == p and r["reason"] == ""]
        if args.sample == "all" or len(measured) <= args.sample_cap:
            sampled = measured
        else:
            k = math.ceil(len(measured) / args.sample_cap)
            ordered = sorted(measured, key=lambda r: (swedish_key(r["name"] or r["user"]), r["user"].encode()))
            sampled = ordered[::k]
        for r in sampled:
            r["sampled"] = True
        values = sorted(r["staff"] for r in sampled)
        if values:
            n = len(values)
            median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
            summary.append([p, len(measured), n, "%.2f" % (sum(values) / n),
                            str(int(median)) if median == int(median) else "%.1f" % median,
                            values[0], values[-1], "%.3f" % (sum(1 for v in values if v > 20) / n)])
        else:
            summary.append([p, len(measured), 0, "", "", "", "", ""])

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "users.csv"), "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["provider", "unit", "user", "measured", "reason", "days_with_visits", "visits",
                    "distinct_staff", "sampled"])
        for r in sorted(results, key=lambda r: (r["provider"].encode(), r["user"].encode())):
            w.writerow([r["provider"], r["unit"], r["user"], "true" if not r["reason"] else "false", r["reason"],
                        r["days"], r["visits"], r["staff"], "true" if r["sampled"] else "false"])
    with open(os.path.join(args.out, "providers.csv"), "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["provider", "measured_users", "sampled_users", "mean_staff", "median_staff", "min_staff",
                    "max_staff", "share_over_20"])
        w.writerows(summary)


if __name__ == "__main__":
    main()
