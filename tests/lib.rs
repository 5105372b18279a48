//! Tests that span the workspace crates live in this package's test targets.
//! The README's examples are compiled and run as doctests of this crate.
#![doc = include_str!("../README.md")]
