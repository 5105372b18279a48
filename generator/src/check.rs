//! Checking raw specs into the IR.
//!
//! Every problem is collected, with its file and field path, before anything
//! is reported: one run of the generator shows everything that needs fixing.

use std::collections::{BTreeMap, BTreeSet};

use alipay_runtime::{DateTime, Money};
use serde_yaml_ng::Value as Yaml;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{
    Api, Bound, Common, Direction, EnumDef, EnumValue, ErrorCodeDef, Example, Field, GatewayCode,
    Method, MethodNames, ObjectType, Rule, RuleKind, Type,
};
use crate::load::{Loaded, SpecSet};
use crate::naming;
use crate::recursion;
use crate::spec::{
    ErrorSpec, ExampleKind, FieldFact, FieldSpec, LengthCounting, MethodFile, ObjectSpec, Required,
    RuleSpec, ValueSpec,
};

const BUILTIN_TYPES: &[&str] = &["string", "price", "integer", "boolean", "datetime"];

/// The fields every response node carries; a method may not redeclare them.
const COMMON_RESPONSE_FIELDS: &[&str] = &["code", "msg", "sub_code", "sub_msg"];

/// Checks a parsed spec set. Returns the IR, or every problem found.
pub fn check(set: &SpecSet) -> Result<Api, Diagnostics> {
    let mut cx = Checker::default();
    let common = cx.common(&set.common);

    let shared_names: BTreeSet<String> = set.common.spec.types.keys().cloned().collect();
    let file = &set.common.display;
    let mut shared_ns = Namespace::default();
    let mut shared_enums = Vec::new();
    let mut types = Vec::new();
    for (name, spec) in &set.common.spec.types {
        let scope = Scope {
            file,
            local: &BTreeSet::new(),
            shared: &shared_names,
        };
        if let Some(t) = cx.object(&scope, name, spec, &format!("types.{name}")) {
            shared_ns.claim(&mut cx, file, &format!("types.{name}"), &t.rust_name);
            types.push(t);
        }
        cx.take_enums(file, &mut shared_ns, &mut shared_enums);
    }
    cx.recursion(file, &mut types, true);

    let mut methods = Vec::new();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for loaded in &set.methods {
        if let Some(m) = cx.method(loaded, &shared_names, &common.request_params) {
            if let Some(other) = modules.insert(m.rust.module.clone(), m.name.clone()) {
                cx.error(Diagnostic::at(
                    &loaded.display,
                    "method",
                    format!(
                        "`{}` and `{other}` would both become the module `{}`",
                        m.name, m.rust.module
                    ),
                ));
            }
            methods.push(m);
        }
    }
    methods.sort_by(|a, b| a.name.cmp(&b.name));

    // An object reachable from a response is parsed, not built: it must be
    // tolerant of anything missing, so it is generated in response style.
    let mut response_shared = BTreeSet::new();
    for m in &mut methods {
        let mut reach = BTreeSet::new();
        collect_objects(&m.response.fields, &m.types, &types, &mut reach);
        for t in &mut m.types {
            if reach.contains(&(false, t.name.clone())) {
                t.direction = Direction::Response;
            }
        }
        response_shared.extend(
            reach
                .into_iter()
                .filter(|(shared, _)| *shared)
                .map(|(_, n)| n),
        );
    }
    for t in &mut types {
        if response_shared.contains(&t.name) {
            t.direction = Direction::Response;
        }
    }
    // Objects a request can contain get validators.
    let mut request_shared = BTreeSet::new();
    for m in &mut methods {
        let mut reach = BTreeSet::new();
        collect_objects(&m.request.fields, &m.types, &types, &mut reach);
        for t in &mut m.types {
            if reach.contains(&(false, t.name.clone())) {
                t.validated = true;
            }
        }
        request_shared.extend(
            reach
                .into_iter()
                .filter(|(shared, _)| *shared)
                .map(|(_, n)| n),
        );
    }
    for t in &mut types {
        t.validated = request_shared.contains(&t.name);
    }
    shared_enums.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));

    // Request-style objects get a setter per optional field beside `new()`.
    let request_objects = methods
        .iter()
        .flat_map(|m| {
            std::iter::once((m.file.as_str(), &m.request))
                .chain(m.types.iter().map(move |t| (m.file.as_str(), t)))
        })
        .chain(types.iter().map(|t| (set.common.relative.as_str(), t)));
    for (file, object) in request_objects.filter(|(_, o)| o.direction == Direction::Request) {
        if let Some(f) = object.fields.iter().find(|f| f.rust_name == "new") {
            cx.error(
                Diagnostic::at(file, &f.path, "a field of a request object is named `new`, which would clash with its constructor `new()`")
                    .help("this is not supported yet; please report the method"),
            );
        }
    }

    cx.problems.into_result(Api {
        common,
        types,
        enums: shared_enums,
        methods,
    })
}

/// Object types reachable from `fields`, as `(shared, name)`.
fn collect_objects(
    fields: &[Field],
    local: &[ObjectType],
    shared: &[ObjectType],
    out: &mut BTreeSet<(bool, String)>,
) {
    for f in fields {
        let mut ty = &f.ty;
        while let Type::Array(inner) = ty {
            ty = inner;
        }
        if let Type::Object {
            name,
            shared: is_shared,
        } = ty
        {
            if out.insert((*is_shared, name.clone())) {
                let pool = if *is_shared { shared } else { local };
                if let Some(t) = pool.iter().find(|t| &t.name == name) {
                    collect_objects(&t.fields, local, shared, out);
                }
            }
        }
    }
}

