//! The shape of a spec file as data, and a walker that checks a YAML tree
//! against it, reporting every problem at the offending key's or value's
//! own line and column, in the spec's own words.
//!
//! [`METHOD_FILE`] and [`COMMON_FILE`] describe the same keys as the serde
//! types of [`crate::spec`]; a test deserializes documents built from this
//! description into those types, so the two cannot drift apart. Being plain
//! data, the description is also turned into the JSON Schema editors use
//! ([`schema`]).

pub mod schema;
mod walk;

pub use walk::{Problem, check};

/// What a key's value must be.
#[derive(Debug)]
pub enum Kind {
    /// Any scalar, read as text (an unquoted `12` is the text "12").
    Text,
    /// `true` or `false`, unquoted.
    Bool,
    /// A whole number, unquoted, from 0 to `u32::MAX`.
    Count,
    /// `true`, `false` or `conditional`.
    Required,
    /// One of these words.
    Word(&'static [&'static str]),
    /// Any YAML value; its meaning is checked later, against the field's type.
    Any,
    /// A list of these.
    List(&'static Kind),
    /// A mapping from names to these.
    Map(&'static Kind),
    /// A mapping with these keys.
    Struct(&'static Struct),
}

/// A mapping with fixed keys.
#[derive(Debug)]
pub struct Struct {
    /// What it is, for messages: "a field", "the request".
    pub what: &'static str,
    /// Its keys, in the order `specs/README.md` lists them.
    pub keys: &'static [Key],
}

/// One key of a [`Struct`].
#[derive(Debug)]
pub struct Key {
    /// The key as written.
    pub name: &'static str,
    /// Whether it must be present.
    pub required: bool,
    /// Whether an empty value (`key:` or `key: ~`) is allowed.
    pub empty_ok: bool,
    /// What the value must be.
    pub kind: Kind,
}

impl Struct {
    /// The key named `name`.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

const fn required(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        required: true,
        empty_ok: false,
        kind,
    }
}

/// An optional key that may also be written empty (`Option<T>` in serde).
const fn optional(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        required: false,
        empty_ok: true,
        kind,
    }
}

/// An optional key with a default (a list, a flag): empty is not allowed.
const fn defaulted(name: &'static str, kind: Kind) -> Key {
    Key {
        name,
        required: false,
        empty_ok: false,
        kind,
    }
}

/// `specs/methods/<method>.yaml`: [`crate::spec::MethodFile`].
pub static METHOD_FILE: Struct = Struct {
    what: "a method file",
    keys: &[
        required("method", Kind::Text),
        required("title", Kind::Text),
        required("product", Kind::Text),
        required("summary", Kind::Text),
        optional("description", Kind::Text),
        optional("source", Kind::Text),
        defaulted("notes", Kind::List(&Kind::Text)),
        defaulted("public_params", Kind::List(&Kind::Text)),
        defaulted("call", Kind::Word(&["api", "page", "sdk"])),
        required("request", Kind::Struct(&REQUEST)),
        required("response", Kind::Struct(&RESPONSE)),
        defaulted("types", Kind::Map(&Kind::Struct(&OBJECT))),
        defaulted("errors", Kind::List(&Kind::Struct(&ERROR))),
        defaulted("examples", Kind::List(&Kind::Struct(&EXAMPLE))),
        defaulted(
            "unconfirmed",
            Kind::List(&Kind::Word(&["title", "product", "summary"])),
        ),
    ],
};

/// `specs/common.yaml`: [`crate::spec::CommonFile`].
pub static COMMON_FILE: Struct = Struct {
    what: "common.yaml",
    keys: &[
        required("gateways", Kind::Map(&Kind::Text)),
        required("request_params", Kind::List(&Kind::Struct(&FIELD))),
        required("response_fields", Kind::List(&Kind::Struct(&FIELD))),
        required("gateway_codes", Kind::List(&Kind::Struct(&GATEWAY_CODE))),
        defaulted("types", Kind::Map(&Kind::Struct(&OBJECT))),
    ],
};

/// [`crate::spec::GatewayCodeSpec`].
pub static GATEWAY_CODE: Struct = Struct {
    what: "a gateway code",
    keys: &[
        required("code", Kind::Text),
        required("rust_name", Kind::Text),
        required("msg", Kind::Text),
        required("meaning", Kind::Text),
        optional("action", Kind::Text),
        defaulted("outcome_unknown", Kind::Bool),
        defaulted("sub_codes", Kind::List(&Kind::Struct(&ERROR))),
        optional("source", Kind::Text),
    ],
};

/// [`crate::spec::RequestSpec`].
pub static REQUEST: Struct = Struct {
    what: "the request",
    keys: &[
        required("fields", Kind::List(&Kind::Struct(&FIELD))),
        defaulted("rules", Kind::List(&Kind::Struct(&RULE))),
    ],
};

/// [`crate::spec::ResponseSpec`].
pub static RESPONSE: Struct = Struct {
    what: "the response",
    keys: &[required("fields", Kind::List(&Kind::Struct(&FIELD)))],
};

/// [`crate::spec::ObjectSpec`].
pub static OBJECT: Struct = Struct {
    what: "an object type",
    keys: &[
        required("description", Kind::Text),
        optional("source", Kind::Text),
        required("fields", Kind::List(&Kind::Struct(&FIELD))),
    ],
};

/// [`crate::spec::FieldSpec`].
pub static FIELD: Struct = Struct {
    what: "a field",
    keys: &[
        required("name", Kind::Text),
        required("type", Kind::Text),
        defaulted("required", Kind::Required),
        optional("max_length", Kind::Count),
        optional(
            "length_counting",
            Kind::Word(&["characters", "chinese_as_two"]),
        ),
        optional("minimum", Kind::Any),
        optional("maximum", Kind::Any),
        required("description", Kind::Text),
        optional("example", Kind::Any),
        defaulted("values", Kind::List(&Kind::Struct(&VALUE))),
        optional("enum_name", Kind::Text),
        optional("source", Kind::Text),
        optional("note", Kind::Text),
        defaulted(
            "unconfirmed",
            Kind::List(&Kind::Word(&[
                "type",
                "required",
                "max_length",
                "description",
            ])),
        ),
    ],
};

/// [`crate::spec::ValueSpec`].
pub static VALUE: Struct = Struct {
    what: "an allowed value",
    keys: &[
        required("value", Kind::Text),
        required("meaning", Kind::Text),
        optional("rust_name", Kind::Text),
    ],
};

/// [`crate::spec::RuleSpec`].
pub static RULE: Struct = Struct {
    what: "a rule",
    keys: &[
        optional("at_least_one", Kind::List(&Kind::Text)),
        optional("together", Kind::List(&Kind::Text)),
        optional("precedence", Kind::List(&Kind::Text)),
        required("description", Kind::Text),
        optional("source", Kind::Text),
    ],
};

/// [`crate::spec::ErrorSpec`].
pub static ERROR: Struct = Struct {
    what: "an error code",
    keys: &[
        required("code", Kind::Text),
        optional("message", Kind::Text),
        optional("action", Kind::Text),
        defaulted("outcome_unknown", Kind::Bool),
        optional("rust_name", Kind::Text),
        optional("source", Kind::Text),
    ],
};

/// [`crate::spec::ExampleSpec`].
pub static EXAMPLE: Struct = Struct {
    what: "an example",
    keys: &[
        required("name", Kind::Text),
        required("kind", Kind::Word(&["request", "response"])),
        optional("description", Kind::Text),
        optional("source", Kind::Text),
        optional("note", Kind::Text),
        required("json", Kind::Text),
    ],
};

#[cfg(test)]
mod tests;
