"""Demo data: the register generator and the CSV files it writes (`python -m demo.data`)."""
