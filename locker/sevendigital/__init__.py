"""The 7digital client: `client` (HTTP, errors), `parse` (JSON/XML), `signing`, `types`, `errors`.

Nothing here imports Django at module level; `client.ClientConfig.from_settings()` and
`client.default_client()` read the settings when called.
"""
