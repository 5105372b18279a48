//! Tests that span the workspace crates live in this package's test targets.
