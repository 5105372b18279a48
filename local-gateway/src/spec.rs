//! The spec set the gateway serves: the bundled specs, plus any spec
//! directories layered on top, checked into the generator's IR.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use alipay_codegen::Builder;
use alipay_codegen::ir::{Api, EnumDef, Method, ObjectType};

/// The checked specs and an index of their methods by name.
pub(crate) struct Specs {
    pub(crate) api: Api,
    by_name: HashMap<String, usize>,
}

impl Specs {
    /// Loads the bundled specs and `extra` directories (each adds
    /// `methods/*.yaml`; replacing a bundled method is refused, as the build
    /// script's layering refuses it). The bundled set alone is loaded once
    /// per process.
    pub(crate) fn load(extra: &[PathBuf]) -> std::io::Result<Arc<Specs>> {
        static BUNDLED: OnceLock<Arc<Specs>> = OnceLock::new();
        if extra.is_empty() {
            if let Some(specs) = BUNDLED.get() {
                return Ok(Arc::clone(specs));
            }
        }
        let builder = extra.iter().fold(Builder::new(), |b, dir| b.specs(dir));
        // The generator's error already says file, place, what and how to fix.
        let api = builder
            .api()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let specs = Arc::new(Specs::new(api));
        if extra.is_empty() {
            return Ok(Arc::clone(BUNDLED.get_or_init(|| specs)));
        }
        Ok(specs)
    }

    fn new(api: Api) -> Specs {
        let by_name = api
            .methods
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), i))
            .collect();
        Specs { api, by_name }
    }

    /// The method called `name`, if a spec defines it.
    pub(crate) fn method(&self, name: &str) -> Option<&Method> {
        self.by_name.get(name).map(|&i| &self.api.methods[i])
    }

    /// An object type a field of `method` names: the method's own types
    /// first, then the shared ones of common.yaml.
    pub(crate) fn object<'a>(
        &'a self,
        method: &'a Method,
        name: &str,
        shared: bool,
    ) -> Option<&'a ObjectType> {
        let local = (!shared)
            .then(|| method.types.iter().find(|t| t.name == name))
            .flatten();
        local.or_else(|| self.api.types.iter().find(|t| t.name == name))
    }

    /// The enum generated for a field's `values`, by its Rust name.
    pub(crate) fn enum_def<'a>(
        &'a self,
        method: &'a Method,
        rust_name: &str,
    ) -> Option<&'a EnumDef> {
        method
            .enums
            .iter()
            .chain(&self.api.enums)
            .find(|e| e.rust_name == rust_name)
    }
}
