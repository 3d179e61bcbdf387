//! The files of a package, from a directory or a zip, relative to the folder of `agent.json`.
//!
//! Both sources are read whole into memory first (the largest of the test agents, 88 files,
//! is 282 kB of JSON), so the rest of the loader works on one map of path → bytes whatever the
//! source. A zip made on macOS adds `__MACOSX/` (AppleDouble copies of every file, which are
//! not JSON) and the console's export may wrap everything in a top folder, so `agent.json` is
//! located first, as cxas-scrapi's exporter does, and the files outside its folder are ignored.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use percent_encoding::percent_decode_str;

use super::error::LoadError;

/// The folder macOS's archiver adds to zips.
const MACOS_FOLDER: &str = "__MACOSX";

/// The most a zip may unpack to: 256 MiB, about 900 times the largest test agent, so that a
/// zip bomb is an error rather than the end of the process.
const ZIP_LIMIT: u64 = 256 << 20;

/// The package's files, keyed by their path relative to the agent's folder (`/`-separated,
/// spelt as in the package: percent-encoded).
#[derive(Debug, Default)]
pub(crate) struct Package {
    pub(crate) files: BTreeMap<String, Vec<u8>>,
}

impl Package {
    /// Reads a package directory or zip file.
    pub(crate) fn open(path: &Path) -> Result<Self, LoadError> {
        let open_error = |source| LoadError::Open {
            path: path.to_owned(),
            source,
        };
        let metadata = std::fs::metadata(path).map_err(open_error)?;
        let mut files = BTreeMap::new();
        if metadata.is_dir() {
            read_dir(path, "", &mut files)?;
        } else {
            read_zip(path, ZIP_LIMIT, &mut files)?;
        }
        Self::rooted(path, files)
    }

    /// Keeps the files under the folder of the shallowest `agent.json`, relative to it.
    fn rooted(path: &Path, files: BTreeMap<String, Vec<u8>>) -> Result<Self, LoadError> {
        let agents: Vec<&String> = files
            .keys()
            .filter(|name| *name == "agent.json" || name.ends_with("/agent.json"))
            .collect();
        let depth = |name: &str| name.matches('/').count();
        let Some(shallowest) = agents.iter().map(|name| depth(name)).min() else {
            return Err(LoadError::NoAgentJson {
                path: path.to_owned(),
            });
        };
        let roots: Vec<&String> = agents
            .into_iter()
            .filter(|name| depth(name) == shallowest)
            .collect();
        if let [root] = roots.as_slice() {
            let prefix = root
                .strip_suffix("agent.json")
                .unwrap_or_default()
                .to_owned();
            let files = files
                .into_iter()
                .filter_map(|(name, bytes)| Some((name.strip_prefix(&prefix)?.to_owned(), bytes)))
                .collect();
            Ok(Self { files })
        } else {
            Err(LoadError::SeveralAgents {
                path: path.to_owned(),
                found: roots.into_iter().cloned().collect(),
            })
        }
    }
}

/// Reads every file under `dir` into `files`, `__MACOSX/` excepted.
fn read_dir(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), LoadError> {
    let open_error = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Open { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(open_error(dir))? {
        let entry = entry.map_err(open_error(dir))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(LoadError::FileName {
                file: format!("{prefix}{}", entry.file_name().to_string_lossy()),
            });
        };
        let relative = format!("{prefix}{name}");
        if entry.file_type().map_err(open_error(&path))?.is_dir() {
            if name != MACOS_FOLDER {
                read_dir(&path, &format!("{relative}/"), files)?;
            }
        } else {
            files.insert(relative, std::fs::read(&path).map_err(open_error(&path))?);
        }
    }
    Ok(())
}

/// Reads every file of the zip at `path` into `files`, `__MACOSX/` excepted, and fails once
/// more than `limit` bytes are unpacked (whatever sizes the archive claims).
fn read_zip(
    path: &Path,
    limit: u64,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), LoadError> {
    let zip_error = |source| LoadError::Zip {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(|source| LoadError::Open {
        path: path.to_owned(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file).map_err(zip_error)?;
    let mut left = limit;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(zip_error)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(zip_error)?.into_owned();
        if name.split('/').any(|segment| segment == MACOS_FOLDER) {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(left.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| zip_error(source.into()))?;
        left = left
            .checked_sub(bytes.len() as u64)
            .ok_or_else(|| LoadError::TooLarge {
                path: path.to_owned(),
                limit,
            })?;
        files.insert(name, bytes);
    }
    Ok(())
}

/// A display name as a file name spells it (`%3e collect address` → `> collect address`).
pub(crate) fn decode(file: &str, name: &str) -> Result<String, LoadError> {
    percent_decode_str(name)
        .decode_utf8()
        .map(|name| name.into_owned())
        .map_err(|_| LoadError::FileName {
            file: file.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A zip of one file of `size` zero bytes (deflate makes it about a thousandth of that).
    fn zip_of_zeros(path: &Path, size: usize) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        zip.start_file("agent.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&vec![0; size]).unwrap();
        zip.finish().unwrap();
    }

    #[test]
    fn a_zip_unpacking_past_the_limit_is_an_error() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("bomb.zip");
        zip_of_zeros(&path, 1 << 20);
        let mut files = BTreeMap::new();
        let error = read_zip(&path, 1 << 19, &mut files).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("{}: unpacks to more than 524288 bytes", path.display())
        );
        read_zip(&path, 1 << 20, &mut files).unwrap();
        assert_eq!(files["agent.json"].len(), 1 << 20);
    }
}
