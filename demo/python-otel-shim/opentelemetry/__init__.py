"""No-op stand-in for the opentelemetry-api package; see ../README.md. Used only when the real one is missing."""
