"""Links: domains, applications and tools, link creation, update, static links and redirect targets."""
