//! The files entry specs refer to by `$ref`: the generator names them
//! ([`generator::referenced_files`]), this reads them, until nothing new is
//! named. The generator never touches the disk; this is where split specs
//! are read.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use generator::SpecInput;

/// More files than the largest split specs have (about 3,000).
pub const MAX_FILES: usize = 20_000;

/// Reads every file `entries` refer to, directly or through other
/// referenced files, sorted by name. `read` gives a file's text by name, or
/// `None` when there is no such file: the generator then reports the missing
/// file at its `$ref`, with line and column.
pub fn read_referenced(entries: &[SpecInput], read: &dyn Fn(&str) -> anyhow::Result<Option<String>>) -> anyhow::Result<Vec<SpecInput>> {
    let mut known: BTreeSet<String> = entries.iter().map(|e| e.name.clone()).collect();
    let mut referenced: Vec<SpecInput> = Vec::new();
    let mut queue: VecDeque<SpecInput> = entries.iter().cloned().collect();
    while let Some(input) = queue.pop_front() {
        let names = generator::referenced_files(&input).map_err(|e| {
            let mut inputs = entries.to_vec();
            inputs.extend(referenced.iter().cloned());
            anyhow::anyhow!(e.render(&inputs))
        })?;
        for name in names {
            if !known.insert(name.clone()) {
                continue;
            }
            if known.len() > MAX_FILES {
                anyhow::bail!("the spec refers to more than {MAX_FILES} files; is a folder of unrelated files referenced?");
            }
            if let Some(text) = read(&name)? {
                let file = SpecInput { name, version: None, text };
                queue.push_back(file.clone());
                referenced.push(file);
            }
        }
    }
    referenced.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(referenced)
}

/// Reads a file from the disk: `None` when it does not exist.
pub fn read_file(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("{}: cannot read", path.display()))),
    }
}

/// Where the files an entry refers to are on disk: an entry named `name`
/// (its display name) read from `path`.
#[derive(Debug, Clone)]
pub struct Base {
    name_folder: String,
    disk_folder: PathBuf,
}

impl Base {
    pub fn new(name: &str, path: &Path) -> Base {
        let name_folder = name.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
        Base { name_folder, disk_folder: path.parent().map(Path::to_path_buf).unwrap_or_default() }
    }

    /// The disk path of the referenced file `name` (a name resolved
    /// against entry names, as the generator gives it).
    pub fn path_of(&self, name: &str) -> PathBuf {
        let (folder, target) = (parts(&self.name_folder), parts(name));
        let common = folder.iter().zip(&target).take_while(|(a, b)| a == b).count();
        let mut path = self.disk_folder.clone();
        for _ in common..folder.len() {
            path.push("..");
        }
        for part in target.iter().skip(common) {
            path.push(part);
        }
        path
    }

    fn shared_parts(&self, name: &str) -> usize {
        parts(&self.name_folder).iter().zip(parts(name)).take_while(|(a, b)| **a == *b).count()
    }
}

fn parts(path: &str) -> Vec<&str> {
    path.split('/').filter(|p| !p.is_empty()).collect()
}

/// The disk path of `name`, by the entry whose folder shares most with it.
pub fn path_of(bases: &[Base], name: &str) -> Option<PathBuf> {
    bases.iter().max_by_key(|base| base.shared_parts(name)).map(|base| base.path_of(name))
}

/// Reads the entry files at `paths` (named by `name_of`) and every file they
/// refer to: all the inputs, and the names of the referenced ones (for
/// [`generator::Config::referenced_files`]).
pub fn read_with_references(paths: &[PathBuf], name_of: &dyn Fn(&Path) -> String) -> anyhow::Result<(Vec<SpecInput>, Vec<String>)> {
    let mut entries = Vec::new();
    let mut bases = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let name = name_of(path);
        bases.push(Base::new(&name, path));
        entries.push(SpecInput { name, version: None, text });
    }
    let referenced = read_referenced(&entries, &|name| match path_of(&bases, name) {
        Some(path) => read_file(&path),
        None => Ok(None),
    })?;
    let names = referenced.iter().map(|r| r.name.clone()).collect();
    entries.extend(referenced);
    Ok((entries, names))
}
