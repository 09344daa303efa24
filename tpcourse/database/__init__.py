"""Engine-level hooks: SQLite connection pragmas and row locks that hold on every backend."""
