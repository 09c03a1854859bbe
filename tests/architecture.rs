//! The shape of the crate: the top-level modules (the children of `src/lib.rs`) form layers,
//! each using only modules listed before it in `lib.rs`, so there is no cycle between them.
//!
//! This reads the source as text — no build, no dependencies — and follows the module tree from
//! `lib.rs`. Comments, strings and `#[cfg(test)]` items do not count: tests may reach anywhere.
//! A module names another through `crate::…` paths (in `use` trees, braces included, and inline)
//! and through `super::…` paths that climb back to the crate root.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where one module names another: a file under `src/` and a line in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    file: String,
    line: usize,
}

/// The top-level modules in `lib.rs` order, and which of them each one names, where.
#[derive(Debug, Default)]
struct Graph {
    order: Vec<String>,
    /// For each module in `order`, its group: `pub mod` lines not parted by a blank line.
    groups: Vec<usize>,
    uses: BTreeMap<String, BTreeMap<String, BTreeSet<Site>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Source text as tokens with their line numbers, without comments, strings or characters.
fn tokenize(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            i += chars[i..].iter().position(|&c| c == '"').unwrap_or(0) + 1;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += closing.len();
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a), which has no
            // closing quote right after its first character.
            if at(i + 1) == '\\' {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push((Token::PathSep, line));
            i += 2;
        } else {
            tokens.push((Token::Punct(c), line));
            i += 1;
        }
    }
    tokens
}

/// The number of `#`s when a raw string (`r"…"`, `r#"…"#`, `br"…"`) starts at `i`.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some(hashes)
}

fn is_ident(token: Option<&(Token, usize)>, name: &str) -> bool {
    matches!(token, Some((Token::Ident(n), _)) if n == name)
}

fn is_punct(token: Option<&(Token, usize)>, c: char) -> bool {
    matches!(token, Some((Token::Punct(p), _)) if *p == c)
}

/// The index just past the bracketed group that opens at `open`.
fn skip_group(tokens: &[(Token, usize)], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, (token, _)) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct('{' | '[' | '(') => depth += 1,
            Token::Punct('}' | ']' | ')') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Drops every item marked `#[cfg(test)]`: up to its `;`, or through its `{ … }` body.
fn without_test_items(tokens: Vec<(Token, usize)>) -> Vec<(Token, usize)> {
    let test_attribute = |i: usize| {
        is_punct(tokens.get(i), '#')
            && is_punct(tokens.get(i + 1), '[')
            && is_ident(tokens.get(i + 2), "cfg")
            && is_punct(tokens.get(i + 3), '(')
            && is_ident(tokens.get(i + 4), "test")
            && is_punct(tokens.get(i + 5), ')')
            && is_punct(tokens.get(i + 6), ']')
    };
    let mut kept = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if !test_attribute(i) {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += 7;
        while i < tokens.len() {
            match &tokens[i].0 {
                Token::Punct(';') => {
                    i += 1;
                    break;
                }
                Token::Punct('{') => {
                    i = skip_group(&tokens, i);
                    break;
                }
                Token::Punct('[' | '(') => i = skip_group(&tokens, i),
                _ => i += 1,
            }
        }
    }
    kept
}

/// The first segments of a `{ … }` use group opening at `open`, with their lines.
fn group_heads(tokens: &[(Token, usize)], open: usize) -> Vec<(String, usize)> {
    let end = skip_group(tokens, open);
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    for (token, line) in &tokens[open..end] {
        match token {
            Token::Punct('{') => {
                depth += 1;
                expecting = depth == 1;
            }
            Token::Punct('}') => depth -= 1,
            Token::Punct(',') if depth == 1 => expecting = true,
            Token::Ident(name) if depth == 1 && expecting => {
                heads.push((name.clone(), *line));
                expecting = false;
            }
            _ => expecting = false,
        }
    }
    heads
}

/// One file of the module tree: its path under `src/` and its depth below the crate root.
struct ModuleFile {
    path: PathBuf,
    depth: usize,
}

