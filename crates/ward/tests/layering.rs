//! The crate's top-level modules depend on each other in one direction only: the order
//! lib.rs lists them in, from the OS layer up to the public API. This test reads that
//! list and every module's source, and fails on any `crate::` path that names a module
//! listed later (or the module's own re-exported items), outside comments and unit tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules in the order of lib.rs's dependency list: its comment lines
/// `//   name   description` after "in dependency order".
fn declared_order(lib: &str) -> Vec<String> {
    let list = lib
        .split_once("in dependency order")
        .expect("lib.rs lists its modules in dependency order")
        .1;
    list.lines()
        .skip_while(|line| !line.starts_with("//   "))
        .take_while(|line| line.starts_with("//"))
        .filter_map(|line| {
            let rest = line.strip_prefix("//   ")?;
            let name = rest.split_whitespace().next()?;
            (!name.is_empty() && rest.starts_with(name)).then(|| name.to_string())
        })
        .collect()
}

/// Items lib.rs re-exports, by the module that defines them: `pub use m::{A, B};`.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = path
            .split("::")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let items = path.rsplit_once("::").map_or(path, |(_, items)| items);
        for item in items.split([',', '{', '}', ' ', '\n']) {
            if !item.is_empty() {
                map.insert(item.to_string(), module.clone());
            }
        }
    }
    map
}

/// The source of a top-level module: its file, or every file of its folder.
fn module_sources(name: &str) -> Vec<PathBuf> {
    let file = src().join(format!("{name}.rs"));
    if file.exists() {
        return vec![file];
    }
    let mut files = Vec::new();
    let mut dirs = vec![src().join(name)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no source for module `{name}`");
    files
}

/// The names after `crate::` in `text`, without comments and unit tests.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::X, b, C}`: the first name of each item of the group.
            let group = &group[..group.find(';').unwrap_or(group.len())];
            let mut depth = 0;
            let mut item = String::new();
            for ch in group.chars().chain([',']) {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth <= 0 => {
                        let head: String = item
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !head.is_empty() {
                            names.insert(head);
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(ch);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names
}

#[test]
fn modules_depend_on_earlier_modules_only() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let order = declared_order(&lib);
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("pub ").unwrap_or(line.trim());
            line.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    assert_eq!(
        declared,
        order.iter().map(String::as_str).collect(),
        "lib.rs's dependency list and its `mod` declarations name different modules"
    );
    let reexports = reexports(&lib);
    let rank = |name: &str| order.iter().position(|m| m == name);
    let mut wrong = Vec::new();
    for (position, module) in order.iter().enumerate() {
        for file in module_sources(module) {
            let text = std::fs::read_to_string(&file).unwrap();
            for name in crate_paths(&text) {
                let target = if rank(&name).is_some() {
                    name.clone()
                } else if let Some(defining) = reexports.get(&name) {
                    defining.clone()
                } else {
                    continue;
                };
                if target != *module && rank(&target).is_some_and(|r| r > position) {
                    wrong.push(format!(
                        "{}: `crate::{name}` names `{target}`, which lib.rs lists after `{module}`",
                        file.strip_prefix(src()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_paths_in_use_groups_and_skips_comments() {
    let names = crate_paths(
        "use crate::{a::X, b, c::{D, E}};\n// crate::hidden\nfn f() { crate::g::h(); }\n\
         #[cfg(test)]\nmod tests { use crate::later; }",
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(names, ["a", "b", "c", "g"]);
}
