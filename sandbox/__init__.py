"""A faithful emulator of 7digital's API, account, media and stream hosts, with demo data.

Standalone: stdlib + oauthlib only. Start it with `python -m sandbox serve`; see README.md.
"""
