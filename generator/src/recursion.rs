//! Types that contain themselves, directly (`Category { parent: Category }`)
//! or through other objects (`A { b: B }`, `B { a: A }`).
//!
//! A Rust struct cannot hold itself by value (E0072, "recursive type has
//! infinite size"), so the field that closes a cycle is held in a `Box`, as
//! smithy-rs's `RecursiveShapeBoxer` does. Every object field whose type can
//! reach back to the object holding it is boxed: exactly the fields whose
//! target is in the holder's strongly connected component. That choice
//! depends only on the graph, not on the order fields or types are visited,
//! so the output is stable. Arrays are not edges: a `Vec` already breaks the
//! cycle.
//!
//! A cycle made only of required fields is refused: every value would need
//! another one inside it, so no finite value exists, in Rust or in JSON.

use std::collections::{BTreeSet, VecDeque};

use crate::ir::{ObjectType, Type};
use crate::spec::Required;

/// One field on a cycle: the type that holds it and its wire name.
pub type Edge = (String, String);

/// Marks the recursive fields of one pool of types (the shared ones, or one
/// method's local ones) as boxed; returns the cycles made only of required
/// fields, each once, starting at its smallest edge.
///
/// `shared` says which pool this is: only fields that point into the same
/// pool are followed, as a shared type cannot name a method-local one, so no
/// cycle leaves its pool.
pub fn box_cycles(types: &mut [ObjectType], shared: bool) -> Vec<Vec<Edge>> {
    let graph = Graph { types, shared };
    let mut boxed = Vec::new();
    let mut required_cycles = BTreeSet::new();
    for (t, owner) in types.iter().enumerate() {
        for (f, field) in owner.fields.iter().enumerate() {
            let Some(target) = graph.target(&field.ty) else {
                continue;
            };
            if graph.path(target, t, false).is_some() {
                boxed.push((t, f));
            }
            if field.required == Required::Yes {
                if let Some(back) = graph.path(target, t, true) {
                    let mut cycle = vec![(owner.name.clone(), field.name.clone())];
                    cycle.extend(back);
                    required_cycles.insert(canonical(cycle));
                }
            }
        }
    }
    for (t, f) in boxed {
        types[t].fields[f].boxed = true;
    }
    required_cycles.into_iter().collect()
}

/// The object graph of one pool of types.
struct Graph<'a> {
    types: &'a [ObjectType],
    shared: bool,
}

impl Graph<'_> {
    /// The index of the type a field holds by value, if it is in this pool.
    fn target(&self, ty: &Type) -> Option<usize> {
        match ty {
            Type::Object { name, shared } if *shared == self.shared => {
                self.types.iter().position(|t| &t.name == name)
            }
            _ => None,
        }
    }

    /// The fields of a shortest path from type `from` to type `to`, following
    /// only required fields when `required_only`; `None` if there is none.
    /// Breadth first, in field order, so the path found is always the same.
    fn path(&self, from: usize, to: usize, required_only: bool) -> Option<Vec<Edge>> {
        let mut came_from: Vec<Option<(usize, usize)>> = vec![None; self.types.len()];
        let mut seen = vec![false; self.types.len()];
        let mut queue = VecDeque::from([from]);
        seen[from] = true;
        while let Some(t) = queue.pop_front() {
            if t == to {
                let mut path = Vec::new();
                let mut at = t;
                while let Some((prev, f)) = came_from[at] {
                    let owner = &self.types[prev];
                    path.push((owner.name.clone(), owner.fields[f].name.clone()));
                    at = prev;
                }
                path.reverse();
                return Some(path);
            }
            for (f, field) in self.types[t].fields.iter().enumerate() {
                if required_only && field.required != Required::Yes {
                    continue;
                }
                if let Some(next) = self.target(&field.ty) {
                    if !seen[next] {
                        seen[next] = true;
                        came_from[next] = Some((t, f));
                        queue.push_back(next);
                    }
                }
            }
        }
        None
    }
}

