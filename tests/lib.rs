//! This package holds the workspace's integration tests (`integration/`)
//! and their fixtures; it has no library code of its own.
