"""Independent checks: bit-sliced classical simulation and Qiskit Aer statevectors."""
