//! `alipay-codegen import`: draft specs from Alipay's documents.
//!
//! [`doc`] reads an API reference page (plain text, Markdown or HTML),
//! [`openapi`] an OpenAPI 3.0 file in the shape of Alipay's v3 one. Both
//! build a [`model::Draft`] holding every fact the source states; what it
//! does not state is left out or marked `unconfirmed`, which the generator
//! reports as an error until a person decides. Where a spec for the method
//! exists, the draft is [`merge`]d into it. Files are written only when
//! every one of them could be built, and each atomically.

pub mod doc;
mod example;
pub mod merge;
pub mod model;
pub mod openapi;
pub mod page;
pub mod table;
pub mod write;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use alipay_codegen::spec::MethodFile;

use model::Draft;

/// Why an import wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file at fault.
    pub file: String,
    /// Where in it: `line:column`, or a path such as `paths./v3/x.post`.
    pub at: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        match &self.at {
            Some(at) if at.starts_with(|c: char| c.is_ascii_digit()) => {
                write!(f, "  --> {}:{at}", self.file)?
            }
            Some(at) => write!(f, "  --> {}: {at}", self.file)?,
            None => write!(f, "  --> {}", self.file)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n   = help: {help}")?;
        }
        write!(f, "\nerror: nothing was written")
    }
}

impl std::error::Error for ImportError {}

/// One spec file an import produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Where it goes: `<specs>/methods/<method>.yaml`.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Whether a spec was there already and the source was merged into it.
    pub merged: bool,
    /// What a person should know: facts that differ, were added or
    /// confirmed, contradictions, hints and skipped lines, one per line.
    pub report: Vec<String>,
}

/// Imports a document page into `<specs>/methods/`; writes only if `write`.
pub fn import_doc(
    page: &Path,
    specs: &Path,
    options: &doc::DocOptions,
    write: bool,
) -> Result<Vec<Imported>, ImportError> {
    let text = read(page)?;
    let drafts = vec![doc::parse(&text, &page.display().to_string(), options)?];
    finish(specs, drafts, "page", write)
}

/// Imports operations of an OpenAPI file into `<specs>/methods/`; writes
/// only if `write`.
pub fn import_openapi(
    file: &Path,
    specs: &Path,
    options: &openapi::OpenApiOptions,
    write: bool,
) -> Result<Vec<Imported>, ImportError> {
    let text = read(file)?;
    let drafts = openapi::parse(&text, &file.display().to_string(), options)?;
    finish(specs, drafts, "openapi", write)
}

fn read(path: &Path) -> Result<String, ImportError> {
    fs::read_to_string(path).map_err(|e| ImportError {
        file: path.display().to_string(),
        at: None,
        message: format!("could not read the file: {e}"),
        help: Some("give the path of a readable UTF-8 file".into()),
    })
}

fn io(path: &Path, what: &str, e: &std::io::Error, help: &str) -> ImportError {
    ImportError {
        file: path.display().to_string(),
        at: None,
        message: format!("could not {what}: {e}"),
        help: Some(help.into()),
    }
}

/// Reads a spec already on disk into a draft.
pub fn read_spec(path: &Path) -> Result<Draft, ImportError> {
    let text = read(path)?;
    serde_yaml_ng::from_str::<MethodFile>(&text)
        .map(Draft::from)
        .map_err(|e| {
            let message = e.to_string();
            ImportError {
                file: path.display().to_string(),
                at: e.location().map(|l| format!("{}:{}", l.line(), l.column())),
                message: format!(
                    "the existing spec cannot be read: {}",
                    message.split(" at line ").next().unwrap_or(&message)
                ),
                help: Some(
                    "fix the spec first (`cargo regen` explains every problem), then import again"
                        .into(),
                ),
            }
        })
}

fn finish(
    specs: &Path,
    drafts: Vec<(Draft, Vec<String>)>,
    label: &str,
    write: bool,
) -> Result<Vec<Imported>, ImportError> {
    let dir = specs.join("methods");
    fs::read_dir(&dir).map_err(|e| {
        io(
            &dir,
            "read the spec directory",
            &e,
            "pass `--specs DIR`, a spec root holding a readable `methods/` directory",
        )
    })?;
    let mut out = Vec::new();
    for (draft, mut report) in drafts {
        let path = dir.join(format!("{}.yaml", draft.method));
        let merged = path.exists();
        let draft = if merged {
            let (draft, lines) = merge::merge(read_spec(&path)?, &draft, label);
            report.extend(lines);
            draft
        } else {
            draft
        };
        out.push(Imported {
            text: write::to_yaml(&draft),
            path,
            merged,
            report,
        });
    }
    if write {
        write_all(&out)?;
    }
    Ok(out)
}

/// Writes every file to a temporary beside it first, then renames them all:
/// a failure leaves the spec directory as it was.
fn write_all(files: &[Imported]) -> Result<(), ImportError> {
    let temp = |p: &Path| p.with_extension("yaml.import-tmp");
    for (i, f) in files.iter().enumerate() {
        if let Err(e) = fs::write(temp(&f.path), &f.text) {
            for done in &files[..=i] {
                let _ = fs::remove_file(temp(&done.path));
            }
            return Err(io(
                &f.path,
                "write the spec",
                &e,
                "make the spec directory writable",
            ));
        }
    }
    for f in files {
        fs::rename(temp(&f.path), &f.path).map_err(|e| {
            io(
                &f.path,
                "write the spec",
                &e,
                "make the spec directory writable",
            )
        })?;
    }
    Ok(())
}
