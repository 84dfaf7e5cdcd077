"""Issue 7: faults, abuse, properties, several processes, secret hygiene (see RELIABILITY.md)."""
