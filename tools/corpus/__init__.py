"""The generated development corpus: sources, grammar, gold matching, plans and the two engines."""