#[derive(Default)]
struct Checker {
    problems: Diagnostics,
    /// Enums declared by the fields checked since the last `take_enums`.
    pending_enums: Vec<(String, EnumDef)>,
}

/// What type names a field may refer to.
struct Scope<'a> {
    file: &'a str,
    local: &'a BTreeSet<String>,
    shared: &'a BTreeSet<String>,
}

/// The Rust names already used in one module.
#[derive(Default)]
struct Namespace {
    names: BTreeMap<String, String>,
}

impl Namespace {
    /// Records `rust_name` as declared at `path`; reports a collision.
    fn claim(&mut self, cx: &mut Checker, file: &str, path: &str, rust_name: &str) -> bool {
        match self.names.get(rust_name) {
            Some(first) => {
                cx.error(
                    Diagnostic::at(
                        file,
                        path,
                        format!("the Rust name `{rust_name}` is already used by {first}"),
                    )
                    .help(
                        "rename one of them (for enums: set `enum_name`; for values: `rust_name`)",
                    ),
                );
                false
            }
            None => {
                self.names.insert(rust_name.to_owned(), path.to_owned());
                true
            }
        }
    }
}

impl Checker {
    fn error(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }

    /// Boxes the fields that close a cycle of object types; refuses a cycle
    /// of required fields, which no finite value satisfies.
    fn recursion(&mut self, file: &str, types: &mut [ObjectType], shared: bool) {
        for cycle in recursion::box_cycles(types, shared) {
            let (owner, field) = &cycle[0];
            self.error(
                Diagnostic::at(
                    file,
                    format!("types.{owner}.fields[{field}]"),
                    format!(
                        "`{owner}` contains itself through required fields only ({}): no finite value has them all",
                        recursion::show(&cycle)
                    ),
                )
                .help("make one field on the cycle optional (`required: false`); a type may contain itself through an optional field or a list"),
            );
        }
    }

    fn common(&mut self, loaded: &Loaded<crate::spec::CommonFile>) -> Common {
        let file = loaded.display.as_str();
        let spec = &loaded.spec;
        let none = BTreeSet::new();
        let scope = Scope {
            file,
            local: &none,
            shared: &none,
        };
        for (name, url) in &spec.gateways {
            if !url.starts_with("https://") {
                self.error(
                    Diagnostic::at(
                        file,
                        format!("gateways.{name}"),
                        format!("`{url}` is not an https URL"),
                    )
                    .help("gateway URLs must start with https://"),
                );
            }
            if !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') || name.is_empty() {
                self.error(Diagnostic::at(
                    file,
                    format!("gateways.{name}"),
                    "gateway names must be lower-case words joined by `_`",
                ));
            }
        }
        let request_params = self.fields(&scope, &spec.request_params, "request_params", false);
        let response_fields = self.fields(&scope, &spec.response_fields, "response_fields", false);
        self.discard_enums(file, "request_params/response_fields");
        for required in COMMON_RESPONSE_FIELDS {
            if !response_fields.iter().any(|f| f.name == *required) {
                self.error(Diagnostic::at(
                    file,
                    "response_fields",
                    format!("the common response field `{required}` is missing"),
                ));
            }
        }

