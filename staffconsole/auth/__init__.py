"""Who is calling: staff passwords, users and sessions, kiosk tokens, API tokens."""
