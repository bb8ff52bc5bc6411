"""Logical counts (Qualtran cost keys plus depth keys) and physical estimates."""
