#!/usr/bin/env python3
"""An independent, plain reimplementation of the time sums of `kontinuitet time-report` (docs/time-report.md).

    python3 scripts/reference_time.py PERFORMED.csv [...] > minutes.csv

Prints provider,user,month,performed_minutes for every user-month with performed time: real elapsed minutes
between check-in and check-out (zoneinfo Europe/Stockholm; in the repeated autumn hour a check-out before its
check-in is read as the second occurrence), split at local midnight. Standard library only.
"""
import csv
import datetime
import io
import re
import sys
import zoneinfo

TZ = zoneinfo.ZoneInfo("Europe/Stockholm")
UTC = datetime.timezone.utc
KEYS = {"provider": {"provider", "utforare"}, "user": {"user", "brukare", "kund", "userid"},
        "start": {"start", "starttid", "incheckning", "checkin"}, "end": {"end", "sluttid", "utcheckning", "checkout"},
        "staff": {"staff", "personal", "medarbetare", "staffid"}}


def norm(h):
    h = h.strip().lower()
    for a, b in (("å", "a"), ("ä", "a"), ("ö", "o")):
        h = h.replace(a, b)
    return re.sub(r"[ _\-.]", "", h)


def parse(text):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d{1,2}):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:?\d\d)?", text.strip())
    if not m:
        return None
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    s = int(m.group(6) or 0)
    try:
        naive = datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    zone = m.group(7)
    if zone:
        offset = datetime.timedelta(0) if zone == "Z" else (
            (1 if zone[0] == "+" else -1) * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
        return (naive - offset).replace(tzinfo=UTC), None
    return naive.replace(tzinfo=TZ).astimezone(UTC), naive


def main():
    totals = {}
    for path in sys.argv[1:]:
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        first = text.split("\n", 1)[0]
        delim = max(";,\t", key=first.count)
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        header = [norm(h) for h in rows[0]]
        col = {k: next((i for i, h in enumerate(header) if h in v), None) for k, v in KEYS.items()}
        for row in rows[1:]:
            get = lambda k: row[col[k]].strip() if col[k] is not None and col[k] < len(row) else ""
            if not get("provider") or not get("user") or not get("staff"):
                continue
            start, end = parse(get("start")) if get("start") else None, parse(get("end")) if get("end") else None
            if start is None or end is None:
                continue
            s_utc, s_naive = start
            e_utc, e_naive = end
            if e_utc < s_utc and e_naive is not None:
                e_utc = e_naive.replace(tzinfo=TZ, fold=1).astimezone(UTC)
            if e_utc <= s_utc:
                continue
            cursor = s_utc
            while cursor < e_utc:
                local = cursor.astimezone(TZ)
                midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(0),
                                                     tzinfo=TZ).astimezone(UTC)
                part_end = min(e_utc, midnight)
                key = (get("provider"), get("user"), local.strftime("%Y-%m"))
                totals[key] = totals.get(key, 0) + (part_end - cursor).total_seconds() / 60
                cursor = part_end
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["provider", "user", "month", "performed_minutes"])
    for key in sorted(totals):
        w.writerow(list(key) + ["%.2f" % totals[key]])


if __name__ == "__main__":
    main()
