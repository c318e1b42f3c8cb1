//! The import direction: every top-level module of `src/` sits on a layer (the `layers` block
//! of ARCHITECTURE.md, read from there so the document and the check cannot drift apart), and
//! a module may import only from layers below its own. Test-only code (`#[cfg(test)]` modules
//! and the files they declare) wires stages together freely and is not checked.

// A test crate: a failed expectation is the test's verdict.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → layer, from ARCHITECTURE.md's fenced `layers` block: one line per layer,
/// `N name name …`, bottom first.
fn layers() -> BTreeMap<String, u32> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let block = doc
        .split("```layers\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("ARCHITECTURE.md has a ```layers block");
    let mut out = BTreeMap::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let n: u32 = words
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("layer line without a number: {line}"));
        for name in words {
            assert!(out.insert(name.to_string(), n).is_none(), "{name} twice");
        }
    }
    out
}

/// Every `.rs` file under `dir`, with the files that only tests compile left out.
fn sources(dir: &Path, test_only: &BTreeSet<PathBuf>, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if test_only.iter().any(|t| p.starts_with(t)) {
            continue;
        }
        if p.is_dir() {
            sources(&p, test_only, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The files and folders declared by `#[cfg(test)] mod x;` in `file`.
fn declared_test_modules(file: &Path, text: &str) -> Vec<PathBuf> {
    let dir = if file
        .file_name()
        .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
    {
        file.parent().map(Path::to_path_buf)
    } else {
        file.parent()
            .map(|d| d.join(file.file_stem().unwrap_or_default()))
    };
    let Some(dir) = dir else { return Vec::new() };
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = Vec::new();
    for w in lines.windows(2) {
        if !w[0].starts_with("#[cfg(test)]") {
            continue;
        }
        let decl = w[1]
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
            out.push(dir.join(format!("{name}.rs")));
            out.push(dir.join(name));
        }
    }
    out
}

/// The code of a file that the library compiles: comments dropped, and cut at its inline
/// `#[cfg(test)] mod tests { … }` (by convention the file's last item).
fn library_code(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|n| n.trim().starts_with("mod ") && n.trim().ends_with('{'))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The top-level modules `code` names through `crate::`, grouped imports included.
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        // `shenbao::crate::` cannot happen; `$crate::` in macros refers to this crate too.
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first segment of every top-level item of the group.
            let mut depth = 1;
            let mut at_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => at_start = true,
                    c if c.is_whitespace() => {}
                    _ if at_start && depth == 1 => {
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            out.insert(name);
                        }
                        at_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn modules_import_only_downward() {
    let layers = layers();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Test-only files are found from their declarations, level by level.
    let mut test_only = BTreeSet::new();
    loop {
        let mut files = Vec::new();
        sources(&src, &test_only, &mut files);
        let before = test_only.len();
        for f in &files {
            let text = std::fs::read_to_string(f).expect("source readable");
            test_only.extend(declared_test_modules(f, &text));
        }
        if test_only.len() == before {
            break;
        }
    }
    let mut files = Vec::new();
    sources(&src, &test_only, &mut files);

    let mut upward = Vec::new();
    let mut unplaced = BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_string())
            .unwrap_or_default();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(&mine) = layers.get(&top) else {
            unplaced.insert(top);
            continue;
        };
        let text = std::fs::read_to_string(f).expect("source readable");
        for other in crate_references(&library_code(&text)) {
            if other == top {
                continue;
            }
            match layers.get(&other) {
                None => {
                    unplaced.insert(other);
                }
                Some(&theirs) if theirs >= mine => upward.push(format!(
                    "{} ({top}, layer {mine}) imports {other} (layer {theirs})",
                    rel.display()
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules on no layer of ARCHITECTURE.md: {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "imports that do not run downward:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_reader_of_imports_sees_groups_and_paths() {
    let code = "use crate::{forms::{a, b}, rules::Code};\nlet x = crate::store::Store::open();\n";
    let refs: Vec<String> = crate_references(code).into_iter().collect();
    assert_eq!(refs, ["forms", "rules", "store"]);
    let cut =
        library_code("use crate::a;\n// crate::b\n#[cfg(test)]\nmod tests {\nuse crate::c;\n}\n");
    assert_eq!(crate_references(&cut).len(), 1);
}
