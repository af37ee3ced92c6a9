"""Projects: the tenant. One awe.sm API key and one OneAll key pair per project."""
