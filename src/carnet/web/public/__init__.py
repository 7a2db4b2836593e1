"""The public web app: sign-up, double opt-in, unsubscribe (RFC 8058), preference centre.

Create it with :func:`create_app` and serve it with ``carnet serve``.
"""

from carnet.web.public.app import create_app

__all__ = ["create_app"]
