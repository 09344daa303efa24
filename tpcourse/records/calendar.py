"""Calendar invitations (RFC 5545 iCalendar, through the `icalendar` library): one event for
a live practical session, which mail clients offer to add to the trainee's calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

PRODUCT = "-//tpcourse//Live practical sessions//EN"


def session_invitation(uid: str, starts_at: datetime, minutes: int, summary: str,
                       location: str, description: str, organizer: str, attendee: str,
                       stamp: datetime, sequence: int = 0, cancelled: bool = False) -> bytes:
    """Return the .ics of one session for one attendee (METHOD:REQUEST, or CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer_address = vCalAddress(f"mailto:{organizer}")
    organizer_address.params["cn"] = vText("tpcourse")
    event["organizer"] = organizer_address
    attendee_address = vCalAddress(f"mailto:{attendee}")
    attendee_address.params["role"] = vText("REQ-PARTICIPANT")
    attendee_address.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    return calendar.to_ical()
