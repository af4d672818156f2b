//! brat standoff: per document `<name>.txt` and `<name>.ann`, plus the collection's
//! `annotation.conf` and `visual.conf`.
//!
//! brat counts offsets in characters of the `.txt` read as a Python string: code points,
//! as claimex does. A text-bound annotation may not cross a line break, so a span holding
//! one is written as fragments (`Content 10 42;43 60`); import takes a region from its first
//! fragment's start to its last fragment's end. A claim's types are binary attributes
//! (`A1\tquantity T7`); relations are `says` (source → cue) and `content` (cue → content).
//! `<name>` is the document id with every character outside `[A-Za-z0-9_-]` written `%XX`
//! (UTF-8 bytes), so import gets the id back from the file name.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::{ExchangeError, Imported};
use crate::annotations::{Annotated, Label, Region, relation_name};

/// A document id as a file name.
pub fn file_name(doc_id: &str) -> String {
    let mut s = String::new();
    for b in doc_id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    if s.is_empty() { "%".into() } else { s }
}

/// The document id of a file name written by [`file_name`].
pub fn doc_id(name: &str) -> String {
    let b = name.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn annotation_conf() -> String {
    let mut s = String::from("[entities]\n");
    for l in Label::ALL {
        let _ = writeln!(s, "{}", l.as_str());
    }
    s.push_str("\n[relations]\nsays\tArg1:Source, Arg2:Cue\ncontent\tArg1:Cue, Arg2:Content\n");
    s.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n");
    let mut types = crate::rules::claim::RULE_TYPES.to_vec();
    types.extend(["attributed", "other"]);
    for t in types {
        let _ = writeln!(s, "{t}\tArg:Claim");
    }
    s
}

fn visual_conf() -> String {
    let mut s = String::from("[labels]\n");
    for l in Label::ALL {
        let _ = writeln!(s, "{0} | {0}", l.as_str());
    }
    s.push_str("\n[drawing]\n");
    for l in Label::ALL {
        let _ = writeln!(s, "{}\tbgColor:{}", l.as_str(), l.colour());
    }
    s
}

/// A region's fragments: its span cut at line breaks, without empty pieces.
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = start;
    for at in start..=end {
        if at == end || chars.get(at) == Some(&'\n') {
            if at > from {
                out.push((from, at));
            }
            from = at + 1;
        }
    }
    if out.is_empty() {
        out.push((start, end));
    }
    out
}

/// One document's `.ann`.
pub fn ann(doc: &Annotated) -> String {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut s = String::new();
    let mut t_of: BTreeMap<&str, (usize, Label)> = BTreeMap::new();
    let mut attr = 0;
    for (i, r) in doc.regions.iter().enumerate() {
        let frags = fragments(&chars, r.start.min(chars.len()), r.end.min(chars.len()));
        let offsets: Vec<String> = frags.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let text: Vec<String> = frags.iter().map(|&(a, b)| chars[a..b].iter().collect()).collect();
        let _ = writeln!(s, "T{}\t{} {}\t{}", i + 1, r.label.as_str(), offsets.join(";"), text.join(" "));
        t_of.insert(&r.id, (i + 1, r.label));
        for t in &r.types {
            attr += 1;
            let _ = writeln!(s, "A{attr}\t{t} T{}", i + 1);
        }
    }
    for (n, (from, to)) in doc.relations.iter().enumerate() {
        if let (Some(&(a, la)), Some(&(b, lb))) = (t_of.get(from.as_str()), t_of.get(to.as_str())) {
            let name = relation_name(la, lb).unwrap_or("related");
            let _ = writeln!(s, "R{}\t{name} Arg1:T{a} Arg2:T{b}", n + 1);
        }
    }
    s
}

/// Write the collection.
pub fn export(docs: &[Annotated], dir: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    let mut written = Vec::new();
    for d in docs {
        let name = file_name(&d.doc_id);
        super::write(dir.join(format!("{name}.txt")), &d.text, &mut written)?;
        super::write(dir.join(format!("{name}.ann")), &ann(d), &mut written)?;
    }
    super::write(dir.join("annotation.conf"), &annotation_conf(), &mut written)?;
    super::write(dir.join("visual.conf"), &visual_conf(), &mut written)?;
    Ok(written)
}

