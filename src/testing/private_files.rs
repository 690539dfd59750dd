//! Files the test controller writes that hold its password (a client store): in a directory only
//! its owner can enter, never through a symbolic link someone planted there.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A new directory under the system's temporary directory, named `<prefix>-<random>` (a name
/// nobody could have guessed and prepared) and open to its owner only (mode 0700 on Unix).
///
/// ```
/// let dir = juju_secrets::testing::private_temp_dir("my-tests")?;
/// assert!(dir.is_dir());
/// # std::fs::remove_dir(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When the directory cannot be created.
pub fn private_temp_dir(prefix: &str) -> Result<PathBuf> {
    let mut last = None;
    for _ in 0..8 {
        let name = format!("{prefix}-{}", uuid::Uuid::new_v4().simple());
        let dir = std::env::temp_dir().join(name);
        match private_dir_builder(false).create(&dir) {
            Ok(()) => return Ok(dir),
            // Taken meanwhile (or planted): never reuse it, pick another name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(Error::io(format!("creating {}", dir.display()), e)),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no free name"));
    Err(Error::io("creating a private temporary directory", e))
}

/// Creates `dir` (and its parents) if missing, the new directories open to the owner only.
pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    private_dir_builder(true)
        .create(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))
}

#[cfg(unix)]
fn private_dir_builder(recursive: bool) -> DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = DirBuilder::new();
    builder.recursive(recursive).mode(0o700);
    builder
}

#[cfg(not(unix))]
fn private_dir_builder(recursive: bool) -> DirBuilder {
    let mut builder = DirBuilder::new();
    builder.recursive(recursive);
    builder
}

/// Writes `path` (replacing a regular file's content), readable by its owner only, refusing to
/// follow a symbolic link in its place.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |e| Error::io(format!("writing {}", path.display()), e);
    let mut file = open_no_follow(path).map_err(failed)?;
    file.write_all(bytes).map_err(failed)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other("refusing to follow a symbolic link"));
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn private_dirs_are_new_and_closed() {
        let (a, b) = (
            private_temp_dir("jst").unwrap(),
            private_temp_dir("jst").unwrap(),
        );
        assert_ne!(a, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&a).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
        }
        fs::remove_dir(a).unwrap();
        fs::remove_dir(b).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn planted_links_are_not_followed() {
        let dir = private_temp_dir("jst-link").unwrap();
        let target = dir.join("target");
        fs::write(&target, "untouched").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("accounts.yaml")).unwrap();
        assert!(write(&dir.join("accounts.yaml"), b"password: x").is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "untouched");
        write(&dir.join("fresh.yaml"), b"ok").unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.join("fresh.yaml"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        fs::remove_dir_all(dir).unwrap();
    }
}
