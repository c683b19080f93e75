"""Social presence auditor: finds dead, broadcast-only and incomplete social media accounts."""

__version__ = "0.1.0"
