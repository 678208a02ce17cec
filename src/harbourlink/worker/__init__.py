"""Long-running processes at the edge: feed listeners and dispatchers, each committing its own work."""