/// Read one `.ann` over its text.
pub fn read_ann(doc_id: String, text: String, ann: &str, path: &Path) -> Result<Annotated, ExchangeError> {
    let mut regions: Vec<Region> = Vec::new();
    let mut relations = Vec::new();
    let mut attributes: Vec<(String, String)> = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let bad = |m: &str| ExchangeError::format(path, Some(n + 1), m.to_string());
        let mut cols = line.split('\t');
        let (Some(id), Some(body)) = (cols.next(), cols.next()) else { continue };
        let mut words = body.split(' ');
        let kind = words.next().unwrap_or("");
        match id.chars().next() {
            Some('T') => {
                let Some(label) = Label::parse(kind) else {
                    return Err(bad(&format!("unknown entity type {kind:?}")));
                };
                let offsets = body[kind.len()..].trim();
                let mut bounds = Vec::new();
                for frag in offsets.split(';') {
                    let mut p = frag.split_whitespace().map(str::parse::<usize>);
                    match (p.next(), p.next()) {
                        (Some(Ok(a)), Some(Ok(b))) => bounds.push((a, b)),
                        _ => return Err(bad(&format!("bad offsets {frag:?}"))),
                    }
                }
                let start = bounds.iter().map(|b| b.0).min().unwrap_or(0);
                let end = bounds.iter().map(|b| b.1).max().unwrap_or(0);
                regions.push(Region { id: id.to_string(), label, start, end, types: Vec::new() });
            }
            Some('R') => {
                let arg = |k: &str| body.split(' ').find_map(|w| w.strip_prefix(k)).map(str::to_owned);
                match (arg("Arg1:"), arg("Arg2:")) {
                    (Some(a), Some(b)) => relations.push((a, b)),
                    _ => return Err(bad("a relation needs Arg1 and Arg2")),
                }
            }
            Some('A' | 'M') => {
                if let Some(target) = words.next() {
                    attributes.push((target.to_string(), kind.to_string()));
                }
            }
            _ => {}
        }
    }
    for (target, name) in attributes {
        if let Some(r) = regions.iter_mut().find(|r| r.id == target && r.label == Label::Claim) {
            r.types.push(name);
        }
    }
    regions.sort_by(|a, b| (a.start, a.end, a.label, &a.id).cmp(&(b.start, b.end, b.label, &b.id)));
    Ok(Annotated { doc_id, text, regions, relations })
}

/// Read a brat collection directory (every `.ann` with its `.txt`), or one `.ann` file.
pub fn import(path: &Path) -> Result<Imported, ExchangeError> {
    let mut anns: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(ExchangeError::io(path))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ann"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    anns.sort();
    let mut out = Imported::default();
    for ann_path in anns {
        let txt_path = ann_path.with_extension("txt");
        let text = super::read(&txt_path)?;
        let ann = super::read(&ann_path)?;
        let stem = ann_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let doc = read_ann(doc_id(&stem), text, &ann, &ann_path)?;
        out.gold.push(doc.gold());
    }
    if out.gold.is_empty() {
        out.notes.push(format!("no .ann files in {}", path.display()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_the_id_back() {
        for id in ["plain", "dir/sub file.md", "东京 😀", "%41", ""] {
            let name = file_name(id);
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"%_-".contains(&b)), "{name}");
            if !id.is_empty() {
                assert_eq!(doc_id(&name), id);
            }
        }
    }

    #[test]
    fn spans_are_cut_at_line_breaks() {
        let chars: Vec<char> = "ab\ncd\n\nef".chars().collect();
        assert_eq!(fragments(&chars, 0, 9), [(0, 2), (3, 5), (7, 9)]);
        assert_eq!(fragments(&chars, 3, 5), [(3, 5)]);
    }
}
