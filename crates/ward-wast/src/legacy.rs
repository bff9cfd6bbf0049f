//! The folded form of the legacy exception-handling instructions, which the `wast`
//! crate no longer parses: `(try $l? blocktype (do ...) (catch $t ...)* (catch_all
//! ...)?)` and `(try ... (do ...) (delegate $l))`. The spec suite's
//! `legacy-exceptions` scripts are written in it; [`unfold_legacy_try`] rewrites it to
//! the flat form (`try ... catch $t ... end`), which the crate does parse.
//!
//! Only brackets and keywords change, in place, and no line break is added or
//! removed: the lines of error messages stay those of the script.

/// A list of the text: where its `(` and `)` are, its first word, and its direct
/// child lists.
struct List {
    open: usize,
    close: usize,
    head: String,
    children: Vec<usize>,
}

/// `text` with every folded legacy `try` unfolded; `text` itself when it has none.
pub(crate) fn unfold_legacy_try(text: &str) -> std::borrow::Cow<'_, str> {
    let lists = lists(text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for list in lists.iter().filter(|l| l.head == "try") {
        let mut delegated = false;
        for &child in &list.children {
            let child = &lists[child];
            let keyword = match child.head.as_str() {
                "do" => "",
                "catch" => "catch",
                "catch_all" => "catch_all",
                "delegate" => {
                    delegated = true;
                    "delegate"
                }
                _ => continue,
            };
            // `(do` becomes `   `, `(catch` ` catch`: the keyword stays in place.
            let head_end = child.open + 1 + child.head.len();
            edits.push((child.open, head_end, pad(keyword, head_end - child.open)));
            edits.push((child.close, child.close + 1, " ".to_string()));
        }
        edits.push((list.open, list.open + 1, " ".to_string()));
        let end = if delegated { " " } else { " end" };
        edits.push((list.close, list.close + 1, end.to_string()));
    }
    if edits.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    edits.sort_by_key(|&(start, _, _)| start);
    let mut out = String::with_capacity(text.len() + edits.len() * 3);
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.push_str(&text[at..start]);
        out.push_str(&replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// `word` right-aligned in `width` columns (`word` is never wider).
fn pad(word: &str, width: usize) -> String {
    format!("{word:>width$}")
}

/// The lists of `text`, skipping strings and comments; unbalanced brackets end the
/// scan (the parser reports them).
fn lists(text: &str) -> Vec<List> {
    let bytes = text.as_bytes();
    let mut lists: Vec<List> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b';' if bytes.get(i + 1) == Some(&b';') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' if bytes.get(i + 1) == Some(&b';') => {
                let mut depth = 1;
                i += 2;
                while i < bytes.len() && depth > 0 {
                    if bytes[i..].starts_with(b"(;") {
                        depth += 1;
                        i += 1;
                    } else if bytes[i..].starts_with(b";)") {
                        depth -= 1;
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            b'(' => {
                let head: String = text[i + 1..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '(' && *c != ')')
                    .collect();
                let index = lists.len();
                if let Some(&parent) = open.last() {
                    lists[parent].children.push(index);
                }
                open.push(index);
                lists.push(List {
                    open: i,
                    close: i,
                    head,
                    children: Vec::new(),
                });
            }
            b')' => match open.pop() {
                Some(list) => lists[list].close = i,
                None => break,
            },
            _ => {}
        }
        i += 1;
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::unfold_legacy_try;

    #[test]
    fn folded_try_becomes_flat_in_place() {
        let text = "(func (try $l (result i32)\n  (do (i32.const 1))\n  (catch $e (i32.const 2))\n  (catch_all (i32.const 3))))\n";
        let flat = unfold_legacy_try(text);
        assert_eq!(
            flat,
            "(func  try $l (result i32)\n      (i32.const 1) \n   catch $e (i32.const 2) \n   catch_all (i32.const 3)  end)\n"
        );
        assert_eq!(flat.lines().count(), text.lines().count());
        let delegate = unfold_legacy_try("(try (do (throw $e)) (delegate 0))");
        assert_eq!(delegate, " try     (throw $e)   delegate 0  ");
        // Strings and comments are left alone, as is text without a folded try.
        let other = "(module ;; (try (do))\n (; (try ;) (data \"(try (do)\"))";
        assert_eq!(unfold_legacy_try(other), other);
    }
}
