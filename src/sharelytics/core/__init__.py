"""The domain core: plain typed functions over storage. Knows nothing of HTTP or either wire format."""