/// What one file's code names at the crate root: names with their lines, and the files of the
/// modules it declares.
fn read_file(source: &str, file: &ModuleFile) -> (Vec<(String, usize)>, Vec<ModuleFile>) {
    let tokens = without_test_items(tokenize(source));
    let mut named = Vec::new();
    let mut children = Vec::new();
    // The depth of each open brace that starts an inline `mod name { … }`.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut braces = 0;
    let dir = match file.path.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => file.path.parent().map(Path::to_path_buf),
        _ => Some(file.path.with_extension("")),
    }
    .unwrap_or_default();
    let mut i = 0;
    while i < tokens.len() {
        let depth = file.depth + inline_mods.len();
        match &tokens[i].0 {
            Token::Punct('{') => braces += 1,
            Token::Punct('}') => {
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                braces -= 1;
            }
            Token::Ident(word) if word == "mod" && i + 2 < tokens.len() => {
                if let Token::Ident(name) = &tokens[i + 1].0 {
                    if is_punct(tokens.get(i + 2), ';') && inline_mods.is_empty() {
                        let flat = dir.join(format!("{name}.rs"));
                        children.push(ModuleFile {
                            path: flat,
                            depth: file.depth + 1,
                        });
                    } else if is_punct(tokens.get(i + 2), '{') {
                        inline_mods.push(braces + 1);
                    }
                }
            }
            Token::Ident(word)
                if (word == "crate" || (word == "chairside" && file.depth == 0))
                    && matches!(tokens.get(i + 1), Some((Token::PathSep, _)))
                    && !matches!(tokens.get(i.wrapping_sub(1)), Some((Token::PathSep, _))) =>
            {
                named.extend(path_heads(&tokens, i + 2));
            }
            Token::Ident(word)
                if word == "super"
                    && !matches!(tokens.get(i.wrapping_sub(1)), Some((Token::PathSep, _))) =>
            {
                let mut climbs = 0;
                let mut j = i;
                while is_ident(tokens.get(j), "super")
                    && matches!(tokens.get(j + 1), Some((Token::PathSep, _)))
                {
                    climbs += 1;
                    j += 2;
                }
                if climbs > 0 && climbs == depth {
                    named.extend(path_heads(&tokens, j));
                }
                i = j.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (named, children)
}

/// The names a path continues with at `i`: one segment, or the heads of a `{ … }` group.
fn path_heads(tokens: &[(Token, usize)], i: usize) -> Vec<(String, usize)> {
    match tokens.get(i) {
        Some((Token::Ident(name), line)) => vec![(name.clone(), *line)],
        Some((Token::Punct('{'), _)) => group_heads(tokens, i),
        _ => Vec::new(),
    }
}

/// Reads the crate whose files `read` returns by their path under `src/`.
fn graph_of(read: &dyn Fn(&Path) -> Option<String>) -> Result<Graph, String> {
    let lib = Path::new("lib.rs");
    let source = read(lib).ok_or("no lib.rs")?;
    let root = ModuleFile {
        path: lib.to_path_buf(),
        depth: 0,
    };
    let (_, tops) = read_file(&source, &root);
    let mut graph = Graph {
        order: tops
            .iter()
            .filter_map(|m| m.path.file_stem()?.to_str().map(str::to_owned))
            .collect(),
        groups: mod_groups(&source),
        ..Graph::default()
    };
    if graph.groups.len() != graph.order.len() {
        return Err("lib.rs declares modules other than by `pub mod name;` lines".to_owned());
    }
    let mut pending: Vec<(String, ModuleFile)> = graph.order.iter().cloned().zip(tops).collect();
    if read(Path::new("main.rs")).is_some() {
        pending.push((
            "main".to_owned(),
            ModuleFile {
                path: "main.rs".into(),
                depth: 0,
            },
        ));
    }
    while let Some((top, file)) = pending.pop() {
        let (path, source) = match read(&file.path) {
            Some(source) => (file.path.clone(), source),
            None => {
                let nested = file.path.with_extension("").join("mod.rs");
                let source = read(&nested)
                    .ok_or_else(|| format!("module file {} not found", file.path.display()))?;
                (nested, source)
            }
        };
        let file = ModuleFile {
            path,
            depth: file.depth,
        };
        let (named, children) = read_file(&source, &file);
        let uses = graph.uses.entry(top.clone()).or_default();
        for (name, line) in named {
            if name != top && graph.order.contains(&name) {
                uses.entry(name).or_default().insert(Site {
                    file: file.path.display().to_string(),
                    line,
                });
            }
        }
        pending.extend(children.into_iter().map(|child| (top.clone(), child)));
    }
    Ok(graph)
}

/// The group of each `mod` line of `lib.rs`, counting up at every other line between them.
fn mod_groups(lib: &str) -> Vec<usize> {
    let mut groups = Vec::new();
    let mut group = 0;
    let mut parted = false;
    for line in lib.lines().map(str::trim) {
        let declaration = line.strip_prefix("pub ").unwrap_or(line);
        if declaration.starts_with("mod ") && declaration.ends_with(';') {
            if parted && !groups.is_empty() {
                group += 1;
            }
            groups.push(group);
            parted = false;
        } else {
            parted = true;
        }
    }
    groups
}

impl Graph {
    fn targets(&self, module: &str) -> impl Iterator<Item = &String> {
        self.uses.get(module).into_iter().flat_map(BTreeMap::keys)
    }

    fn sites(&self, from: &str, to: &str) -> String {
        let sites = &self.uses[from][to];
        let listed: Vec<String> = sites
            .iter()
            .map(|s| format!("src/{}:{}", s.file, s.line))
            .collect();
        format!("  {from} -> {to}: {}", listed.join(", "))
    }

    /// The groups of modules that reach each other (Tarjan's strongly connected components).
    fn cycles(&self) -> Vec<Vec<String>> {
        struct Search<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g str, usize>,
            low: BTreeMap<&'g str, usize>,
            stack: Vec<&'g str>,
            found: Vec<Vec<String>>,
        }
        fn visit<'g>(s: &mut Search<'g>, node: &'g str) {
            let n = s.index.len();
            s.index.insert(node, n);
            s.low.insert(node, n);
            s.stack.push(node);
            for next in s.graph.targets(node) {
                let next = next.as_str();
                if !s.index.contains_key(next) {
                    visit(s, next);
                    let low = s.low[node].min(s.low[next]);
                    s.low.insert(node, low);
                } else if s.stack.contains(&next) {
                    let low = s.low[node].min(s.index[next]);
                    s.low.insert(node, low);
                }
            }
            if s.low[node] == s.index[node] {
                let at = s.stack.iter().rposition(|&m| m == node).unwrap_or(0);
                let mut group: Vec<String> = s.stack.drain(at..).map(str::to_owned).collect();
                if group.len() > 1 {
                    group.sort();
                    s.found.push(group);
                }
            }
        }
        let mut search = Search {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            found: Vec::new(),
        };
        for node in self.uses.keys() {
            if !search.index.contains_key(node.as_str()) {
                visit(&mut search, node);
            }
        }
        search.found.sort();
        search.found
    }

    /// Every cycle with the lines that make it, or nothing.
    fn cycle_report(&self) -> String {
        let mut report = String::new();
        for group in self.cycles() {
            let _ = writeln!(report, "cycle between {}:", group.join(", "));
            for from in &group {
                for to in self.targets(from).filter(|t| group.contains(t)) {
                    let _ = writeln!(report, "{}", self.sites(from, to));
                }
            }
        }
        report
    }

    /// Every use of a module not in an earlier group of `lib.rs`, or nothing. `main.rs` is
    /// above everything.
    fn layer_report(&self) -> String {
        let rank = |m: &str| {
            let at = self.order.iter().position(|o| o == m);
            at.map_or(usize::MAX, |at| self.groups[at])
        };
        let mut report = String::new();
        for (from, uses) in &self.uses {
            for to in uses.keys().filter(|to| rank(to) >= rank(from)) {
                let _ = writeln!(report, "{}", self.sites(from, to));
            }
        }
        report
    }

    /// `module -> the modules it uses`, one line each, in layer order.
    fn render(&self) -> String {
        let mut out = String::new();
        let main = self.uses.contains_key("main").then(|| "main".to_owned());
        for module in self.order.iter().chain(&main) {
            let targets: Vec<&str> = self.targets(module).map(String::as_str).collect();
            let _ = writeln!(out, "{module} -> {}", targets.join(" "));
        }
        out
    }
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn this_crate() -> Graph {
    let src = src_dir();
    graph_of(&|path| std::fs::read_to_string(src.join(path)).ok()).expect("the crate's source")
}

#[test]
fn top_level_modules_have_no_cycles() {
    let report = this_crate().cycle_report();
    assert!(
        report.is_empty(),
        "top-level modules use each other:\n{report}"
    );
}

#[test]
fn each_module_uses_only_groups_listed_before_it_in_lib_rs() {
    let report = this_crate().layer_report();
    assert!(
        report.is_empty(),
        "these uses point up (or across) the layers of src/lib.rs:\n{report}"
    );
}

/// The layer list in the crate documentation is the `pub mod` order, one entry per module.
#[test]
fn lib_rs_documents_every_layer_in_order() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).expect("lib.rs");
    let documented: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! - [`")?.split('`').next())
        .collect();
    assert_eq!(documented, this_crate().order);
}

