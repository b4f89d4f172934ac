"""What runs on its own: the watchdog, the live hub the console listens to, the webhook."""
