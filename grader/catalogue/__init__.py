"""The course's exercises, one module per lesson (data only: cases and mistakes)."""