/// A file longer than this before its tests is doing more than one thing: split it along the
/// seams it already has.
const MOST_LINES_BEFORE_TESTS: usize = 800;

/// The lines of a source file before its first `#[cfg(test)]`, which starts the part that may
/// grow with the cases it covers.
fn lines_before_tests(source: &str) -> usize {
    source
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .count()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_file_is_over_800_lines_before_its_tests() {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    assert!(files.len() > 50, "the source tree was not found: {files:?}");
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let source = std::fs::read_to_string(path).expect("a readable source file");
            let lines = lines_before_tests(&source);
            (lines > MOST_LINES_BEFORE_TESTS).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}

/// Run with `--nocapture` to see the graph the other tests check.
#[test]
fn print_module_graph() {
    print!("{}", this_crate().render());
}

#[cfg(test)]
mod checker {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> Graph {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, s)| (PathBuf::from(p), (*s).to_owned()))
            .collect();
        graph_of(&|path| files.get(path).cloned()).expect("synthetic crate")
    }

    const LIB: &str = "//! Doc.\npub mod low;\n\npub mod mid;\n\npub mod high;\n";

    #[test]
    fn only_lines_before_the_first_test_module_count() {
        assert_eq!(lines_before_tests("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
        assert_eq!(lines_before_tests("a\n    #[cfg(test)]\nb\n"), 1);
        assert_eq!(lines_before_tests("a\nb\nc\n"), 3);
    }

    #[test]
    fn finds_a_cycle_with_its_lines() {
        let g = graph(&[
            ("lib.rs", LIB),
            ("low.rs", "use crate::mid::Thing;\n"),
            ("mid/mod.rs", "mod inner;\npub struct Thing;\n"),
            ("mid/inner.rs", "\n\nfn f() { super::super::low::g(); }\n"),
            ("high.rs", "use crate::{low, mid::Thing};\n"),
        ]);
        assert_eq!(g.cycles(), vec![vec!["low".to_owned(), "mid".to_owned()]]);
        let report = g.cycle_report();
        assert!(report.contains("low -> mid: src/low.rs:1"), "{report}");
        assert!(
            report.contains("mid -> low: src/mid/inner.rs:3"),
            "{report}"
        );
        assert!(g.layer_report().contains("low -> mid"));
        assert!(!g.layer_report().contains("high ->"));
    }

    #[test]
    fn modules_of_one_group_may_not_use_each_other() {
        let g = graph(&[
            (
                "lib.rs",
                "pub mod low;\n\n// Both on the same layer.\npub mod mid;\npub mod high;\n",
            ),
            ("low.rs", ""),
            ("mid.rs", "use crate::low;\n"),
            ("high.rs", "use crate::{low, mid};\n"),
        ]);
        assert_eq!(g.groups, [0, 1, 1]);
        assert!(g.cycles().is_empty());
        let report = g.layer_report();
        assert_eq!(
            report.lines().collect::<Vec<_>>(),
            ["  high -> mid: src/high.rs:1"]
        );
    }

    #[test]
    fn reads_nested_use_groups_and_inline_paths() {
        let g = graph(&[
            ("lib.rs", LIB),
            ("low.rs", ""),
            ("mid.rs", ""),
            (
                "high.rs",
                "use crate::{\n    self as c,\n    low::{a, b::{c, d}},\n};\n\
                 fn f() { let _ = crate::mid::x(); }\n",
            ),
        ]);
        let uses: Vec<&String> = g.targets("high").collect();
        assert_eq!(uses, ["low", "mid"]);
        assert_eq!(g.uses["high"]["mid"].first().map(|s| s.line), Some(5));
        assert!(g.cycles().is_empty());
    }

    #[test]
    fn ignores_comments_strings_and_test_items() {
        let g = graph(&[
            ("lib.rs", LIB),
            (
                "low.rs",
                "//! See [`crate::high`].\n/* crate::high */\nconst S: &str = \"crate::high\";\n\
                 const R: &str = r#\"crate::high\"#;\nconst C: char = '\"';\nfn l<'a>(x: &'a str) {}\n\
                 #[cfg(test)]\nmod tests { use crate::high; }\n#[cfg(test)]\nmod more;\n\
                 #[cfg(test)]\nuse crate::mid;\n",
            ),
            ("mid.rs", "mod sub { fn f() { super::super::low::x(); } }\n"),
            ("high.rs", ""),
        ]);
        assert!(g.targets("low").next().is_none(), "{:?}", g.uses["low"]);
        assert_eq!(g.targets("mid").collect::<Vec<_>>(), ["low"]);
    }

    #[test]
    fn super_within_a_module_stays_inside_it() {
        let g = graph(&[
            ("lib.rs", LIB),
            ("low/mod.rs", "mod a;\nmod b;\n"),
            ("low/a.rs", "use super::b::mid;\n"),
            ("low/b.rs", ""),
            ("mid.rs", ""),
            ("high.rs", ""),
        ]);
        assert!(g.targets("low").next().is_none(), "{:?}", g.uses["low"]);
    }
}