/// The cycle rotated to start at its smallest edge, so that each cycle is
/// reported once whichever of its fields found it.
fn canonical(mut cycle: Vec<Edge>) -> Vec<Edge> {
    let start = cycle
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.cmp(b.1))
        .map_or(0, |(i, _)| i);
    cycle.rotate_left(start);
    cycle
}

/// `A.b → B.a → A`: a cycle as the reader follows it.
pub fn show(cycle: &[Edge]) -> String {
    let mut text: Vec<String> = cycle.iter().map(|(t, f)| format!("`{t}.{f}`")).collect();
    text.push(format!("`{}`", cycle[0].0));
    text.join(" → ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::check::check;
    use crate::ir::{Api, ObjectType};
    use crate::load::{Source, parse};

    const COMMON: &str = r#"
gateways: {production: "https://openapi.alipay.com/gateway.do"}
request_params: []
response_fields:
  - {name: code, type: string, description: c}
  - {name: msg, type: string, description: m}
  - {name: sub_code, type: string, description: s}
  - {name: sub_msg, type: string, description: s}
gateway_codes: []
types:
  Cat:
    description: direct self-reference, plus a list of itself
    fields:
      - {name: parent, type: Cat, description: p}
      - {name: children, type: "Cat[]", description: c}
      - {name: plain, type: Plain, description: p}
  Plain:
    description: on no cycle
    fields:
      - {name: x, type: string, description: x}
  Holder:
    description: holds a recursive type but is not on its cycle
    fields:
      - {name: cat, type: Cat, required: true, description: c}
"#;

    const METHOD: &str = r#"
method: a.b.c
title: t
product: p
summary: s
request:
  fields:
    - {name: a, type: A, required: true, description: a}
    - {name: cat, type: Cat, description: c}
response:
  fields:
    - {name: x, type: X, description: x}
types:
  A:
    description: A -> B -> A, required one way and optional the other
    fields:
      - {name: b, type: B, required: true, description: b}
      - {name: leaf, type: Leaf, description: l}
  B:
    description: back to A, by value and through a list
    fields:
      - {name: a, type: A, description: a}
      - {name: many, type: "A[]", description: m}
      - {name: cat, type: Cat, description: "shared, so never on a local cycle"}
  Leaf:
    description: reached from a cycle, on none
    fields:
      - {name: leaf, type: string, description: l}
  X:
    description: X -> Y -> Z -> X and Y -> X, with an exit to W
    fields:
      - {name: y, type: Y, description: y}
  Y:
    description: y
    fields:
      - {name: z, type: Z, description: z}
      - {name: x, type: X, description: x}
  Z:
    description: z
    fields:
      - {name: x, type: X, description: x}
      - {name: w, type: W, description: w}
  W:
    description: w
    fields:
      - {name: ws, type: "W[]", description: a list of itself only}
"#;

    fn api() -> Api {
        let sources =
            [("common.yaml", COMMON), ("methods/a.b.c.yaml", METHOD)].map(|(relative, text)| {
                Source {
                    relative: relative.to_owned(),
                    display: relative.to_owned(),
                    text: text.to_owned(),
                }
            });
        let (set, problems) = parse(&sources);
        assert!(problems.is_empty(), "{problems}");
        check(&set.unwrap()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn boxed<'a>(types: impl IntoIterator<Item = &'a ObjectType>) -> BTreeSet<String> {
        types
            .into_iter()
            .flat_map(|t| {
                t.fields
                    .iter()
                    .filter(|f| f.boxed)
                    .map(|f| format!("{}.{}", t.name, f.name))
            })
            .collect()
    }

    #[test]
    fn exactly_the_fields_on_a_cycle_are_boxed() {
        let api = api();
        assert_eq!(boxed(&api.types), BTreeSet::from(["Cat.parent".to_owned()]));
        let m = &api.methods[0];
        let expected = ["A.b", "B.a", "X.y", "Y.z", "Y.x", "Z.x"];
        assert_eq!(
            boxed(&m.types),
            expected.iter().map(|s| s.to_string()).collect()
        );
        // The request and response hold the recursive types; they are on no
        // cycle, since no type can name them.
        assert!(boxed([&m.request, &m.response]).is_empty());
    }
}