        let mut codes = Vec::new();
        let mut seen_codes = BTreeSet::new();
        let mut code_ns = Namespace::default();
        let mut sub_ns = Namespace::default();
        let mut seen_subs = BTreeSet::new();
        for (i, g) in spec.gateway_codes.iter().enumerate() {
            let path = format!("gateway_codes[{i}]");
            if g.code.is_empty() || !g.code.chars().all(|c| c.is_ascii_digit()) {
                self.error(Diagnostic::at(
                    file,
                    format!("{path}.code"),
                    format!("`{}` is not a numeric gateway code", g.code),
                ));
            }
            if !seen_codes.insert(g.code.clone()) {
                self.error(Diagnostic::at(
                    file,
                    format!("{path}.code"),
                    format!("gateway code `{}` is listed twice", g.code),
                ));
            }
            self.variant_name(file, &format!("{path}.rust_name"), &g.rust_name);
            code_ns.claim(self, file, &path, &g.rust_name);
            let sub_codes = self.errors(
                file,
                &format!("{path}.sub_codes"),
                &g.sub_codes,
                &mut sub_ns,
                &mut seen_subs,
            );
            codes.push(GatewayCode {
                code: g.code.clone(),
                variant: g.rust_name.clone(),
                msg: g.msg.clone(),
                meaning: g.meaning.clone(),
                action: g.action.clone(),
                outcome_unknown: g.outcome_unknown,
                sub_codes,
                source: g.source.clone(),
            });
        }
        Common {
            file: loaded.relative.clone(),
            gateways: spec
                .gateways
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            request_params,
            response_fields,
            gateway_codes: codes,
        }
    }

    fn method(
        &mut self,
        loaded: &Loaded<MethodFile>,
        shared: &BTreeSet<String>,
        public: &[Field],
    ) -> Option<Method> {
        let file = loaded.display.as_str();
        let spec = &loaded.spec;
        let before = self.problems.0.len();

        if !is_method_name(&spec.method) {
            self.error(
                Diagnostic::at(file, "method", format!("`{}` is not a valid method name", spec.method))
                    .help("method names are lower-case ASCII segments joined by dots, e.g. `alipay.trade.refund`"),
            );
        } else {
            let feature = crate::features::method_feature(&spec.method);
            if crate::features::RESERVED.contains(&feature.as_str()) {
                self.error(
                    Diagnostic::at(file, "method", format!("`{}` would belong to the Cargo feature `{feature}`, a name the generated crate already uses", spec.method))
                        .help(format!("a method's feature is named after its product segment (see `alipay-codegen`'s features module); the names {} are taken, so this method cannot be generated under that name: report it as a generator limitation", crate::features::RESERVED.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))),
                );
            }
        }
        for (i, fact) in spec.unconfirmed.iter().enumerate() {
            let key = fact.key();
            self.error(
                Diagnostic::at(file, format!("unconfirmed[{i}]"), format!("the source did not state the method's `{key}`: a person must decide it"))
                    .help(format!("write the `{key}` (from the method's document, or the product group it belongs to), then remove `{key}` from `unconfirmed`")),
            );
        }
        let expected_file = format!("methods/{}.yaml", spec.method);
        if loaded.relative != expected_file {
            self.error(
                Diagnostic::at(file, "method", format!("the file declares `{}` but is named `{}`", spec.method, loaded.relative))
                    .help(format!("name the file `{expected_file}`, so that each method is found where its name says")),
            );
        }

        let stem = naming::method_type_stem(&spec.method);
        let module = naming::method_module(&spec.method);
        let request_name = format!("{stem}Request");
        let response_name = format!("{stem}Response");
        let error_code = format!("{stem}ErrorCode");
        let mut ns = Namespace::default();
        ns.claim(self, file, "request", &request_name);
        ns.claim(self, file, "response", &response_name);
        ns.claim(self, file, "errors", &error_code);

        let local: BTreeSet<String> = spec.types.keys().cloned().collect();
        for name in &local {
            if shared.contains(name) {
                self.error(
                    Diagnostic::at(
                        file,
                        format!("types.{name}"),
                        format!("the local type `{name}` has the name of a type in common.yaml"),
                    )
                    .help("rename the local type; silently shadowing a shared type is not allowed"),
                );
            }
        }
        let scope = Scope {
            file,
            local: &local,
            shared,
        };
        let mut enums = Vec::new();

        let mut types = Vec::new();
        for (name, t) in &spec.types {
            if let Some(t) = self.object(&scope, name, t, &format!("types.{name}")) {
                ns.claim(self, file, &format!("types.{name}"), &t.rust_name);
                types.push(t);
            }
        }

        self.recursion(file, &mut types, false);

        let request_fields = self.fields(&scope, &spec.request.fields, "request.fields", true);
        let response_fields = self.fields(&scope, &spec.response.fields, "response.fields", false);
        self.take_enums(file, &mut ns, &mut enums);
        enums.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));

        for f in &response_fields {
            if COMMON_RESPONSE_FIELDS.contains(&f.name.as_str()) || f.name == "sign" {
                self.error(
                    Diagnostic::at(
                        file,
                        &f.path,
                        format!("`{}` is a common response field", f.name),
                    )
                    .help("code, msg, sub_code and sub_msg come from common.yaml; remove it here"),
                );
            }
        }

        let rules = self.rules(file, &spec.request.rules, &request_fields);
        self.conditional_fields_have_rules(file, &request_fields, &rules);

        let optional: Vec<&str> = public
            .iter()
            .filter(|f| f.required != Required::Yes)
            .map(|f| f.name.as_str())
            .collect();
        for (i, p) in spec.public_params.iter().enumerate() {
            if !optional.contains(&p.as_str()) {
                let guess = closest(p, &optional)
                    .map(|near| format!("did you mean `{near}`? "))
                    .unwrap_or_default();
                self.error(
                    Diagnostic::at(
                        file,
                        format!("public_params[{i}]"),
                        format!("`{p}` is not an optional public parameter in common.yaml"),
                    )
                    .help(format!(
                        "{guess}list only optional request_params of common.yaml: {}",
                        optional.join(", ")
                    )),
                );
            }
        }

        let mut seen = BTreeSet::new();
        let mut error_ns = Namespace::default();
        let errors = self.errors(file, "errors", &spec.errors, &mut error_ns, &mut seen);
        let examples = self.examples(
            file,
            &spec.method,
            &spec.examples,
            &request_fields,
            &response_fields,
        );

        let description = |kind: &str| format!("{kind} of `{}` ({}).", spec.method, spec.title);
        let method = Method {
            name: spec.method.clone(),
            file: loaded.relative.clone(),
            title: spec.title.clone(),
            product: spec.product.clone(),
            call: spec.call,
            summary: spec.summary.clone(),
            description: spec.description.clone(),
            source: spec.source.clone(),
            notes: spec.notes.clone(),
            public_params: spec.public_params.clone(),
            rust: MethodNames { module, error_code },
            request: ObjectType {
                name: request_name.clone(),
                rust_name: request_name,
                description: description("The request (biz_content)"),
                source: None,
                fields: request_fields,
                direction: Direction::Request,
                validated: true,
            },
            rules,
            response: ObjectType {
                name: response_name.clone(),
                rust_name: response_name,
                description: description("The response"),
                source: None,
                fields: response_fields,
                direction: Direction::Response,
                validated: false,
            },
            types,
            enums,
            errors,
            examples,
        };
        (self.problems.0.len() == before).then_some(method)
    }

    fn object(
        &mut self,
        scope: &Scope<'_>,
        name: &str,
        spec: &ObjectSpec,
        path: &str,
    ) -> Option<ObjectType> {
        if !naming::is_valid_type_ident(name) {
            self.error(
                Diagnostic::at(
                    scope.file,
                    path,
                    format!("`{name}` is not a valid type name"),
                )
                .help("type names are UpperCamelCase ASCII, e.g. `TradeFundBill`"),
            );
            return None;
        }
        let fields = self.fields(scope, &spec.fields, &format!("{path}.fields"), false);
        Some(ObjectType {
            name: name.to_owned(),
            rust_name: name.to_owned(),
            description: spec.description.clone(),
            source: spec.source.clone(),
            fields,
            direction: Direction::Request,
            validated: false,
        })
    }

    fn fields(
        &mut self,
        scope: &Scope<'_>,
        specs: &[FieldSpec],
        path: &str,
        conditional_ok: bool,
    ) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut by_wire: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_rust: BTreeMap<String, &str> = BTreeMap::new();
        for (i, f) in specs.iter().enumerate() {
            let fpath = format!("{path}[{i}]");
            if let Some(first) = by_wire.insert(&f.name, i) {
                self.error(
                    Diagnostic::at(
                        scope.file,
                        format!("{path}[{i}]"),
                        format!("duplicate field `{}` (also {path}[{first}])", f.name),
                    )
                    .help("each field may be listed once"),
                );
                continue;
            }
            if f.name.is_empty()
                || !f
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.error(
                    Diagnostic::at(
                        scope.file,
                        &fpath,
                        format!("`{}` is not a valid field name", f.name),
                    )
                    .help("field names are ASCII letters, digits and `_`, as on the wire"),
                );
                continue;
            }
            let rust_name = naming::field_ident(&f.name);
            if let Some(other) = by_rust.insert(rust_name.clone(), &f.name) {
                self.error(
                    Diagnostic::at(scope.file, &fpath, format!("fields `{other}` and `{}` would both become the Rust field `{rust_name}`", f.name))
                        .help("two wire names that differ only in case or separators cannot both be fields of one struct"),
                );
                continue;
            }
            if f.required == Required::Conditional && !conditional_ok {
                self.error(
                    Diagnostic::at(scope.file, format!("{fpath}.required"), "`required: conditional` is only allowed on request fields")
                        .help("rules exist only for biz_content fields; use `required: false` and explain the condition in `note`"),
                );
            }
            if let Some(field) = self.field(scope, f, &fpath, rust_name) {
                out.push(field);
            }
        }
        out
    }

    fn field(
        &mut self,
        scope: &Scope<'_>,
        f: &FieldSpec,
        path: &str,
        rust_name: String,
    ) -> Option<Field> {
        for (i, fact) in f.unconfirmed.iter().enumerate() {
            self.error(unconfirmed_field(scope.file, path, i, &f.name, *fact));
        }
        let mut ty = match self.resolve_type(scope, &f.ty) {
            Ok(ty) => ty,
            Err(help) => {
                self.error(
                    Diagnostic::at(
                        scope.file,
                        format!("{path}.type"),
                        format!("unknown type `{}`", f.ty),
                    )
                    .help(help),
                );
                return None;
            }
        };
        let base = innermost(&ty).clone();
        if let Some(max) = f.max_length {
            if !matches!(base, Type::String | Type::Price) || matches!(ty, Type::Array(_)) {
                self.error(
                    Diagnostic::at(scope.file, format!("{path}.max_length"), format!("`max_length: {max}` on a field of type `{}`", f.ty))
                        .help("max_length applies to `string` and `price` only; put a limit the document gives for another type in `note`"),
                );
            }
            if max == 0 {
                self.error(Diagnostic::at(
                    scope.file,
                    format!("{path}.max_length"),
                    "`max_length: 0` allows nothing",
                ));
            }
        }
        if f.length_counting.is_some() && f.max_length.is_none() {
            self.error(
                Diagnostic::at(
                    scope.file,
                    format!("{path}.length_counting"),
                    "`length_counting` without `max_length`",
                )
                .help("length_counting says how max_length is counted; give the max_length too"),
            );
        }
        let minimum = self.bound(
            scope.file,
            &format!("{path}.minimum"),
            f.minimum.as_ref(),
            &base,
            &f.ty,
        );
        let maximum = self.bound(
            scope.file,
            &format!("{path}.maximum"),
            f.maximum.as_ref(),
            &base,
            &f.ty,
        );
        if let (Some(Bound::Price(max)), Some(len)) = (maximum, f.max_length) {
            let text = Money::from_fen(max).to_string();
            if text.len() > len as usize {
                self.error(
                    Diagnostic::at(scope.file, format!("{path}.max_length"), format!(
                        "`max_length: {len}` cannot hold the field's own maximum `{text}` ({} characters)", text.len()
                    ))
                    .help("the document contradicts itself; keep the one that holds and put the other in `note`"),
                );
            }
        }
        if let (Some(min), Some(max)) = (minimum, maximum) {
            if min > max {
                self.error(Diagnostic::at(
                    scope.file,
                    format!("{path}.minimum"),
                    "`minimum` is above `maximum`: no value is allowed",
                ));
            }
        }
        let mut allowed = None;
        if !f.values.is_empty() {
            if base != Type::String {
                self.error(
                    Diagnostic::at(
                        scope.file,
                        format!("{path}.values"),
                        format!("`values` on a field of type `{}`", f.ty),
                    )
                    .help("allowed values are for `string` and `string[]` fields"),
                );
            } else if let Some(def) = self.enum_def(scope.file, f, path) {
                allowed = Some(
                    def.values
                        .iter()
                        .map(|v| v.value.clone())
                        .collect::<Vec<_>>(),
                );
                ty = replace_innermost(ty, Type::Enum(def.rust_name.clone()));
                self.pending_enums.push((path.to_owned(), def));
            }
        } else if f.enum_name.is_some() {
            self.error(
                Diagnostic::at(
                    scope.file,
                    format!("{path}.enum_name"),
                    "`enum_name` without `values`",
                )
                .help("remove it, or list the allowed values"),
            );
        }
        let length_counting = f.length_counting.unwrap_or(LengthCounting::Characters);
        let limits = Limits {
            max_length: f.max_length,
            length_counting,
            minimum,
            maximum,
            allowed: allowed.as_deref(),
        };
        let example = f.example.as_ref().and_then(|ex| {
            let problems = example_problems(ex, &ty, &limits);
            for p in &problems {
                self.error(
                    Diagnostic::at(scope.file, format!("{path}.example"), format!("the example breaks the field's own constraints: {p}"))
                        .help("fix the example or the constraint; quote string, price and datetime examples"),
                );
            }
            problems.is_empty().then(|| serde_json::to_value(ex).expect("YAML scalars convert to JSON"))
        });
        Some(Field {
            path: path.to_owned(),
            name: f.name.clone(),
            rust_name,
            ty,
            required: f.required,
            max_length: f.max_length,
            length_counting,
            minimum,
            maximum,
            description: f.description.clone(),
            example,
            source: f.source.clone(),
            note: f.note.clone(),
            boxed: false,
        })
    }

    /// A `minimum` or `maximum`: a quoted amount for prices, a number for
    /// integers, nothing for other types.
    fn bound(
        &mut self,
        file: &str,
        path: &str,
        value: Option<&Yaml>,
        base: &Type,
        ty: &str,
    ) -> Option<Bound> {
        let value = value?;
        let parsed = match (base, value) {
            (Type::Price, Yaml::String(s)) => s
                .parse::<Money>()
                .map(|m| Bound::Price(m.fen()))
                .map_err(|e| e.to_string()),
            (Type::Price, other) => Err(format!(
                "a price bound must be a quoted amount such as \"0.01\", found {}",
                yaml_kind(other)
            )),
            (Type::Integer, Yaml::Number(n)) if n.is_i64() => {
                Ok(Bound::Integer(n.as_i64().expect("checked")))
            }
            (Type::Integer, other) => Err(format!(
                "an integer bound must be a plain integer, found {}",
                yaml_kind(other)
            )),
            _ => Err(format!(
                "bounds apply to `price` and `integer` fields, not `{ty}`"
            )),
        };
        match parsed {
            Ok(b) => Some(b),
            Err(problem) => {
                self.error(
                    Diagnostic::at(file, path, problem)
                        .help("see \"Field keys\" in specs/README.md"),
                );
                None
            }
        }
    }

    fn resolve_type(&self, scope: &Scope<'_>, text: &str) -> Result<Type, String> {
        if let Some(inner) = text.strip_suffix("[]") {
            return self
                .resolve_type(scope, inner)
                .map(|t| Type::Array(Box::new(t)));
        }
        match text {
            "string" => return Ok(Type::String),
            "price" => return Ok(Type::Price),
            "integer" => return Ok(Type::Integer),
            "boolean" => return Ok(Type::Boolean),
            "datetime" => return Ok(Type::DateTime),
            _ => {}
        }
        if scope.local.contains(text) {
            return Ok(Type::Object {
                name: text.to_owned(),
                shared: false,
            });
        }
        if scope.shared.contains(text) {
            return Ok(Type::Object {
                name: text.to_owned(),
                shared: true,
            });
        }
        let known: Vec<&str> = BUILTIN_TYPES
            .iter()
            .copied()
            .chain(scope.local.iter().map(String::as_str))
            .chain(scope.shared.iter().map(String::as_str))
            .collect();
        let mut help = format!(
            "use one of {}, or `T[]` for an array",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(near) = closest(text, &known) {
            help = format!("did you mean `{near}`? {help}");
        }
        Err(help)
    }

    fn enum_def(&mut self, file: &str, f: &FieldSpec, path: &str) -> Option<EnumDef> {
        let rust_name = f
            .enum_name
            .clone()
            .unwrap_or_else(|| naming::type_ident(&f.name));
        if !naming::is_valid_type_ident(&rust_name) {
            self.error(
                Diagnostic::at(
                    file,
                    format!("{path}.enum_name"),
                    format!("`{rust_name}` is not a valid type name"),
                )
                .help("use UpperCamelCase ASCII"),
            );
            return None;
        }
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        let mut variants: BTreeMap<String, String> = BTreeMap::new();
        let mut ok = true;
        for (i, v) in f.values.iter().enumerate() {
            let vpath = format!("{path}.values[{i}]");
            if !seen.insert(v.value.clone()) {
                self.error(Diagnostic::at(
                    file,
                    &vpath,
                    format!("the value `{}` is listed twice", v.value),
                ));
                ok = false;
                continue;
            }
            let Some(variant) = self.value_variant(file, &vpath, v) else {
                ok = false;
                continue;
            };
            if let Some(other) = variants.insert(variant.clone(), v.value.clone()) {
                self.error(
                    Diagnostic::at(
                        file,
                        &vpath,
                        format!(
                            "values `{other}` and `{}` would both become the variant `{variant}`",
                            v.value
                        ),
                    )
                    .help("give one of them a `rust_name`"),
                );
                ok = false;
                continue;
            }
            values.push(EnumValue {
                value: v.value.clone(),
                variant,
                meaning: v.meaning.clone(),
            });
        }
        ok.then(|| EnumDef {
            rust_name,
            declared_at: path.to_owned(),
            field: f.name.clone(),
            description: f.description.clone(),
            values,
        })
    }

    fn value_variant(&mut self, file: &str, path: &str, v: &ValueSpec) -> Option<String> {
        let variant = v
            .rust_name
            .clone()
            .unwrap_or_else(|| naming::type_ident(&v.value));
        self.variant_name(file, &format!("{path}.rust_name"), &variant)
            .then_some(variant)
    }

    /// Checks a variant name; `Unknown` is reserved for the catch-all.
    fn variant_name(&mut self, file: &str, path: &str, variant: &str) -> bool {
        if variant == "Unknown" {
            self.error(
                Diagnostic::at(
                    file,
                    path,
                    "the variant name `Unknown` is reserved for values the spec does not list",
                )
                .help("set `rust_name` to another name, e.g. `UnknownStatus`"),
            );
            false
        } else if !naming::is_valid_type_ident(variant) {
            self.error(
                Diagnostic::at(
                    file,
                    path,
                    format!("`{variant}` is not a valid Rust variant name"),
                )
                .help("set `rust_name` to an UpperCamelCase ASCII name"),
            );
            false
        } else {
            true
        }
    }

    /// Moves the enums declared since the last call into a module's list,
    /// claiming their names. Identical declarations are shared.
    fn take_enums(&mut self, file: &str, ns: &mut Namespace, out: &mut Vec<EnumDef>) {
        for (path, def) in std::mem::take(&mut self.pending_enums) {
            if let Some(existing) = out.iter().find(|e| e.rust_name == def.rust_name) {
                let same = existing
                    .values
                    .iter()
                    .map(|v| (&v.value, &v.variant))
                    .eq(def.values.iter().map(|v| (&v.value, &v.variant)));
                if !same {
                    self.error(
                        Diagnostic::at(
                            file,
                            &path,
                            format!(
                                "the enum `{}` is also declared at {} with other values",
                                def.rust_name, existing.declared_at
                            ),
                        )
                        .help("set `enum_name` on one of the fields"),
                    );
                }
                continue;
            }
            if ns.claim(self, file, &path, &def.rust_name) {
                out.push(def);
            }
        }
    }

    fn discard_enums(&mut self, file: &str, what: &str) {
        for (path, _) in std::mem::take(&mut self.pending_enums) {
            self.error(
                Diagnostic::at(file, &path, format!("`values` are not supported in {what}"))
                    .help("describe the values in `description` or `note`"),
            );
        }
    }

    fn rules(&mut self, file: &str, specs: &[RuleSpec], fields: &[Field]) -> Vec<Rule> {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let mut out = Vec::new();
        for (i, r) in specs.iter().enumerate() {
            let path = format!("request.rules[{i}]");
            let kinds: Vec<(RuleKind, &Vec<String>)> = [
                (RuleKind::AtLeastOne, &r.at_least_one),
                (RuleKind::Together, &r.together),
                (RuleKind::Precedence, &r.precedence),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
            .collect();
            let [(kind, list)] = kinds.as_slice() else {
                self.error(
                    Diagnostic::at(file, &path, format!("a rule needs exactly one of `at_least_one`, `together`, `precedence` (found {})", kinds.len()))
                        .help("split it into one rule per kind"),
                );
                continue;
            };
            let mut ok = true;
            if list.len() < 2 {
                self.error(Diagnostic::at(
                    file,
                    &path,
                    "a rule must name at least two fields",
                ));
                ok = false;
            }
            let mut seen = BTreeSet::new();
            for name in list.iter() {
                if !seen.insert(name) {
                    self.error(Diagnostic::at(
                        file,
                        &path,
                        format!("the rule names `{name}` twice"),
                    ));
                    ok = false;
                }
                if !names.contains(&name.as_str()) {
                    let mut d = Diagnostic::at(
                        file,
                        &path,
                        format!("the rule names `{name}`, which is not a request field"),
                    );
                    if let Some(near) = closest(name, &names) {
                        d = d.help(format!("did you mean `{near}`?"));
                    }
                    self.error(d);
                    ok = false;
                }
            }
            let required: Vec<&str> = list
                .iter()
                .filter(|n| {
                    fields
                        .iter()
                        .any(|f| &f.name == *n && f.required == Required::Yes)
                })
                .map(String::as_str)
                .collect();
            match (kind, required.first()) {
                (RuleKind::AtLeastOne, Some(r)) => {
                    self.error(
                        Diagnostic::at(
                            file,
                            &path,
                            format!("`{r}` is required, so this at_least_one rule can never fail"),
                        )
                        .help(format!(
                            "make `{r}` `required: conditional`, or drop the rule"
                        )),
                    );
                    ok = false;
                }
                (RuleKind::Together, Some(r)) if required.len() < list.len() => {
                    self.error(
                        Diagnostic::at(file, &path, format!("`{r}` is required, so this together rule makes every field of it required"))
                            .help("mark them all `required: true` and drop the rule, or make them conditional"),
                    );
                    ok = false;
                }
                _ => {}
            }
            if ok {
                out.push(Rule {
                    kind: *kind,
                    fields: list.to_vec(),
                    description: r.description.clone(),
                    source: r.source.clone(),
                });
            }
        }
        out
    }

    fn conditional_fields_have_rules(&mut self, file: &str, fields: &[Field], rules: &[Rule]) {
        for f in fields
            .iter()
            .filter(|f| f.required == Required::Conditional)
        {
            let covered = rules
                .iter()
                .any(|r| r.kind != RuleKind::Precedence && r.fields.contains(&f.name));
            if !covered {
                self.error(
                    Diagnostic::at(
                        file,
                        format!("{}.required", f.path),
                        format!("`{}` is conditional but no rule names it", f.name),
                    )
                    .help("add an `at_least_one` or `together` rule that says when it is required"),
                );
            }
        }
    }

    fn errors(
        &mut self,
        file: &str,
        path: &str,
        specs: &[ErrorSpec],
        ns: &mut Namespace,
        seen: &mut BTreeSet<String>,
    ) -> Vec<ErrorCodeDef> {
        let mut out = Vec::new();
        for (i, e) in specs.iter().enumerate() {
            let epath = format!("{path}[{i}]");
            if !seen.insert(e.code.clone()) {
                self.error(Diagnostic::at(
                    file,
                    &epath,
                    format!("the error code `{}` is listed twice", e.code),
                ));
                continue;
            }
            // An absent text means "not published" all the way to the docs;
            // an empty one would say the same thing less visibly.
            for (key, text, getter) in [
                ("message", &e.message, "meaning"),
                ("action", &e.action, "action"),
            ] {
                if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
                    self.error(
                        Diagnostic::at(
                            file,
                            format!("{epath}.{key}"),
                            format!("the error code `{}` has an empty `{key}`", e.code),
                        )
                        .help(format!(
                            "leave `{key}` out where Alipay publishes none: `{getter}()` then returns None and the docs say \"not published\""
                        )),
                    );
                }
            }
            let variant = e
                .rust_name
                .clone()
                .unwrap_or_else(|| naming::type_ident(&e.code));
            if !self.variant_name(file, &format!("{epath}.rust_name"), &variant)
                || !ns.claim(self, file, &epath, &variant)
            {
                continue;
            }
            out.push(ErrorCodeDef {
                code: e.code.clone(),
                variant,
                message: e.message.clone(),
                action: e.action.clone(),
                outcome_unknown: e.outcome_unknown,
                source: e.source.clone(),
            });
        }
        out
    }

    fn examples(
        &mut self,
        file: &str,
        method: &str,
        specs: &[crate::spec::ExampleSpec],
        request: &[Field],
        response: &[Field],
    ) -> Vec<Example> {
        let mut out = Vec::new();
        let mut names = BTreeSet::new();
        let response_key = naming::response_key(method);
        for (i, e) in specs.iter().enumerate() {
            let path = format!("examples[{i}]");
            if !names.insert(e.name.clone()) {
                self.error(Diagnostic::at(
                    file,
                    format!("examples[{i}]"),
                    format!("two examples are named `{}`", e.name),
                ));
                continue;
            }
            let value: serde_json::Value = match serde_json::from_str(&e.json) {
                Ok(v) => v,
                Err(err) => {
                    self.error(Diagnostic::at(
                        file,
                        format!("{path}.json"),
                        format!("the example is not valid JSON: {err}"),
                    ));
                    continue;
                }
            };
            let (node, known): (Option<&serde_json::Value>, Vec<&str>) = match e.kind {
                ExampleKind::Request => (
                    Some(&value),
                    request.iter().map(|f| f.name.as_str()).collect(),
                ),
                ExampleKind::Response => {
                    let node = value
                        .get(&response_key)
                        .or_else(|| value.get("error_response"));
                    if node.is_none() {
                        self.error(
                            Diagnostic::at(file, format!("{path}.json"), format!("the response example has neither `{response_key}` nor `error_response`"))
                                .help("store the whole response body, envelope and sign included"),
                        );
                    }
                    (
                        node,
                        response
                            .iter()
                            .map(|f| f.name.as_str())
                            .chain(COMMON_RESPONSE_FIELDS.iter().copied())
                            .collect(),
                    )
                }
            };
            let Some(node) = node else { continue };
            match node.as_object() {
                Some(obj) => {
                    for key in obj.keys() {
                        if !known.contains(&key.as_str()) {
                            let mut d = Diagnostic::at(
                                file,
                                format!("{path}.json"),
                                format!(
                                    "the example has the key `{key}`, which the spec does not declare"
                                ),
                            );
                            if let Some(near) = closest(key, &known) {
                                d = d.help(format!(
                                    "did you mean `{near}`? otherwise declare the field"
                                ));
                            }
                            self.error(d);
                        }
                    }
                }
                None => self.error(Diagnostic::at(
                    file,
                    format!("{path}.json"),
                    "the example is not a JSON object",
                )),
            }
            out.push(Example {
                name: e.name.clone(),
                kind: e.kind,
                description: e.description.clone(),
                source: e.source.clone(),
                note: e.note.clone(),
                json: e.json.clone(),
            });
        }
        out
    }
}

