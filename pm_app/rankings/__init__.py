"""Red/black rankings (红黑榜) of property firms: periods, indicators, deductions, appeals, publication."""
