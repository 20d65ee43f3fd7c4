"""corral-batch: run many headless corral tasks from a JSONL file, locally or on Ray."""
