//! Problems found in the specs, reported in the rustc style: what, where, and
//! how to fix it.

use std::fmt;

/// Where in a spec file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A position, from the YAML parser (1-based).
    LineColumn {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
    },
    /// A path into the document, e.g. `request.fields[2].max_length`: keys
    /// joined by `.`, list items by their 0-based index.
    Path(String),
    /// The file as a whole.
    File,
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as it was opened.
    pub file: String,
    /// Where in it.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at a path in `file`.
    pub fn at(file: &str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            location: Location::Path(path.into()),
            message: message.into(),
            help: None,
        }
    }

    /// Adds a hint on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        match &self.location {
            Location::LineColumn { line, column } => {
                write!(f, "  --> {}:{line}:{column}", self.file)?
            }
            Location::Path(path) => write!(f, "  --> {}: {path}", self.file)?,
            Location::File => write!(f, "  --> {}", self.file)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n   = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found, in file order. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when empty, otherwise `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(
            f,
            "error: the specs have {n} problem{}; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
