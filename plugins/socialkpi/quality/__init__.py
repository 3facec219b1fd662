"""Great Expectations at the boundaries: every raw batch before it is published, every mart build."""
