"""Sessions as iCalendar (RFC 5545), for the phone's calendar: one session from its
page, or the coming sessions a user sees, with a reminder the day before.

Built with the ``icalendar`` package (line folding by UTF-8 octets and escaping of
``,`` ``;`` in Vietnamese titles are its job). Times are written in UTC, which every
calendar shows in its own time zone (Việt Nam has no daylight saving time); a session
without a start time is an all-day event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import Session

PRODID = "-//Tuyen giao//Hoc tap, quan triet//VI"
DEFAULT_HOURS = 2  # a session with a start and no end lasts this long in the calendar


def _event(session: Session, url: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{session.code}@tuyengiao")
    event.add("dtstamp", stamp)
    event.add("summary", session.title or session.campaign.title)
    if session.start_time is None:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + dt.timedelta(days=1))
    else:
        start = timezone.make_aware(dt.datetime.combine(session.date, session.start_time))
        end = (
            timezone.make_aware(dt.datetime.combine(session.date, session.end_time))
            if session.end_time is not None and session.end_time > session.start_time
            else start + dt.timedelta(hours=DEFAULT_HOURS)
        )
        event.add("dtstart", start.astimezone(dt.UTC))
        event.add("dtend", end.astimezone(dt.UTC))
    if session.place:
        event.add("location", session.place)
    lines = [
        f"Đợt học tập: {session.campaign.title}",
        f"Đơn vị tổ chức: {session.host.name}",
        f"Hình thức: {session.get_format_display()}",
    ]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Ngày mai: {session.title or session.campaign.title}")
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)
    return event


def calendar_of(sessions: Iterable[Session], url_of: dict[str, str], name: str) -> bytes:
    """The calendar of ``sessions`` (each with ``campaign`` and ``host`` loaded);
    ``url_of`` maps a session's code to its page's full address."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for session in sessions:
        calendar.add_component(_event(session, url_of[session.code], stamp))
    return bytes(calendar.to_ical())
