"""One import framework for every upload of rows (households, bills and payments, warranty items,
12345 orders): reading real files (`reading`), finding the header (`headers`), reading cells
(`cells`, `units`, `addresses`), the one row loop and its report (`rows`, `report`), and the
registry the job and preview pages start imports through (`registry`). Each domain keeps only its
columns and its rules (`<domain>/import_columns.py`)."""
