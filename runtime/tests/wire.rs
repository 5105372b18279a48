//! The hand-emitted serde impls of generated structs (`__private::wire`):
//! the JSON must be what serde's derives produced.

use alipay_runtime::__private::serde::de::MapAccess;
use alipay_runtime::__private::wire::{self, Fields};
use serde::{Serialize, Serializer};

/// What the generator emits for a response with two fields.
#[derive(Debug, Default, PartialEq)]
struct Node {
    trade_no: Option<String>,
    total: Option<i64>,
}

impl Fields for Node {
    const NAME: &'static str = "Node";
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "trade_no" => wire::read(&mut self.trade_no, key, map),
            "total" => wire::read(&mut self.total, key, map),
            _ => wire::skip(map),
        }
    }
}

alipay_runtime::__deserialize!(Node);

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = wire::begin(s)?;
        wire::optional_entry(&mut m, "trade_no", &self.trade_no)?;
        wire::entry(&mut m, "always", &1)?;
        wire::optional_entry(&mut m, "total", &self.total)?;
        m.end()
    }
}

fn parse(json: &str) -> Result<Node, serde_json::Error> {
    serde_json::from_str(json)
}

#[test]
fn reads_known_fields_and_skips_unknown_ones() {
    let node =
        parse(r#"{"extra":{"deep":[1,{"x":null}]},"trade_no":"T1","total":5,"more":"x"}"#).unwrap();
    assert_eq!(
        node,
        Node {
            trade_no: Some("T1".into()),
            total: Some(5)
        }
    );
}

#[test]
fn missing_and_null_fields_are_unset() {
    assert_eq!(parse("{}").unwrap(), Node::default());
    assert_eq!(parse(r#"{"trade_no":null}"#).unwrap(), Node::default());
}

#[test]
fn escaped_keys_are_matched_after_unescaping() {
    let node = parse(r#"{"trade\u005fno":"T2"}"#).unwrap();
    assert_eq!(node.trade_no.as_deref(), Some("T2"));
}

#[test]
fn a_repeated_key_is_an_error_naming_it() {
    let err = parse(r#"{"trade_no":"A","trade_no":"B"}"#).unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `trade_no`"),
        "{err}"
    );
}

#[test]
fn a_wrong_type_or_a_non_object_is_an_error() {
    let err = parse(r#"{"total":"five"}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
    let err = parse("[1,2]").unwrap_err();
    assert!(err.to_string().contains("an object (Node)"), "{err}");
    assert!(parse(r#"{"total":5"#).is_err());
}

#[test]
fn serializes_set_fields_only_in_order() {
    let node = Node {
        trade_no: None,
        total: Some(7),
    };
    assert_eq!(
        serde_json::to_string(&node).unwrap(),
        r#"{"always":1,"total":7}"#
    );
    let node = Node {
        trade_no: Some("T".into()),
        total: None,
    };
    assert_eq!(
        serde_json::to_string(&node).unwrap(),
        r#"{"trade_no":"T","always":1}"#
    );
}
