"""State every worker and app server must share: rate-limit counters, double-click claims,
allauth's rate limits and the 7digital circuit breaker, in the database (the "state" cache)."""
