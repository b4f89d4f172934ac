"""Which practice-system patient id (HL7 PID-3) is which patient here, and their updates.

Patients here are keyed by name and date of birth (store/appointments); the practice
system keys them by its own id. An ADT^A08/A31 names only that id, so the link is kept
when an SIU books the patient, and used to change the name or date of birth later.
"""

from __future__ import annotations

from staffconsole.rules.names import normalise
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row, write


def link(db: Database, mrn: str, external_id: str) -> None:
    """Remember that PID-3 `mrn` is the patient of appointment `external_id`."""
    with write(db):
        found = first_row(
            db, "SELECT patient_id FROM appointments WHERE external_id = ?", [external_id]
        )
        if found is None:
            return
        db.execute(
            "INSERT INTO hl7_patients (mrn, patient_id) VALUES (?, ?) "
            "ON CONFLICT (mrn) DO UPDATE SET patient_id = excluded.patient_id",
            [mrn, found["patient_id"]],
        )


def update_patient(db: Database, mrn: str, first_name: str, last_name: str, dob: str) -> bool:
    """New demographics for the linked patient: False when `mrn` is not known here.

    An empty `dob` keeps the one known (an ADT may leave PID-7 out).
    """
    with write(db):
        found = first_row(db, "SELECT patient_id FROM hl7_patients WHERE mrn = ?", [mrn])
        if found is None:
            return False
        db.execute(
            "UPDATE patients SET first_name = ?, last_name = ?, dob = CASE WHEN ? = '' "
            "THEN dob ELSE ? END, norm_last = ?, norm_first = ? WHERE id = ?",
            [
                first_name,
                last_name,
                dob,
                dob,
                normalise(last_name),
                normalise(first_name),
                found["patient_id"],
            ],
        )
        return True