/// A fact an importer marked as not stated by its source: an error until a
/// person decides, so that a draft can never be generated as if it were known.
fn unconfirmed_field(file: &str, path: &str, i: usize, name: &str, fact: FieldFact) -> Diagnostic {
    let key = fact.key();
    let decide = match fact {
        FieldFact::Type => {
            "write the field's type from the method's document (`price` for an amount in yuan, `datetime` for a yyyy-MM-dd HH:mm:ss time, `integer`, …)"
        }
        FieldFact::Required => {
            "write `required: true`, `false` or `conditional` as the method's document says"
        }
        FieldFact::MaxLength => {
            "write the document's `max_length`, or leave it out if the document gives none"
        }
        FieldFact::Description => "write the document's description of the field, verbatim",
    };
    Diagnostic::at(
        file,
        format!("{path}.unconfirmed[{i}]"),
        format!("the source did not state `{key}` of the field `{name}`: a person must decide it"),
    )
    .help(format!("{decide}, then remove `{key}` from `unconfirmed`"))
}

fn is_method_name(name: &str) -> bool {
    let segments: Vec<&str> = name.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn innermost(ty: &Type) -> &Type {
    match ty {
        Type::Array(inner) => innermost(inner),
        other => other,
    }
}

fn replace_innermost(ty: Type, with: Type) -> Type {
    match ty {
        Type::Array(inner) => Type::Array(Box::new(replace_innermost(*inner, with))),
        _ => with,
    }
}

/// A field's own constraints, which its example must meet.
struct Limits<'a> {
    max_length: Option<u32>,
    length_counting: LengthCounting,
    minimum: Option<Bound>,
    maximum: Option<Bound>,
    allowed: Option<&'a [String]>,
}

