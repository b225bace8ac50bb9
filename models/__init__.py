"""SQLModel tables, API schemas and the shared codes. No web framework imports."""
