"""The locker index: every linked customer's whole locker mirrored in our own database."""
