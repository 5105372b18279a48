//! Merging what a source states into an existing spec: what the spec lacks
//! is added, what a person marked as undecided is filled in, and every fact
//! that differs is reported, one line each, and left as the spec has it:
//! a person decides. Hand-written additions (rules, notes, allowed values,
//! sources, outcome flags, fields and codes from other sources) are kept.

use std::fmt::Display;

use alipay_codegen::spec::{FieldFact, MethodFact};
use serde_yaml_ng::Value as Yaml;

use super::model::{Draft, FieldDraft};

/// Merges `page` into `spec`; returns the result and the report lines.
/// `label` names the source in the lines (`page`, `openapi`).
pub fn merge(mut spec: Draft, page: &Draft, label: &str) -> (Draft, Vec<String>) {
    let mut m = Merger {
        label,
        lines: Vec::new(),
    };
    for (fact, ours, theirs) in [
        (MethodFact::Title, &mut spec.title, &page.title),
        (MethodFact::Product, &mut spec.product, &page.product),
        (MethodFact::Summary, &mut spec.summary, &page.summary),
    ] {
        let stated = !page.unconfirmed.contains(&fact);
        if spec.unconfirmed.contains(&fact) && stated {
            *ours = theirs.clone();
            spec.unconfirmed.retain(|f| *f != fact);
            m.lines
                .push(format!("{}: confirmed from the {label}", fact.key()));
        } else if stated && ours != theirs {
            m.differs(fact.key(), &show(ours), &show(theirs));
        }
    }
    m.option("description", &mut spec.description, &page.description);
    m.option("source", &mut spec.source, &page.source);

    m.fields("request.fields", &mut spec.request, &page.request);
    m.fields("response.fields", &mut spec.response, &page.response);
    for (name, t) in &page.types {
        match spec.types.get_mut(name) {
            Some(ours) => {
                let path = format!("types.{name}");
                if ours.description != t.description {
                    m.differs(
                        &format!("{path}.description"),
                        &show(&ours.description),
                        &show(&t.description),
                    );
                }
                m.fields(&format!("{path}.fields"), &mut ours.fields, &t.fields);
            }
            None => {
                spec.types.insert(name.clone(), t.clone());
                m.lines
                    .push(format!("types.{name}: added from the {label}"));
            }
        }
    }

    for e in &page.errors {
        match spec.errors.iter().position(|o| o.code == e.code) {
            Some(i) => {
                let ours = &mut spec.errors[i];
                let path = format!("errors[{i}]");
                m.option(&format!("{path}.message"), &mut ours.message, &e.message);
                m.option(&format!("{path}.action"), &mut ours.action, &e.action);
            }
            None => {
                m.lines.push(format!(
                    "errors[{}] {}: added from the {label}",
                    spec.errors.len(),
                    e.code
                ));
                spec.errors.push(e.clone());
            }
        }
    }
    for (i, e) in spec.errors.iter().enumerate() {
        if e.source.is_none() && !page.errors.iter().any(|p| p.code == e.code) {
            m.lines.push(format!(
                "errors[{i}] {}: not in the {label}'s table (kept)",
                e.code
            ));
        }
    }

    for e in &page.examples {
        let same = spec
            .examples
            .iter()
            .position(|o| o.kind == e.kind && o.description == e.description);
        match same {
            Some(i) => {
                let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
                if parse(&spec.examples[i].json) != parse(&e.json) {
                    m.lines.push(format!(
                        "examples[{i}].json: differs from the {label}'s {} (kept)",
                        e.description.as_deref().unwrap_or("example")
                    ));
                }
            }
            None => {
                let mut e = e.clone();
                let base = e.name.clone();
                let mut n = 2;
                while spec.examples.iter().any(|o| o.name == e.name) {
                    e.name = format!("{base}_{n}");
                    n += 1;
                }
                m.lines.push(format!(
                    "examples[{}] {}: added from the {label}",
                    spec.examples.len(),
                    e.name
                ));
                spec.examples.push(e);
            }
        }
    }
    (spec, m.lines)
}

struct Merger<'a> {
    label: &'a str,
    lines: Vec<String>,
}