impl Limits<'_> {
    fn check_bounds(&self, value: Bound, shown: &str, out: &mut Vec<String>) {
        if self.minimum.is_some_and(|min| value < min) {
            out.push(format!("{shown} is below the minimum"));
        }
        if self.maximum.is_some_and(|max| value > max) {
            out.push(format!("{shown} is above the maximum"));
        }
    }
}

/// What is wrong with an example for a field of type `ty`.
fn example_problems(ex: &Yaml, ty: &Type, limits: &Limits<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let text = |out: &mut Vec<String>, what: &str| -> Option<String> {
        match ex {
            Yaml::String(s) => Some(s.clone()),
            other => {
                out.push(format!(
                    "a {what} example must be a quoted string, found {}",
                    yaml_kind(other)
                ));
                None
            }
        }
    };
    match ty {
        Type::String | Type::Enum(_) => {
            if let Some(s) = text(&mut out, "string") {
                check_length(&s, limits, &mut out);
                if let Some(allowed) = limits.allowed {
                    if !allowed.contains(&s) {
                        out.push(format!(
                            "`{s}` is not one of the allowed values ({})",
                            allowed.join(", ")
                        ));
                    }
                }
            }
        }
        Type::Price => {
            if let Some(s) = text(&mut out, "price") {
                match s.parse::<Money>() {
                    Ok(m) => limits.check_bounds(Bound::Price(m.fen()), &s, &mut out),
                    Err(e) => out.push(e.to_string()),
                }
                check_length(&s, limits, &mut out);
            }
        }
        Type::DateTime => {
            if let Some(s) = text(&mut out, "datetime") {
                if let Err(e) = s.parse::<DateTime>() {
                    out.push(e.to_string());
                }
            }
        }
        Type::Integer => match ex {
            Yaml::Number(n) if n.is_i64() => limits.check_bounds(
                Bound::Integer(n.as_i64().expect("checked")),
                &n.to_string(),
                &mut out,
            ),
            other => out.push(format!(
                "an integer example must be a plain integer, found {}",
                yaml_kind(other)
            )),
        },
        Type::Boolean => {
            if !matches!(ex, Yaml::Bool(_)) {
                out.push(format!(
                    "a boolean example must be true or false, found {}",
                    yaml_kind(ex)
                ));
            }
        }
        Type::Object { .. } => {
            if !matches!(ex, Yaml::Mapping(_)) {
                out.push(format!(
                    "an object example must be a mapping, found {}",
                    yaml_kind(ex)
                ));
            }
        }
        Type::Array(inner) => match ex {
            Yaml::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    for p in example_problems(item, inner, limits) {
                        out.push(format!("item {i}: {p}"));
                    }
                }
            }
            other => out.push(format!(
                "an array example must be a YAML list, found {}",
                yaml_kind(other)
            )),
        },
    }
    out
}

