"""Tables, plots and the default report."""
