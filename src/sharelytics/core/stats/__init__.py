"""Stats: clicks, shares and conversions over time, filtered, grouped and pivoted, answered from rollups."""
