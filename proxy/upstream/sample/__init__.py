"""The built-in sample site: its pages and files, and the source that serves them (`site`)."""
