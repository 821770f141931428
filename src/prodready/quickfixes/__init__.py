"""Building and applying fixes: import handling, shared fix shapes, conflict-free application."""
