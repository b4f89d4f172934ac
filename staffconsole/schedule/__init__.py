"""The day's appointments coming in: the model, the CSV and FHIR readers, the importer."""