fn show(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

fn show_yaml(v: &Option<Yaml>) -> String {
    match v {
        None => "(none)".into(),
        Some(Yaml::String(s)) => show(s),
        Some(other) => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn show_opt<T: Display>(v: Option<T>) -> String {
    v.map_or_else(|| "(none)".into(), |v| v.to_string())
}

impl Merger<'_> {
    fn differs(&mut self, path: &str, ours: &str, theirs: &str) {
        self.lines
            .push(format!("{path}: spec {ours}, {} {theirs}", self.label));
    }

    fn added(&mut self, path: &str, value: &str) {
        self.lines
            .push(format!("{path}: added from the {}: {value}", self.label));
    }

    fn option(&mut self, path: &str, ours: &mut Option<String>, theirs: &Option<String>) {
        match (ours.as_ref(), theirs) {
            (None, Some(t)) => {
                self.added(path, &show(t));
                *ours = Some(t.clone());
            }
            (Some(o), Some(t)) if o != t => self.differs(path, &show(o), &show(t)),
            _ => {}
        }
    }

    fn fields(&mut self, path: &str, ours: &mut Vec<FieldDraft>, theirs: &[FieldDraft]) {
        for t in theirs {
            match ours.iter().position(|o| o.name == t.name) {
                Some(i) => self.field(&format!("{path}[{i}]"), &mut ours[i], t),
                None => {
                    self.lines.push(format!(
                        "{path}[{}] {}: added from the {}",
                        ours.len(),
                        t.name,
                        self.label
                    ));
                    ours.push(t.clone());
                }
            }
        }
        for (i, o) in ours.iter().enumerate() {
            if o.source.is_none() && !theirs.iter().any(|t| t.name == o.name) {
                self.lines.push(format!(
                    "{path}[{i}] {}: not in the {}'s table (kept)",
                    o.name, self.label
                ));
            }
        }
    }

    /// Whether the spec leaves `fact` to a person and the source states it:
    /// then the source's value is taken and the mark removed.
    fn take(
        &mut self,
        path: &str,
        ours: &mut FieldDraft,
        theirs: &FieldDraft,
        fact: FieldFact,
    ) -> bool {
        let take = ours.unconfirmed.contains(&fact) && !theirs.unconfirmed.contains(&fact);
        if take {
            ours.unconfirmed.retain(|f| *f != fact);
            self.lines.push(format!(
                "{path}.{}: confirmed from the {}",
                fact.key(),
                self.label
            ));
        }
        take
    }

    fn field(&mut self, path: &str, ours: &mut FieldDraft, theirs: &FieldDraft) {
        let stated = |fact| !theirs.unconfirmed.contains(&fact);
        if self.take(path, ours, theirs, FieldFact::Type) {
            ours.ty = theirs.ty.clone();
        } else if stated(FieldFact::Type) && ours.ty != theirs.ty {
            self.differs(&format!("{path}.type"), &ours.ty, &theirs.ty);
        }
        if self.take(path, ours, theirs, FieldFact::Required) {
            ours.required = theirs.required;
        } else if stated(FieldFact::Required) && ours.required != theirs.required {
            let word = |r| {
                format!("{r:?}")
                    .to_lowercase()
                    .replace("yes", "true")
                    .replace("no", "false")
            };
            self.differs(
                &format!("{path}.required"),
                &word(ours.required),
                &word(theirs.required),
            );
        }
        let max_path = format!("{path}.max_length");
        if self.take(path, ours, theirs, FieldFact::MaxLength) {
            ours.max_length = theirs.max_length;
        } else if stated(FieldFact::MaxLength) && ours.max_length != theirs.max_length {
            let can_hold = matches!(ours.ty.as_str(), "string" | "price");
            match (ours.max_length, theirs.max_length) {
                (None, Some(t)) if can_hold => {
                    self.added(&max_path, &t.to_string());
                    ours.max_length = Some(t);
                }
                (o, t) => self.differs(&max_path, &show_opt(o), &show_opt(t)),
            }
        }
        if self.take(path, ours, theirs, FieldFact::Description) {
            ours.description = theirs.description.clone();
        } else if stated(FieldFact::Description) && ours.description != theirs.description {
            self.differs(
                &format!("{path}.description"),
                &show(&ours.description),
                &show(&theirs.description),
            );
        }
        for (key, o, t) in [
            ("example", &mut ours.example, &theirs.example),
            ("minimum", &mut ours.minimum, &theirs.minimum),
            ("maximum", &mut ours.maximum, &theirs.maximum),
        ] {
            match (o.as_ref(), t) {
                (None, Some(_)) => {
                    self.added(&format!("{path}.{key}"), &show_yaml(t));
                    *o = t.clone();
                }
                (Some(_), Some(_)) if o != t => {
                    let shown = show_yaml(o);
                    self.differs(&format!("{path}.{key}"), &shown, &show_yaml(t));
                }
                _ => {}
            }
        }
    }
}
