"""Read, clean and validate the offices' submission workbooks (the intake stage)."""
