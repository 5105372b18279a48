//! Generation from a downstream crate's `build.rs`.
//!
//! ```no_run
//! // In build.rs's `fn main`:
//! alipay_codegen::Builder::new()                 // the bundled specs…
//!     .specs("specs")                            // …plus your own, layered on top
//!     .methods(["alipay.fund.trans.refund", "alipay.fund.trans.order.query"])
//!     .run();                                    // writes $OUT_DIR/alipay_api.rs
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod alipay {
//!     alipay_runtime::include_generated!();
//! }
//! ```
//!
//! Layering: the first spec directory (the bundled one, unless
//! [`Builder::without_bundled_specs`]) provides `common.yaml` and methods;
//! each later directory adds `methods/*.yaml`. A later file for a method an
//! earlier directory already defines is an error unless
//! [`Builder::override_method`] names it, and every override is reported as a
//! `cargo:warning`, so replacing a bundled spec is never silent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::load::{self, Source};
use crate::{Error, check, emit, write};

/// A method a later spec directory replaced, and the file that replaced it.
type Override = (String, String);

/// Configures and runs generation from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    roots: Vec<PathBuf>,
    overrides: BTreeSet<String>,
    methods: Option<Vec<String>>,
    out_dir: Option<PathBuf>,
    file_name: String,
    rerun_if_changed: bool,
    full_serde: bool,
}

