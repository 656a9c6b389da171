from prometheus_client import Counter

ROWS = Counter("rows_count", "Rows exported")
