//! Embeds every file under `rules/` into the binary, so `claimex` works with no `rules/`
//! directory beside it (SPEC §4).

use std::io::Write;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    // A file added to a subdirectory changes that directory, not `rules/`.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read rules/").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("toml" | "txt")) {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_rules.rs");
    let mut f = std::fs::File::create(out).expect("create builtin_rules.rs");
    writeln!(f, "/// The built-in rule files: (path relative to `rules/`, contents).").unwrap();
    writeln!(f, "pub static BUILTIN: &[(&str, &str)] = &[").unwrap();
    for p in files {
        println!("cargo:rerun-if-changed={}", p.display());
        let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        // Relative to the manifest directory as the crate sees it, so a copied `target/`
        // or a moved checkout never embeds another tree's rules.
        writeln!(f, "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{rel}\"))),").unwrap();
    }
    writeln!(f, "];").unwrap();
}
