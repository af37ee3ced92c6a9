"""Sharing-analytics snapshots: initiate (one pending per message), build (every publication's reactions and
referrals, resumable), read, list, delete, and announce by a signed pingback. No HTTP of the API in here."""
