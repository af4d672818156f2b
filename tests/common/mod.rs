//! What the integration tests share: scratch directories that clean up after themselves, and
//! the list of fixture inputs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system's temporary directory, removed when dropped, also
/// when the test panics: a failing run must not leave hundreds of megabytes behind for the
/// next one to trip over (a full disk once failed CI that way).
///
/// It derefs to its path, so `scratch.join("out")` names a file inside it.
pub struct Scratch(PathBuf);

impl Scratch {
    /// `claimex-{tag}-{pid}-{n}`: unique across test processes and within one.
    pub fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("claimex-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every fixture's input file (`fixtures/*/input.*`), sorted. Not every test crate that
/// includes this module reads the fixtures.
#[allow(dead_code)]
pub fn fixture_inputs() -> Vec<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|e| panic!("reading {}: {e}", fixtures.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .flat_map(|d| std::fs::read_dir(d).unwrap().filter_map(|e| e.ok().map(|e| e.path())))
        .filter(|p| p.file_stem().is_some_and(|s| s == "input"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "fixture inputs: {inputs:?}");
    inputs
}

/// Fail at once, saying why, when `dir`'s file system has less than `mb` MB free for what
/// the test is about to write, instead of part-way through with a bare ENOSPC.
#[allow(dead_code)]
pub fn needs_free_space(dir: &Path, mb: u64) {
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a zeroed statvfs is a valid value for statvfs to fill in; the path is a C string.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statvfs(path.as_ptr(), &mut st) }, 0, "statvfs {}", dir.display());
    let free = (st.f_bavail as u64 * st.f_frsize as u64) >> 20;
    assert!(free >= mb, "this test writes about {mb} MB to {}, whose file system has {free} MB free", dir.display());
}
