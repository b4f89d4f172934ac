"""What the kiosk and the server share: the vocabulary and the settings loader.

Small and pure: it imports nothing of kiosk, staffconsole or hardware, so both sides
can depend on it without depending on each other.
"""
