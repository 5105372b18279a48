//! The two forms of a diff: a changelog entry for people, JSON for tools.

use std::fmt::Write;

use serde_json::json;

use super::{Change, Class, Counts};

const CLASSES: [Class; 4] = [
    Class::Breaking,
    Class::Stricter,
    Class::Compatible,
    Class::Documentation,
];

/// The report as a changelog entry: one section per method (and `common`),
/// its changes under the four headings, then the counts and what they mean
/// for the version number.
pub fn human(changes: &[Change]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let mut scopes: Vec<&str> = Vec::new();
    for c in changes {
        if !scopes.contains(&c.scope.as_str()) {
            scopes.push(&c.scope);
        }
    }
    for scope in scopes {
        let title = if scope == "common" {
            "common.yaml (gateways, codes, public parameters, shared types)"
        } else {
            scope
        };
        let _ = writeln!(out, "## {title}");
        for class in CLASSES {
            let mine: Vec<&Change> = changes
                .iter()
                .filter(|c| c.scope == scope && c.class == class)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {}:", class.heading());
            for c in mine {
                if c.path.is_empty() {
                    let _ = writeln!(out, "    - {}", c.what);
                } else {
                    let _ = writeln!(out, "    - {}: {}", c.path, c.what);
                }
            }
        }
        out.push('\n');
    }
    let counts = Counts::of(changes);
    let _ = writeln!(out, "{counts}.");
    let verdict = if counts.breaking > 0 {
        "Breaking: the generated crate needs a major version bump."
    } else if counts.stricter + counts.compatible > 0 {
        "Nothing breaking: a minor version bump."
    } else {
        "Documentation only: a patch version bump."
    };
    out.push_str(verdict);
    out.push('\n');
    out
}

/// The report as JSON: `breaking` (whether the exit status is 1), the
/// counts, and every change with its `scope`, `path`, `class` and `change`.
pub fn json(changes: &[Change]) -> String {
    let counts = Counts::of(changes);
    let value = json!({
        "breaking": counts.breaking > 0,
        "counts": {
            "breaking": counts.breaking,
            "stricter": counts.stricter,
            "compatible": counts.compatible,
            "documentation": counts.documentation,
        },
        "changes": changes.iter().map(|c| json!({
            "scope": c.scope,
            "path": c.path,
            "class": c.class.as_str(),
            "change": c.what,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value serializes");
    text.push('\n');
    text
}
