"""The awe.sm Stats API: range, intervals, totals, active, single links and batches, answered from rollups."""
