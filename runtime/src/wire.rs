//! The serde impls of generated structs, in one place.
//!
//! `#[derive(Deserialize)]` expands every struct into a field enum, its
//! visitor (strings, bytes and integers), a sequence visitor and a map
//! visitor: about five pieces of code per field, all type-checked and
//! borrow-checked in the user's build. At Alipay's scale (thousands of
//! structs) that was the largest share of the generated crate's compile time
//! (BENCHMARKS.md, issue 13). A generated struct instead implements
//! [`Fields`]: one `match` on the wire name, one arm per field, and the
//! visitor, key handling, duplicate check and skipping of unknown keys are
//! here, compiled once. Serialization likewise is one [`entry`] or
//! [`optional_entry`] line per field.
//!
//! The JSON is what the derives produced: unset optional fields are left
//! out, unknown keys are ignored, a key given twice is an error, `null` reads
//! as unset. For generated code only.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A generated struct read field by field from a JSON object.
pub trait Fields: Default {
    /// The struct's name, for error messages.
    const NAME: &'static str;

    /// Reads the value of `key` from `map` into its field (with [`read`]),
    /// or skips it (with [`skip`]) when the struct has no such field.
    ///
    /// # Errors
    ///
    /// The map's error: a value of the wrong type, or a key given twice.
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// `Deserialize` for a [`Fields`] struct: reads a JSON object.
///
/// # Errors
///
/// The deserializer's error: not an object, a field of the wrong type, or a
/// key given twice.
pub fn deserialize<'de, T: Fields, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(ObjectVisitor(PhantomData))
}

/// Reads the next value into `slot`; a key given twice is an error, as with
/// the derive.
///
/// # Errors
///
/// A value of the wrong type, or `slot` already set by an earlier key.
pub fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
    }
    *slot = map.next_value()?;
    Ok(())
}

/// Skips the value of a key the struct does not know: Alipay adds fields.
///
/// # Errors
///
/// The map's error, for a malformed value.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(Key(key)) = map.next_key_seed(KeySeed)? {
            out.field(&key, &mut map)?;
        }
        Ok(out)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Starts serializing a struct as a JSON object.
///
/// # Errors
///
/// The serializer's error.
pub fn begin<S: Serializer>(s: S) -> Result<S::SerializeMap, S::Error> {
    s.serialize_map(None)
}

/// Writes a field that is always present.
///
/// # Errors
///
/// The serializer's error.
pub fn entry<M: SerializeMap, T: Serialize + ?Sized>(
    map: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(key, value)
}

/// Writes an optional field, or nothing when it is unset.
///
/// # Errors
///
/// The serializer's error.
pub fn optional_entry<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => map.serialize_entry(key, v),
        None => Ok(()),
    }
}
