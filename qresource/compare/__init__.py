"""Quantum against classical: runtimes on named hardware, crossovers, breakeven."""
