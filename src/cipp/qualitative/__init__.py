"""The qualitative strand: codebook, coded segments, inter-coder agreement and themes."""
