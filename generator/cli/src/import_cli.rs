//! The `import` subcommands: arguments, and what they print.

use std::path::PathBuf;
use std::process::ExitCode;

use alipay_codegen_cli::import::{self, Imported, doc::DocOptions, openapi::OpenApiOptions};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// An API reference page (plain text, Markdown or HTML) into
    /// <specs>/methods/<method>.yaml, merged into the spec if there is one.
    Doc {
        /// The page, e.g. copied from the browser as plain text.
        page: PathBuf,
        /// The page's URL, written as the spec's `source`.
        #[arg(long)]
        url: Option<String>,
        /// The product group (pages do not state it; otherwise marked unconfirmed).
        #[arg(long)]
        product: Option<String>,
        /// The spec root (holding methods/).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// Print the spec instead of writing it.
        #[arg(long)]
        stdout: bool,
    },
    /// Operations of an OpenAPI 3.0 file (Alipay's v3 shape) into
    /// <specs>/methods/<operationId>.yaml, merged into existing specs.
    Openapi {
        /// The OpenAPI file, YAML or JSON.
        file: PathBuf,
        /// Only this operation (operationId, the v2 method name); repeatable.
        /// Default: every operation.
        #[arg(long = "method", value_name = "M")]
        methods: Vec<String>,
        /// The product group (the file does not state it; otherwise marked unconfirmed).
        #[arg(long)]
        product: Option<String>,
        /// The spec's `source` (default: the file's title, version and the operation's path).
        #[arg(long)]
        source: Option<String>,
        /// The spec root (holding methods/).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// Print the specs instead of writing them.
        #[arg(long)]
        stdout: bool,
    },
}

pub fn run(command: ImportCommand) -> ExitCode {
    let (result, stdout) = match command {
        ImportCommand::Doc {
            page,
            url,
            product,
            specs,
            stdout,
        } => {
            let options = DocOptions { url, product };
            (import::import_doc(&page, &specs, &options, !stdout), stdout)
        }
        ImportCommand::Openapi {
            file,
            methods,
            product,
            source,
            specs,
            stdout,
        } => {
            let options = OpenApiOptions {
                methods,
                product,
                source,
            };
            (
                import::import_openapi(&file, &specs, &options, !stdout),
                stdout,
            )
        }
    };
    match result {
        Ok(files) => {
            for f in &files {
                print(f, stdout);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn print(f: &Imported, stdout: bool) {
    let how = if f.merged { "merged into" } else { "new" };
    if stdout {
        print!("{}", f.text);
        eprintln!("{} ({how}, not written)", f.path.display());
        for line in &f.report {
            eprintln!("  {line}");
        }
    } else {
        println!("wrote {} ({how})", f.path.display());
        for line in &f.report {
            println!("  {line}");
        }
    }
}
