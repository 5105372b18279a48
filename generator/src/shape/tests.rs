//! The shape description agrees with the serde types of `spec.rs`: the same
//! keys, the same required ones, and values of each kind that both accept.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::{Map, Value, json};

use super::*;
use crate::spec;

/// A deserializer that only records the field names serde asks for.
struct FieldNames(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

fn serde_fields<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
    let mut names = FieldNames(None);
    let _ = T::deserialize(&mut names);
    names.0.expect("a struct").to_vec()
}

/// A value of `kind` that the serde types accept.
fn sample(kind: &Kind) -> Value {
    match kind {
        Kind::Text | Kind::Any => json!("x"),
        Kind::Bool => json!(true),
        Kind::Count => json!(1),
        Kind::Required => json!("conditional"),
        Kind::Word(words) => json!(words[0]),
        Kind::List(item) => json!([sample(item)]),
        Kind::Map(item) => json!({"k": sample(item)}),
        Kind::Struct(s) => Value::Object(
            s.keys
                .iter()
                .filter(|k| k.required)
                .map(|k| (k.name.to_owned(), sample(&k.kind)))
                .collect::<Map<_, _>>(),
        ),
    }
}

fn agree<T: for<'de> Deserialize<'de> + std::fmt::Debug>(s: &'static Struct) {
    let mut ours: Vec<_> = s.keys.iter().map(|k| k.name).collect();
    let mut theirs = serde_fields::<T>();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "{}: the keys differ", s.what);

    let Value::Object(minimal) = sample(&Kind::Struct(s)) else {
        unreachable!()
    };
    serde_json::from_value::<T>(Value::Object(minimal.clone()))
        .unwrap_or_else(|e| panic!("{}: the required keys alone: {e}", s.what));
    for key in s.keys {
        let mut doc = minimal.clone();
        if key.required {
            doc.remove(key.name);
            let err = serde_json::from_value::<T>(Value::Object(doc)).unwrap_err();
            assert!(
                err.to_string()
                    .contains(&format!("missing field `{}`", key.name)),
                "{}: `{}` is required here but serde says {err}",
                s.what,
                key.name
            );
        } else {
            doc.insert(key.name.to_owned(), sample(&key.kind));
            serde_json::from_value::<T>(Value::Object(doc.clone()))
                .unwrap_or_else(|e| panic!("{}: optional `{}`: {e}", s.what, key.name));
            doc.insert(key.name.to_owned(), Value::Null);
            assert_eq!(
                serde_json::from_value::<T>(Value::Object(doc)).is_ok(),
                key.empty_ok,
                "{}: `{}: ~` acceptance differs",
                s.what,
                key.name
            );
        }
    }
}

#[test]
fn the_shape_matches_the_serde_types() {
    agree::<spec::MethodFile>(&METHOD_FILE);
    agree::<spec::CommonFile>(&COMMON_FILE);
    agree::<spec::GatewayCodeSpec>(&GATEWAY_CODE);
    agree::<spec::RequestSpec>(&REQUEST);
    agree::<spec::ResponseSpec>(&RESPONSE);
    agree::<spec::ObjectSpec>(&OBJECT);
    agree::<spec::FieldSpec>(&FIELD);
    agree::<spec::ValueSpec>(&VALUE);
    agree::<spec::RuleSpec>(&RULE);
    agree::<spec::ErrorSpec>(&ERROR);
    agree::<spec::ExampleSpec>(&EXAMPLE);
}