fn check_length(s: &str, limits: &Limits<'_>, out: &mut Vec<String>) {
    if let Some(max) = limits.max_length {
        let (len, counted) = match limits.length_counting {
            LengthCounting::Characters => (s.chars().count(), "characters long"),
            LengthCounting::ChineseAsTwo => (
                s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
                "long, a Chinese character counting as two",
            ),
        };
        if len > max as usize {
            out.push(format!(
                "it is {len} {counted}, over the max_length of {max}"
            ));
        }
    }
}

fn yaml_kind(v: &Yaml) -> String {
    match v {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => format!("the boolean {b}"),
        Yaml::Number(n) => format!("the number {n}"),
        Yaml::String(s) => format!("the string {s:?}"),
        Yaml::Sequence(_) => "a list".into(),
        Yaml::Mapping(_) => "a mapping".into(),
        Yaml::Tagged(_) => "a tagged value".into(),
    }
}

/// The candidate nearest to `word` by edit distance, if it is near enough to
/// be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        assert!(is_method_name("alipay.fund.trans.refund"));
        assert!(is_method_name("koubei.item.v2.create"));
        for bad in [
            "alipay",
            "Alipay.trade.refund",
            "alipay..refund",
            "alipay.trade-refund",
            "alipay.trade.",
            "alipay.1trade",
        ] {
            assert!(!is_method_name(bad), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("prise", BUILTIN_TYPES), Some("price"));
        assert_eq!(closest("Price", BUILTIN_TYPES), Some("price"));
        assert_eq!(closest("money", BUILTIN_TYPES), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
