"""qresource: what quantum algorithms for LLM attention would really cost on a fault-tolerant
quantum computer, and how that compares with classical attention."""

__version__ = "0.1.0"
