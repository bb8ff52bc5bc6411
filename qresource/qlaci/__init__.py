"""QLACI (quantum log-attention via conditional interaction): parameters, error budget,
shot budget, estimates, the classical reference model and simulation."""
