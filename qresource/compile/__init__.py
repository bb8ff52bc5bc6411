"""Flattening bloqs to Clifford+T plus measurement, counting circuits, OpenQASM export."""
