"""京津沧 technology-transfer matching service."""

__version__ = "0.1.0"
