"""OneAll sharing: users and their identities on the networks, sharing messages published through the provider
adapters (with tracked short links per publication), and short URLs. No HTTP here: the OneAll adapter
(`api/oneall`) parses its wire format into these values and renders what comes back."""
