"""Measured sparsity of real attention heads (``qresource profile``)."""
