"""Classical attention: exact and sparse numerics, instances, error bounds and cost models."""
