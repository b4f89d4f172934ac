from datetime import datetime, timedelta, timezone

from hardware.escpos import Line, encode
from kiosk.receipt import build_receipt, tell_desk_by

CLINIC_TZ = timezone(timedelta(hours=-5))
NOW = datetime(2026, 11, 22, 10, 20, tzinfo=CLINIC_TZ)


def arrival(time="10:30", arrived_at="2026-11-22T15:20:00+00:00"):  # 10:20 clinic time
    return {
        "id": 3,
        "appointment": 7,
        "display_name": "María José O.",
        "time": time,
        "provider": "Dr. Lee",
        "arrived_at": arrived_at,
        "ticket": 12,
    }


def texts(lines):
    return [line.text for line in lines]


def test_receipt_says_who_when_ticket_and_when_to_speak_up():
    lines = build_receipt(arrival(), "Riverside Clinic", NOW, 15)
    assert all(isinstance(line, Line) for line in lines)
    assert texts(lines) == [
        "Riverside Clinic",
        "",
        "María José O.",
        "Appointment: 10:30 with Dr. Lee",
        "Arrived: 10:20",
        "",
        "Ticket 12",
        "",
        "If you haven't been called by 10:45, please tell the front desk.",
    ]
    assert lines[0].align == "center" and lines[2].bold


def test_late_arrival_counts_from_arrival():
    # Appointment 09:00, arrived 10:20: speak up at 10:35, not 09:15.
    assert "by 10:35," in build_receipt(arrival("09:00"), "C", NOW, 15)[-1].text


def test_tell_desk_by_uses_the_clinic_clock():
    assert tell_desk_by(arrival(), NOW, 30) == datetime(2026, 11, 22, 11, 0)


def test_receipt_encodes_for_the_printer():
    data = encode(build_receipt(arrival(), "Clinic", NOW, 15), profile="epson", width=42)
    assert b"Ticket 12" in data and b"Mar" in data


def test_receipt_in_the_patients_language():
    from kiosk import i18n

    lines = build_receipt(arrival(), "Riverside Clinic", NOW, 15, i18n.load("es").gettext)
    assert texts(lines)[3:] == [
        "Cita: 10:30 con Dr. Lee",
        "Llegada: 10:20",
        "",
        "Número 12",
        "",
        "Si a las 10:45 no le han llamado, por favor avise en recepción.",
    ]
    assert texts(lines)[:3] == ["Riverside Clinic", "", "María José O."]
