//! No two modules of a workspace crate use each other (issue 15): a circle between two files
//! only exists because of where a type sits, and it makes every later move harder. The check
//! reads the sources (it does not compile them): for every file it collects the paths it
//! names through `crate::`, `super::`, `self::` and `use` of a child module, resolves each to
//! the file that defines the module (following `pub use` re-exports of `mod.rs`/`lib.rs`), and
//! fails on a pair of files that name each other. A `pub use` re-export in a parent module is
//! a facade, not a use, so it does not count as an edge of the parent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type ModPath = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.push(path.clone());
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `[a, b]`, `src/a/mod.rs` → `[a]`, `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut segs: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segs.len() == 1 && (segs[0] == "lib" || segs[0] == "main") {
        segs.clear();
    } else if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    segs
}

/// The text without `//` and `/* */` comments and without string literals (their content is
/// replaced by nothing), so paths in doc comments and strings are not counted.
fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '/' if b.get(i + 1) == Some(&'/') => {
                while i < b.len() && b[i] != '\n' {
                    i += 1;
                }
            }
            '/' if b.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A raw string r"…" or r#"…"#: skip to the matching quote and hashes.
            'r' if (i == 0 || !is_ident(b[i - 1])) && raw_hashes(&b[i + 1..]).is_some() => {
                let hashes = raw_hashes(&b[i + 1..]).unwrap_or(0);
                i += 2 + hashes;
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                while i < b.len() && !b[i..].starts_with(&close) {
                    i += 1;
                }
                i += close.len();
                out.push_str("\"\"");
            }
            '"' => {
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            // A char literal such as '"' (lifetimes have no closing quote right after).
            '\'' if b.get(i + 2) == Some(&'\'') => {
                i += 3;
            }
            '\'' if b.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// After the `r` of a raw string: the number of `#` before its opening quote.
fn raw_hashes(rest: &[char]) -> Option<usize> {
    let n = rest.iter().take_while(|c| **c == '#').count();
    (rest.get(n) == Some(&'"')).then_some(n)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// Expand a use tree (`a::{b, c::{d, self}}`) into its paths.
fn expand(toks: &[String], pos: &mut usize, prefix: &ModPath, out: &mut Vec<ModPath>) {
    let mut path = prefix.clone();
    while *pos < toks.len() {
        let t = toks[*pos].as_str();
        match t {
            "::" => *pos += 1,
            "{" => {
                *pos += 1;
                loop {
                    expand(toks, pos, &path, out);
                    match toks.get(*pos).map(String::as_str) {
                        Some(",") => *pos += 1,
                        Some("}") => {
                            *pos += 1;
                            break;
                        }
                        _ => break,
                    }
                    if toks.get(*pos).map(String::as_str) == Some("}") {
                        *pos += 1;
                        break;
                    }
                }
                return;
            }
            "," | "}" => break,
            "as" => *pos += 2,
            "*" => *pos += 1,
            "self" if path.len() > prefix.len() || !prefix.is_empty() => *pos += 1,
            _ => {
                path.push(t.to_string());
                *pos += 1;
            }
        }
    }
    out.push(path);
}

/// Paths of `use` statements (with whether the statement is `pub`) and the paths named in
/// code through `crate::`, `super::` or `self::`.
fn paths(text: &str) -> (Vec<(bool, ModPath)>, Vec<ModPath>) {
    let toks = tokens(text);
    let mut uses = Vec::new();
    let mut inline = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == "use" {
            let public = i > 0 && (toks[i - 1] == "pub" || toks[i - 1] == ")");
            let end = toks[i..]
                .iter()
                .position(|t| t == ";")
                .map_or(toks.len(), |p| i + p);
            let mut out = Vec::new();
            let mut pos = 0;
            expand(&toks[i + 1..end], &mut pos, &Vec::new(), &mut out);
            uses.extend(out.into_iter().map(|p| (public, p)));
            i = end;
            continue;
        }
        if matches!(toks[i].as_str(), "crate" | "super" | "self")
            && toks.get(i + 1).map(String::as_str) == Some("::")
        {
            let mut p = vec![toks[i].clone()];
            let mut j = i + 1;
            while toks.get(j).map(String::as_str) == Some("::")
                && toks.get(j + 1).is_some_and(|t| t.chars().all(is_ident))
            {
                p.push(toks[j + 1].clone());
                j += 2;
            }
            inline.push(p);
            i = j;
            continue;
        }
        i += 1;
    }
    (uses, inline)
}

/// The modules of a crate with the `use` paths of each (and whether the `use` is `pub`).
struct Crate {
    uses: BTreeMap<ModPath, Vec<(bool, ModPath)>>,
}

impl Crate {
    /// The absolute module path a path from `from` means, or `None` for another crate.
    fn absolute(&self, from: &ModPath, p: &ModPath) -> Option<ModPath> {
        let mut base = from.clone();
        let mut rest = p.as_slice();
        match rest.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            Some("self") => rest = &rest[1..],
            Some(first) => {
                let mut child = base.clone();
                child.push(first.to_string());
                if !self.uses.contains_key(&child) {
                    return None;
                }
            }
            None => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The module that defines what an absolute path names, following `pub use` re-exports.
    fn resolve(&self, abs: &ModPath, depth: usize) -> Option<ModPath> {
        let n = (0..=abs.len())
            .rev()
            .find(|n| self.uses.contains_key(&abs[..*n]))?;
        let module = abs[..n].to_vec();
        if let (Some(item), true) = (abs.get(n), depth < 8) {
            for (public, p) in &self.uses[&module] {
                if *public && p.last() == Some(item) {
                    if let Some(target) = self.absolute(&module, p) {
                        if target != *abs {
                            return self.resolve(&target, depth + 1);
                        }
                    }
                }
            }
        }
        Some(module)
    }

    fn is_parent(&self, module: &ModPath) -> bool {
        self.uses
            .keys()
            .any(|k| k.len() > module.len() && k.starts_with(module))
    }
}

/// The modules each file of the crate in `src` uses.
fn edges(src: &Path) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut all = Vec::new();
    rust_files(src, &mut all);
    let mut krate = Crate {
        uses: BTreeMap::new(),
    };
    let mut inline = BTreeMap::new();
    for f in all.iter().filter(|f| !f.starts_with(src.join("bin"))) {
        let module = module_of(src, f);
        if f.is_dir() {
            // A directory is a module even before its `mod.rs` is read.
            krate.uses.entry(module).or_default();
            continue;
        }
        let (uses, named) = paths(&strip(&std::fs::read_to_string(f).unwrap()));
        krate.uses.insert(module.clone(), uses);
        inline.insert(module, named);
    }
    let mut out: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, named) in &inline {
        let parent = krate.is_parent(module);
        let used = krate.uses[module]
            .iter()
            // A parent's `pub use child::X` is a facade, not a use.
            .filter(|(public, _)| !(*public && parent))
            .map(|(_, p)| p)
            .chain(named.iter());
        for path in used {
            let target = krate
                .absolute(module, path)
                .and_then(|abs| krate.resolve(&abs, 0));
            if let Some(target) = target.filter(|t| t != module) {
                out.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    out
}

fn show(crate_name: &str, m: &ModPath) -> String {
    if m.is_empty() {
        crate_name.to_string()
    } else {
        format!("{crate_name}::{}", m.join("::"))
    }
}

#[test]
fn no_two_modules_use_each_other() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut circles = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().replace('-', "_");
        let e = edges(&src);
        checked += e.len();
        for (a, targets) in &e {
            for b in targets.iter().filter(|b| *b > a) {
                if e.get(b).is_some_and(|t| t.contains(a)) {
                    circles.push(format!("{} <-> {}", show(&name, a), show(&name, b)));
                }
            }
        }
    }
    // The check sees the workspace (guards against a wrong root making it pass vacuously).
    assert!(checked > 50, "only {checked} modules with uses found");
    assert!(
        circles.is_empty(),
        "modules that use each other:\n{}",
        circles.join("\n")
    );
}

/// The parser on a known shape: nested use trees, re-exports and inline paths.
#[test]
fn parser_sees_use_trees_and_inline_paths() {
    let (uses, inline) = paths(&strip(
        "// use crate::comment::X;\npub use a::{b::C, d::{self, E as F}};\n\
         fn f() { let s = \"crate::string\"; super::g::h(); }",
    ));
    let uses: Vec<(bool, String)> = uses.into_iter().map(|(p, u)| (p, u.join("::"))).collect();
    assert_eq!(
        uses,
        vec![
            (true, "a::b::C".to_string()),
            (true, "a::d".to_string()),
            (true, "a::d::E".to_string()),
        ]
    );
    assert_eq!(
        inline,
        vec![vec!["super".to_string(), "g".into(), "h".into()]]
    );
}
