"""`sharelytics demo`: the whole service on SQLite with the sandbox networks and a simulated week of activity."""
