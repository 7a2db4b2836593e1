"""The workspace's directory of contacts and organisations, with their activity.

Split by concept into mixins that :class:`carnet.Carnet` combines:
``base`` (connections, history), ``organisations``, ``contacts``, ``activity``
(events, orders) and ``filters`` (listing conditions).
"""
