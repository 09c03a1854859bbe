"""Validates an iCalendar file with an independent parser (the Python `icalendar` package) and
prints what it found as JSON, for the Rust tests to compare with the booking.

    ics_check.py < file.ics

Checks beyond parsing: CRLF line ends, no line longer than 75 octets, VERSION and PRODID,
every VEVENT has UID, DTSTAMP, DTSTART, and DTEND after DTSTART; times with a TZID must have
a matching VTIMEZONE. Exits 1 with a message on the first problem.
"""

import json
import sys
from datetime import datetime, timezone

import icalendar


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def utc(value):
    dt = value.dt
    if not isinstance(dt, datetime):
        fail(f"not a date-time: {value.to_ical()!r}")
    if dt.tzinfo is None:
        fail(f"floating time (no zone): {value.to_ical()!r}")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    raw = sys.stdin.buffer.read()
    if not raw.endswith(b"\r\n"):
        fail("the file does not end with CRLF")
    lines = raw.split(b"\r\n")[:-1]
    for number, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            fail(f"line {number} has a bare line break")
        if len(line) > 75:
            fail(f"line {number} is {len(line)} octets long: {line[:40]!r}…")
    calendar = icalendar.Calendar.from_ical(raw.decode("utf-8"))
    if calendar.name != "VCALENDAR":
        fail("not a VCALENDAR")
    for prop in ("VERSION", "PRODID"):
        if prop not in calendar:
            fail(f"no {prop}")
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    events = []
    for event in calendar.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            if prop not in event:
                fail(f"an event has no {prop}")
        for prop in ("DTSTART", "DTEND"):
            tzid = event[prop].params.get("TZID")
            if tzid is not None and tzid not in zones:
                fail(f"{prop} names TZID {tzid} but there is no such VTIMEZONE")
        start, end = utc(event["DTSTART"]), utc(event["DTEND"])
        if end <= start:
            fail("an event ends before it starts")
        events.append(
            {
                "uid": str(event["UID"]),
                "sequence": int(event.get("SEQUENCE", 0)),
                "status": str(event.get("STATUS", "")),
                "start": start,
                "end": end,
                "summary": str(event.get("SUMMARY", "")),
                "location": str(event.get("LOCATION", "")),
                "description": str(event.get("DESCRIPTION", "")),
                "url": str(event.get("URL", "")),
                "organizer": str(event.get("ORGANIZER", "")),
                "alarms": [
                    str(alarm["TRIGGER"].to_ical(), "ascii") if hasattr(alarm["TRIGGER"], "to_ical") else str(alarm["TRIGGER"])
                    for alarm in event.walk("VALARM")
                ],
            }
        )
    print(
        json.dumps(
            {
                "method": str(calendar.get("METHOD", "")),
                "name": str(calendar.get("X-WR-CALNAME", "")),
                "events": events,
            }
        )
    )


if __name__ == "__main__":
    main()
