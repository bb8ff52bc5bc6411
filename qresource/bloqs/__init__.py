"""Qualtran bloqs: one primitive per module, each decomposing to Clifford+T plus measurement."""
