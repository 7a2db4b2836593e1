"""carnet's web apps (FastAPI): ``public`` (opt-in, unsubscribe, preference centre)."""
