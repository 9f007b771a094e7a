"""Pure domain rules: plain values in, results out. No Flask, FAB, babel or database session."""
