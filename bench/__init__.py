"""``make bench``: measurements against baselines measured in the same run."""
