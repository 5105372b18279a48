//! `--git REV`: a spec root's files as they were at a revision, read with
//! the `git` command into memory (nothing is checked out or written).

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use alipay_codegen::load::Source;

/// Why git could not give the specs at a revision.
#[derive(Debug)]
pub enum Error {
    /// The spec directory does not exist or is not a directory.
    NoDirectory {
        /// The directory.
        dir: PathBuf,
    },
    /// The spec directory is not inside a git work tree.
    NotARepository {
        /// The directory.
        dir: PathBuf,
    },
    /// The revision names no commit.
    UnknownRevision {
        /// As given.
        rev: String,
    },
    /// The spec directory did not exist at the revision.
    NotAtRevision {
        /// As given.
        rev: String,
        /// The directory, relative to the repository's top.
        path: String,
    },
    /// git could not be run, or failed unexpectedly.
    Git {
        /// What was being done.
        action: String,
        /// git's message, or the OS error.
        detail: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoDirectory { dir } => write!(
                f,
                "error: `{}` is not a directory\n   = help: --git compares the spec root \
                 (--specs, default `specs`) at a revision with the working tree; run it \
                 from the repository's top or pass --specs",
                dir.display()
            ),
            Error::NotARepository { dir } => write!(
                f,
                "error: `{}` is not inside a git repository\n   = help: --git reads the specs \
                 at a revision from git; outside a repository, compare two directories: \
                 `alipay-codegen diff OLD NEW`",
                dir.display()
            ),
            Error::UnknownRevision { rev } => write!(
                f,
                "error: `{rev}` is not a revision of this repository\n   = help: give a \
                 commit, branch or tag that `git rev-parse` knows, e.g. `HEAD`, `main`, `v0.1.0`"
            ),
            Error::NotAtRevision { rev, path } => write!(
                f,
                "error: `{path}` does not exist at `{rev}`\n   = help: choose a revision that \
                 has the specs, or compare two directories: `alipay-codegen diff OLD NEW`"
            ),
            Error::Git { action, detail } => {
                write!(f, "error: could not {action}: {}", detail.trim())
            }
        }
    }
}

impl std::error::Error for Error {}

fn git(dir: &Path, args: &[&str], action: &str) -> Result<(bool, Vec<u8>, String), Error> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Git {
            action: format!("run git to {action}"),
            detail: e.to_string(),
        })?;
    Ok((
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_owned()
}

/// Where a spec directory is in its repository.
#[derive(Debug, Clone)]
pub struct Place {
    /// The directory as given.
    pub dir: PathBuf,
    /// Its path from the repository's top, with a trailing `/` (empty at the top).
    pub prefix: String,
}

/// Finds the repository holding `dir`.
pub fn place(dir: &Path) -> Result<Place, Error> {
    if !dir.is_dir() {
        return Err(Error::NoDirectory {
            dir: dir.to_path_buf(),
        });
    }
    let (ok, out, _) = git(dir, &["rev-parse", "--show-prefix"], "find the repository")?;
    if !ok {
        return Err(Error::NotARepository {
            dir: dir.to_path_buf(),
        });
    }
    Ok(Place {
        dir: dir.to_path_buf(),
        prefix: text(out),
    })
}

/// The commit `rev` names.
pub fn commit(place: &Place, rev: &str) -> Result<String, Error> {
    if rev.starts_with('-') {
        return Err(Error::UnknownRevision { rev: rev.into() });
    }
    let spec = format!("{rev}^{{commit}}");
    let (ok, out, _) = git(
        &place.dir,
        &["rev-parse", "--verify", "--quiet", &spec],
        "resolve the revision",
    )?;
    if !ok {
        return Err(Error::UnknownRevision { rev: rev.into() });
    }
    Ok(text(out))
}

/// The spec root's `common.yaml` and `methods/*.yaml` at `rev`, labelled
/// `REV:path` in diagnostics.
pub fn sources_at(place: &Place, rev: &str) -> Result<Vec<Source>, Error> {
    let commit = commit(place, rev)?;
    let tree = format!("{commit}:{}", place.prefix);
    let (ok, out, _) = git(
        &place.dir,
        &["ls-tree", "--full-tree", "-r", "--name-only", "-z", &tree],
        "list the specs",
    )?;
    if !ok {
        return Err(Error::NotAtRevision {
            rev: rev.into(),
            path: display_prefix(&place.prefix),
        });
    }
    let names: Vec<String> = out
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| {
            n == "common.yaml"
                || n.strip_prefix("methods/")
                    .is_some_and(|m| !m.contains('/') && m.ends_with(".yaml"))
        })
        .collect();
    let blobs = cat_files(
        &place.dir,
        names
            .iter()
            .map(|n| format!("{commit}:{}{n}", place.prefix)),
    )?;
    Ok(names
        .into_iter()
        .zip(blobs)
        .map(|(name, text)| Source {
            display: format!("{rev}:{}{name}", place.prefix),
            relative: name,
            text,
        })
        .collect())
}

fn display_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        ".".into()
    } else {
        prefix.trim_end_matches('/').into()
    }
}

/// Reads many blobs with one `git cat-file --batch`.
fn cat_files(dir: &Path, objects: impl Iterator<Item = String>) -> Result<Vec<String>, Error> {
    let fail = |detail: String| Error::Git {
        action: "read the specs from git".into(),
        detail,
    };
    let request: String = objects.map(|o| o + "\n").collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped");
    // Written from another thread: git answers while it reads, and a full
    // pipe on both sides would block forever.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut out)
        .map_err(|e| fail(e.to_string()))?;
    let _ = child.wait();
    writer
        .join()
        .map_err(|_| fail("the writer panicked".into()))?
        .map_err(|e| fail(e.to_string()))?;

    let mut blobs = Vec::new();
    let mut rest = &out[..];
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| fail("a truncated answer".into()))?;
        let header = String::from_utf8_lossy(&rest[..end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| header.contains(" blob "))
            .ok_or_else(|| fail(format!("unexpected answer `{header}`")))?;
        let body = rest
            .get(end + 1..end + 1 + size)
            .ok_or_else(|| fail("a truncated answer".into()))?;
        blobs.push(String::from_utf8_lossy(body).into_owned());
        rest = rest.get(end + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}
