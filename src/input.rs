//! What a run starts from: `--pattern` (a file or a built-in) or
//! `--resume` (a saved grid), read on rank 0 and shared with every rank,
//! because under `mpirun --hostfile` the file may exist on rank 0's host only.

use crate::checkpoint;
use crate::cluster::Cluster;
use crate::error::Error;
use crate::pattern::{self, Pattern};

/// Where `--pattern` comes from: a file's bytes or a built-in's text.
pub struct PatternSource {
    /// The name shown in errors and on screen (file path or built-in name).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PatternSource {
    /// Finds `--pattern ARG`: an existing file path first, then a built-in name.
    pub fn find(arg: &str) -> Result<PatternSource, Error> {
        let path = std::path::Path::new(arg);
        // A link to nothing is a file the user meant, not a built-in's name.
        if path.exists() || path.symlink_metadata().is_ok() {
            let bytes = crate::files::read_input(path)?;
            return Ok(PatternSource {
                name: arg.to_string(),
                bytes,
            });
        }
        match pattern::library::find(arg) {
            Some(text) => Ok(PatternSource {
                name: PatternSource::name_of(arg),
                bytes: text.as_bytes().to_vec(),
            }),
            None => Err(Error::UnknownPattern(arg.to_string())),
        }
    }

    /// How `--pattern ARG` is shown: a file as given, a built-in by its name.
    pub fn name_of(arg: &str) -> String {
        let builtin = !std::path::Path::new(arg).exists() && pattern::library::find(arg).is_some();
        match arg.strip_suffix(".rle") {
            Some(stem) if builtin => stem.to_string(),
            _ => arg.to_string(),
        }
    }

    pub fn parse(&self) -> Result<Pattern, Error> {
        pattern::parse(&self.bytes).map_err(|error| Error::Pattern {
            source_name: self.name.clone(),
            error,
        })
    }
}

/// Reads `--pattern` on the root and parses it on every rank (all get the
/// same bytes, so all reach the same result). None without `--pattern`.
///
/// A file to `resume` from must be whole: a pattern file may omit its
/// final `!`, but every saved grid ends with one, so a checkpoint without
/// it was cut short and would silently lose cells.
pub fn load_pattern(
    cluster: &Cluster,
    arg: Option<&str>,
    resume: bool,
) -> Result<Option<(String, Pattern)>, Error> {
    let Some(arg) = arg else { return Ok(None) };
    let found = cluster.is_root().then(|| PatternSource::find(arg));
    let name = PatternSource::name_of(arg);
    let bytes = cluster
        .share_bytes(found.map(|f| f.map(|source| source.bytes)))
        .map_err(|e| e.unwrap_or(Error::FailedElsewhere))?;
    let source = PatternSource { name, bytes };
    let pattern = source.parse()?;
    if resume && !checkpoint::is_whole(&source.bytes) {
        return Err(Error::TruncatedCheckpoint(source.name));
    }
    Ok(Some((source.name, pattern)))
}
