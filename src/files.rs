//! Reading local files that may hold secrets (the client store, the cookie jar, `#file`
//! values) without trusting them: a size cap enforced while reading (a symlink to
//! `/dev/zero` ends at the cap), no wait without end on a FIFO or a terminal, and every
//! buffer that held the bytes zeroed, including those outgrown while reading a pipe.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// How long a file that is not a regular file (a pipe, a FIFO, a terminal) may take to reach
/// its end.
pub(crate) const SPECIAL_FILE_TIMEOUT: Duration = Duration::from_secs(60);

/// The pause between tries while a pipe has nothing to read yet.
const POLL: Duration = Duration::from_millis(2);

/// The whole of `path`, at most `cap` bytes; `ErrorKind::FileTooLarge` beyond (checked before
/// reading a regular file, and while reading anything else), `ErrorKind::TimedOut` when a
/// special file gives no end within [`SPECIAL_FILE_TIMEOUT`].
pub(crate) fn read_capped(path: &Path, cap: usize) -> io::Result<Zeroizing<Vec<u8>>> {
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("larger than the {cap} bytes allowed"),
        )
    };
    let mut file = open_nonblocking(path)?;
    let metadata = file.metadata()?;
    let size = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    if metadata.is_file() && size > cap {
        return Err(too_large());
    }
    let first = if metadata.is_file() { size } else { 8 << 10 };
    let mut bytes = Zeroizing::new(Vec::with_capacity(first.min(cap).saturating_add(1)));
    let started = Instant::now();
    let mut chunk = Zeroizing::new([0u8; 8 << 10]);
    loop {
        match file.read(&mut chunk[..]) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                let got = chunk.get(..n).unwrap_or_default();
                if bytes.len().saturating_add(n) > cap {
                    return Err(too_large());
                }
                append_zeroizing(&mut bytes, got);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if started.elapsed() >= SPECIAL_FILE_TIMEOUT {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "no end of file within {}s (a FIFO or terminal nobody writes to?)",
                            SPECIAL_FILE_TIMEOUT.as_secs()
                        ),
                    ));
                }
                thread::sleep(POLL);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Appends without letting `Vec` reallocate: a full buffer is copied into one twice its size
/// and the old one is zeroed as it is dropped.
fn append_zeroizing(bytes: &mut Zeroizing<Vec<u8>>, more: &[u8]) {
    let needed = bytes.len().saturating_add(more.len());
    if needed > bytes.capacity() {
        let mut grown = Vec::with_capacity(needed.max(bytes.capacity().saturating_mul(2)));
        grown.extend_from_slice(bytes);
        *bytes = Zeroizing::new(grown);
    }
    bytes.extend_from_slice(more);
}

/// Opens for reading without waiting for a FIFO's writer: such an open would block until one
/// comes, which may be never.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("juju-secrets-files-{}-{name}", std::process::id()))
    }

    #[test]
    fn reads_whole_files_up_to_the_cap() {
        let path = temp("small");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(&read_capped(&path, 5).unwrap()[..], b"hello");
        let err = read_capped(&path, 4).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        std::fs::remove_file(&path).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn endless_devices_stop_at_the_cap() {
        let err = read_capped(Path::new("/dev/zero"), 100_000).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_writer_does_not_block() {
        let path = temp("fifo");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let started = Instant::now();
        let read = read_capped(&path, 100);
        assert!(started.elapsed() < SPECIAL_FILE_TIMEOUT);
        // No writer: the end of file at once.
        assert_eq!(read.unwrap().len(), 0);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn growth_keeps_the_bytes() {
        let mut bytes = Zeroizing::new(Vec::with_capacity(2));
        for chunk in [&b"ab"[..], b"cde", b"fghijkl"] {
            append_zeroizing(&mut bytes, chunk);
        }
        assert_eq!(&bytes[..], b"abcdefghijkl");
    }
}
