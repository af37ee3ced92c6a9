"""Dashboard accounts: named users of one project, with argon2id password hashes."""
