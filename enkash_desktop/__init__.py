"""Enkash Desktop: mint an EnKash rewards SSO token and open the portal as the cardholder."""

__version__ = "0.1.0"
APP_NAME = "enkash-desktop"