/// What a build-script run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// The file written (or left as it was).
    pub path: PathBuf,
    /// Whether its contents changed.
    pub written: bool,
    /// Methods a later spec directory replaced, on request.
    pub overridden: Vec<String>,
    /// Every spec file read.
    pub files_read: Vec<PathBuf>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// Starts from the specs bundled with this crate.
    pub fn new() -> Builder {
        Builder {
            roots: vec![Builder::bundled_specs_dir()],
            ..Builder::without_bundled_specs()
        }
    }

    /// Starts from no specs; the first [`specs`](Builder::specs) directory
    /// must then hold a `common.yaml`.
    pub fn without_bundled_specs() -> Builder {
        Builder {
            roots: Vec::new(),
            overrides: BTreeSet::new(),
            methods: None,
            out_dir: None,
            file_name: "alipay_api.rs".into(),
            rerun_if_changed: true,
            full_serde: false,
        }
    }

    /// Where the bundled specs are.
    pub fn bundled_specs_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
    }

    /// Adds a spec directory on top of the earlier ones (its `methods/`).
    pub fn specs(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.roots.push(dir.into());
        self
    }

    /// Lets a later directory replace an earlier spec of `method` (e.g. to
    /// add a field Alipay has just introduced). Reported as a warning.
    pub fn override_method(mut self, method: impl Into<String>) -> Builder {
        self.overrides.insert(method.into());
        self
    }

    /// Generates only these methods (default: all).
    pub fn methods<I, S>(mut self, methods: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.methods = Some(methods.into_iter().map(Into::into).collect());
        self
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// The file name (default `alipay_api.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Builder {
        self.file_name = name.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for every spec file and
    /// spec directory read (default: yes). Printing any such line replaces
    /// Cargo's default of rerunning on any change in the package, so turn it
    /// off if the build script relies on that.
    pub fn emit_rerun_if_changed(mut self, yes: bool) -> Builder {
        self.rerun_if_changed = yes;
        self
    }

    /// Whether requests also implement `Deserialize` and responses
    /// `Serialize`, and the file has `for_each_method` (default: no). A
    /// client needs none of it; a gateway, a test double or recorded fixtures
    /// do. It is what the `full-serde` feature of `alipay-api` adds, and it
    /// costs about a third of the compile time.
    pub fn full_serde(mut self, yes: bool) -> Builder {
        self.full_serde = yes;
        self
    }

    /// Loads, checks and writes; returns what it did.
    pub fn generate(self) -> Result<BuildReport, Error> {
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(dir) => dir,
            None => {
                return Err(Error::Specs(Diagnostics(vec![Diagnostic {
                    file: "build script".into(),
                    location: Location::File,
                    message: "OUT_DIR is not set: this is not running as a build script".into(),
                    help: Some("call `.out_dir(…)` to choose where to write".into()),
                }])));
            }
        };
        let (sources, overridden) = self.read_layered()?;
        if self.rerun_if_changed {
            for dir in &self.roots {
                println!("cargo:rerun-if-changed={}", dir.join("methods").display());
                if dir.join("common.yaml").exists() {
                    println!(
                        "cargo:rerun-if-changed={}",
                        dir.join("common.yaml").display()
                    );
                }
            }
            for s in &sources {
                println!("cargo:rerun-if-changed={}", s.display);
            }
        }
        for (method, file) in &overridden {
            println!("cargo:warning=alipay-codegen: {file} overrides the earlier spec of {method}");
        }
        let api = self.checked(&sources)?;
        let path = out_dir.join(&self.file_name);
        let reverse = if self.full_serde {
            emit::Reverse::Derive
        } else {
            emit::Reverse::Omit
        };
        let written = write::write_one(&path, &emit::render_single(&api, reverse))?;
        Ok(BuildReport {
            path,
            written,
            overridden: overridden.into_iter().map(|(m, _)| m).collect(),
            files_read: sources.iter().map(|s| PathBuf::from(&s.display)).collect(),
        })
    }

    /// Reads and checks the layered spec directories into the IR, without
    /// writing anything: for tools that serve or inspect the methods (the
    /// local gateway builds its answers from it). The methods are those of
    /// [`methods`](Builder::methods), or all.
    ///
    /// # Errors
    ///
    /// As [`generate`](Builder::generate): unreadable files, spec problems
    /// (each with file and place), unknown methods, forbidden replacements.
    pub fn api(&self) -> Result<crate::ir::Api, Error> {
        let (sources, _) = self.read_layered()?;
        self.checked(&sources)
    }

    /// Checks `sources` and keeps the wanted methods.
    fn checked(&self, sources: &[Source]) -> Result<crate::ir::Api, Error> {
        let mut api = crate::check_sources(sources).map_err(Error::Specs)?;
        if let Some(wanted) = &self.methods {
            let known: Vec<&str> = api.methods.iter().map(|m| m.name.as_str()).collect();
            let mut problems = Diagnostics::default();
            for w in wanted.iter().filter(|w| !known.contains(&w.as_str())) {
                let guess = check::closest(w, &known)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                problems.push(Diagnostic {
                    file: "build script".into(),
                    location: Location::File,
                    message: format!("no spec defines the method `{w}`"),
                    help: Some(format!(
                        "{guess}add its spec to your spec directory, or drop it from `.methods(…)`"
                    )),
                });
            }
            if !problems.is_empty() {
                return Err(Error::Specs(problems));
            }
            api.methods.retain(|m| wanted.contains(&m.name));
            // Only the shared types the selected methods use.
            crate::features::Usage::of(&api, false).prune(&mut api);
        }
        Ok(api)
    }

    /// [`generate`](Builder::generate) for `fn main` of a build script: on
    /// error, prints it as it is (file, place, what is wrong) and exits 1, so
    /// `cargo build` shows it plainly.
    pub fn run(self) {
        if let Err(e) = self.generate() {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }

    /// The sources of every root, later methods replacing earlier ones where
    /// allowed; also which methods were overridden, by which file.
    fn read_layered(&self) -> Result<(Vec<Source>, Vec<Override>), Error> {
        let Some((base, layers)) = self.roots.split_first() else {
            return Err(Error::Specs(Diagnostics(vec![Diagnostic {
                file: "build script".into(),
                location: Location::File,
                message: "no spec directory".into(),
                help: Some(
                    "start from `Builder::new()` (the bundled specs) or add `.specs(dir)`".into(),
                ),
            }])));
        };
        let mut sources = load::read_sources(base)?;
        let mut overridden = Vec::new();
        let mut problems = Diagnostics::default();
        for root in layers {
            if root.join("common.yaml").exists() {
                problems.push(Diagnostic {
                    file: root.join("common.yaml").display().to_string(),
                    location: Location::File,
                    message: "a layered spec directory cannot bring its own common.yaml".into(),
                    help: Some("common.yaml comes from the first spec directory; put shared types in the method files that use them".into()),
                });
            }
            for source in load::read_methods(root)? {
                let method = source
                    .relative
                    .trim_start_matches("methods/")
                    .trim_end_matches(".yaml")
                    .to_owned();
                match sources.iter().position(|s| s.relative == source.relative) {
                    Some(i) if self.overrides.contains(&method) => {
                        overridden.push((method, source.display.clone()));
                        sources[i] = source;
                    }
                    Some(i) => problems.push(Diagnostic {
                        file: source.display.clone(),
                        location: Location::File,
                        message: format!(
                            "this spec would replace `{}`, the existing spec of `{method}`",
                            sources[i].display
                        ),
                        help: Some(format!(
                            "to replace it on purpose, call `.override_method(\"{method}\")`"
                        )),
                    }),
                    None => sources.push(source),
                }
            }
        }
        for method in &self.overrides {
            if !overridden.iter().any(|(m, _)| m == method) {
                problems.push(Diagnostic {
                    file: "build script".into(),
                    location: Location::File,
                    message: format!("`override_method(\"{method}\")`, but no later spec directory defines `{method}` again"),
                    help: Some(format!("add methods/{method}.yaml to your spec directory, or drop the override")),
                });
            }
        }
        problems
            .into_result((sources, overridden))
            .map_err(Error::Specs)
    }
}
