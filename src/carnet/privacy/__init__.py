"""Data-subject rights and accountability: retention, access export, erasure, audit, register.

The workspace methods live in :class:`carnet.privacy.facade.PrivacyMixin`.
"""
