"""HL7 v2 over MLLP: schedule messages in (SIU, ADT), arrivals back out (docs/schedule.md)."""
