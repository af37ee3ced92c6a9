"""Background jobs on huey: one module per task family (snapshots, pingbacks, recovery), each task a thin entrypoint
into core; `table.py` says what runs inline and what is queued; `runtime.py` builds the huey instance from the
settings, registers the tasks bound to the Services, and runs the consumer. Nothing happens at import time."""
