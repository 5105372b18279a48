//! The drift report: a maintainer's worklist, or JSON for tools.

use std::fmt::Write;

use serde_json::json;

use super::Drift;

/// The report as a worklist: per method, the fields to add and the nested
/// types to check; then the methods the SDK lacks and the files skipped.
pub fn human(drift: &Drift) -> String {
    let mut out = String::new();
    for m in &drift.methods {
        let _ = writeln!(out, "## {} ({})", m.method, m.classes.join(", "));
        if m.missing.is_empty() && m.types.is_empty() && m.notes.is_empty() {
            out.push_str("  in step with the SDK\n");
        }
        if !m.missing.is_empty() {
            out.push_str("  fields the SDK has and the spec lacks:\n");
            for f in &m.missing {
                let _ = writeln!(out, "    - {}: {}", f.path, f.sdk_type);
            }
        }
        if !m.types.is_empty() {
            out.push_str("  nested types that differ:\n");
            for t in &m.types {
                let _ = writeln!(
                    out,
                    "    - {}: the SDK has {}, the spec {}",
                    t.path, t.sdk_type, t.spec_type
                );
            }
        }
        for note in &m.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        out.push('\n');
    }
    if !drift.not_in_sdk.is_empty() {
        let _ = writeln!(
            out,
            "Not in the SDK (no request class): {}",
            drift.not_in_sdk.join(", ")
        );
    }
    if !drift.skipped.is_empty() {
        out.push_str("Skipped SDK files:\n");
        for s in &drift.skipped {
            let _ = writeln!(out, "  {}:{}: {}", s.file.display(), s.line, s.reason);
        }
    }
    let missing: usize = drift.methods.iter().map(|m| m.missing.len()).sum();
    let types: usize = drift.methods.iter().map(|m| m.types.len()).sum();
    let _ = writeln!(
        out,
        "methods compared: {}; {missing} fields to add, {types} nested types that differ; \
         {} not in the SDK; {} files skipped.",
        drift.methods.len(),
        drift.not_in_sdk.len(),
        drift.skipped.len()
    );
    out
}

/// The report as JSON.
pub fn json(drift: &Drift) -> String {
    let value = json!({
        "methods": drift.methods.iter().map(|m| json!({
            "method": m.method,
            "sdk_classes": m.classes,
            "missing_fields": m.missing.iter().map(|f| json!({
                "path": f.path,
                "sdk_type": f.sdk_type.to_string(),
            })).collect::<Vec<_>>(),
            "nested_types": m.types.iter().map(|t| json!({
                "path": t.path,
                "sdk_type": t.sdk_type.to_string(),
                "spec_type": t.spec_type,
            })).collect::<Vec<_>>(),
            "notes": m.notes,
        })).collect::<Vec<_>>(),
        "not_in_sdk": drift.not_in_sdk,
        "skipped": drift.skipped.iter().map(|s| json!({
            "file": s.file.display().to_string(),
            "line": s.line,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value serializes");
    text.push('\n');
    text
}
