//! What the tests that follow the specs share: the two spec sets of the
//! workspace (`specs/`, generating `alipay-api`, and the golden fixture,
//! generating `alipay-golden`), loaded with the generator library, and the
//! check that a generated crate's `for_each_method` registry holds exactly
//! the methods its specs define.
//!
//! A test drives its checks with a [`MethodVisitor`]: the registry hands it
//! each method's request type, and it looks the method's spec up by
//! `R::METHOD`. No test names a method or counts them, so a new spec is
//! checked by every such test as soon as it is generated.

#![allow(dead_code)] // each test target uses its own part of this

use std::path::{Path, PathBuf};

use alipay_codegen::ir::{Api, Method};
use alipay_codegen::spec::ExampleKind;
use alipay_runtime::{AlipayRequest, MethodVisitor};
use serde_json::Value;

/// One spec root and what the checks found in it.
pub struct SpecSet {
    /// Where it is, for messages.
    pub root: PathBuf,
    /// The checked specs.
    pub api: Api,
}

/// Loads and checks a spec root; a spec problem fails the test with the
/// generator's own diagnostics.
pub fn load(root: PathBuf) -> SpecSet {
    let sources = alipay_codegen::load::read_sources(&root).unwrap_or_else(|e| panic!("{e}"));
    let api = alipay_codegen::check_sources(&sources).unwrap_or_else(|e| panic!("{e}"));
    SpecSet { root, api }
}

/// `specs/`, which generates `alipay-api`.
pub fn workspace() -> SpecSet {
    load(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"))
}

/// `tests/golden/specs`, which generates `alipay-golden`.
pub fn golden() -> SpecSet {
    load(Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/specs"))
}

impl SpecSet {
    /// The spec of a method the registry visited. A method the specs do not
    /// define means the generated crate is stale.
    pub fn method(&self, name: &str) -> &Method {
        self.api
            .methods
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "the generated crate has `{name}`, but {} defines no such method: run `cargo regen`",
                    self.root.display()
                )
            })
    }

    /// Fails unless `visited` (what a registry visited, in order) is exactly
    /// the spec set's methods, in name order.
    pub fn assert_covers(&self, visited: &[&str]) {
        let specs: Vec<&str> = self.api.methods.iter().map(|m| m.name.as_str()).collect();
        for name in &specs {
            assert!(
                visited.contains(name),
                "{} defines `{name}`, but the generated crate's for_each_method does not visit it: run `cargo regen`",
                self.root.display()
            );
        }
        for name in visited {
            self.method(name);
        }
        assert_eq!(visited, specs, "visited once each, in name order");
    }
}

/// The request examples of a method, parsed.
pub fn request_examples(m: &Method) -> Vec<(&str, Value)> {
    m.examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Request)
        .map(|e| {
            let json = serde_json::from_str(&e.json)
                .unwrap_or_else(|err| panic!("{} example {}: {err}", m.name, e.name));
            (e.name.as_str(), json)
        })
        .collect()
}

/// The response node of a response example: `<method>_response`, or
/// `error_response` for a gateway-level refusal.
pub fn response_node<'a>(method: &str, body: &'a Value) -> &'a Value {
    let key = format!("{}_response", method.replace('.', "_"));
    body.get(&key)
        .or_else(|| body.get("error_response"))
        .expect("the envelope holds the response node")
}

/// Collects the method names a registry visits.
#[derive(Default)]
pub struct Names(pub Vec<&'static str>);

impl MethodVisitor for Names {
    fn visit<R>(&mut self)
    where
        R: AlipayRequest + serde::de::DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
        R::Response: serde::Serialize + std::fmt::Debug + Send + 'static,
    {
        self.0.push(R::METHOD);
    }
}
