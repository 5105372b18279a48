//! Types that contain themselves (`golden/specs/methods/golden.recursion.yaml`
//! and `Category` in `golden/specs/common.yaml`): the field closing each cycle
//! is boxed in the struct, but built from plain values, read through like any
//! other field, the same JSON on the wire, and validated at every depth.

use alipay_golden::golden_recursion::{
    A, B, Comment, GoldenRecursionRequest, GoldenRecursionResponse, Node, Tag,
};
use alipay_golden::types::Category;
use alipay_runtime::Rule;

/// `a` nests A → B → A → B; `category` nests Category → Category; `tree`
/// nests Node → [Node] → [Node].
fn request(inner_name: &str, parent_name: &str, grandchild_name: &str) -> GoldenRecursionRequest {
    let inner = A::new(inner_name, B::new().label("leaf"));
    let outer = A::new("outer", B::new().a(inner)).tag(Tag::new("t"));
    GoldenRecursionRequest::new(outer)
        .category(Category::new("fruit").parent(Category::new(parent_name)))
        .tree(Node::new("root").children(vec![
            Node::new("kid").children(vec![Node::new(grandchild_name)]),
        ]))
}

#[test]
fn recursive_request_round_trips_through_the_exact_wire_json() {
    let req = request("inner", "food", "grandkid");
    let wire = serde_json::to_string(&req).unwrap();
    assert_eq!(
        wire,
        concat!(
            r#"{"a":{"name":"outer","b":{"a":{"name":"inner","b":{"label":"leaf"}}},"tag":{"value":"t"}},"#,
            r#""category":{"name":"fruit","parent":{"name":"food"}},"#,
            r#""tree":{"name":"root","children":[{"name":"kid","children":[{"name":"grandkid"}]}]}}"#,
        )
    );
    let back: GoldenRecursionRequest = serde_json::from_str(&wire).unwrap();
    assert_eq!(back, req);
    // The boxes are invisible when reading.
    assert_eq!(back.a.b.a.as_ref().unwrap().name, "inner");
    assert_eq!(
        back.a.b.a.as_ref().unwrap().b.label.as_deref(),
        Some("leaf")
    );
    assert_eq!(back.category.unwrap().parent.unwrap().name, "food");
    assert_eq!(req.validate(), Ok(()));
}

#[test]
fn violations_deep_in_recursive_types_carry_their_full_path() {
    let req = request("much-too-long", "groceries", "");
    let found: Vec<(String, Rule)> = req
        .validate()
        .unwrap_err()
        .iter()
        .map(|v| (v.path.clone(), v.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("a.b.a.name".to_owned(), Rule::MaxLength),
            ("category.parent.name".to_owned(), Rule::MaxLength),
            (
                "tree.children[0].children[0].name".to_owned(),
                Rule::Required
            ),
        ]
    );
}

#[test]
fn recursive_response_parses_at_any_depth() {
    let body = r#"{"code":"10000","msg":"Success","thread":{"text":"q","reply":{"text":"a","reply":{"text":"b"}},"replies":[{"text":"c","reply":{}}]}}"#;
    let resp: GoldenRecursionResponse = serde_json::from_str(body).unwrap();
    let thread = resp.thread.as_ref().unwrap();
    let deepest = thread.reply.as_ref().unwrap().reply.as_ref().unwrap();
    assert_eq!(deepest.text.as_deref(), Some("b"));
    assert_eq!(
        thread.replies.as_ref().unwrap()[0].reply.as_deref(),
        Some(&Comment::default())
    );
    assert_eq!(serde_json::to_string(&resp).unwrap(), body);
}
