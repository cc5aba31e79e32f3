"""Neural networks built on :class:`autograd.Value` (filled in by the nn issue)."""
