//! The repository documents itself: every relative link of the top-level documentation
//! (README.md, ARCHITECTURE.md, lessons/README.md, docs/*.md) names a file or folder of
//! the repository, and none of them sends the reader to a spec that lives outside it.

use std::path::{Component, Path, PathBuf};

/// Words that point outside the repository: a reader of a clone has no such folder.
const OUTSIDE_REFERENCES: [&str; 2] = ["shared/spec", "../shared"];

/// The repository's root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The documents checked, as paths relative to the root.
fn documents() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "lessons/README.md"]
        .iter()
        .map(PathBuf::from)
        .collect();
    let docs = root().join("docs");
    let mut in_docs: Vec<PathBuf> = std::fs::read_dir(&docs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", docs.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| Path::new("docs").join(path.file_name().expect("a file name")))
        .collect();
    in_docs.sort();
    assert!(!in_docs.is_empty(), "docs/ holds the language's reference");
    files.extend(in_docs);
    files
}

/// The text with fenced code blocks and inline code spans blanked out (line ends kept,
/// so line numbers stay right): a `[x](y)` inside code is an example, not a link.
fn without_code(text: &str) -> String {
    let mut prose = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let first = marker.chars().next();
        let is_fence = marker.len() >= 3 && marker.chars().all(|c| Some(c) == first);
        match &fence {
            Some(open) if is_fence && marker.starts_with(open.as_str()) => fence = None,
            Some(_) => {}
            None if is_fence => fence = Some(marker),
            None => {
                prose.push_str(line);
                continue;
            }
        }
        prose.push_str(if line.ends_with('\n') { "\n" } else { "" });
    }
    blank_code_spans(&prose)
}

/// Blanks every inline code span: a run of backticks up to the next run of the same
/// length (a span may cross a line end).
fn blank_code_spans(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            let next = text[i..].find('`').map_or(text.len(), |n| i + n);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let delimiter = "`".repeat(run);
        let mut search = i + run;
        let close = loop {
            match text[search..].find(&delimiter) {
                None => break None,
                Some(at) => {
                    let start = search + at;
                    let length = bytes[start..].iter().take_while(|&&b| b == b'`').count();
                    if length == run {
                        break Some(start);
                    }
                    search = start + length;
                }
            }
        };
        match close {
            Some(close) => {
                for c in text[i..close + run].chars() {
                    out.push(if c == '\n' { '\n' } else { ' ' });
                }
                i = close + run;
            }
            // An unmatched run is literal backticks.
            None => {
                out.push_str(&delimiter);
                i += run;
            }
        }
    }
    out
}

/// Every link target of a Markdown text, with its line: `[text](target)` and
/// `![alt](target)`, reference definitions `[name]: target`, and `<a href="target">`.
fn link_targets(markdown: &str) -> Vec<(usize, String)> {
    let prose = without_code(markdown);
    let mut targets = Vec::new();
    for (index, line) in prose.lines().enumerate() {
        let number = index + 1;
        // (byte offset in the line, target): sorted below, so links come in reading order.
        let mut found: Vec<(usize, String)> = Vec::new();
        let offset_of = |rest: &str| line.len() - rest.len();
        // Inline links: the target runs from `](` to the `)` that balances it.
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let mut depth = 0usize;
            let mut end = after.len();
            for (i, c) in after.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = i;
                        break;
                    }
                    ')' => depth -= 1,
                    _ => {}
                }
            }
            found.push((offset_of(after), destination(&after[..end])));
            rest = &after[end..];
        }
        // Reference definitions: `[name]: target "title"` at the start of a line.
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some(close) = trimmed.find("]:")
        {
            found.push((offset_of(trimmed), destination(&trimmed[close + 2..])));
        }
        // HTML anchors.
        let mut rest = line;
        while let Some(at) = rest.find("href=") {
            let after = &rest[at + 5..];
            let quote = after.chars().next().unwrap_or(' ');
            let value = if quote == '"' || quote == '\'' {
                after[1..].split(quote).next().unwrap_or("")
            } else {
                after.split([' ', '>']).next().unwrap_or("")
            };
            found.push((offset_of(after), value.to_string()));
            rest = after;
        }
        found.sort_by_key(|&(offset, _)| offset);
        targets.extend(found.into_iter().map(|(_, target)| (number, target)));
    }
    targets
}

/// The destination of a link: `<target>`, or the text before an optional title.
fn destination(inside: &str) -> String {
    let inside = inside.trim();
    if let Some(angled) = inside.strip_prefix('<') {
        return angled.split('>').next().unwrap_or("").to_string();
    }
    inside.split_whitespace().next().unwrap_or("").to_string()
}

/// `%XX` escapes decoded (`%20` is a space in a file name).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path a relative link names, from the document's folder (from the root for a
/// leading `/`, as GitHub reads it), or `None` for a link that is not a path in the
/// repository: a web address, a mail address or an anchor in the same page.
fn local_path(document: &Path, target: &str) -> Option<PathBuf> {
    let lower = target.to_ascii_lowercase();
    if target.is_empty()
        || target.starts_with('#')
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
    {
        return None;
    }
    let path = target.split(['#', '?']).next().unwrap_or(target);
    let path = percent_decoded(path);
    Some(match path.strip_prefix('/') {
        Some(from_root) => PathBuf::from(from_root),
        None => document.parent().unwrap_or(Path::new("")).join(path),
    })
}

/// A path relative to the root with `.` and `..` worked out; `None` when it climbs out
/// of the repository.
fn normalized(relative: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

#[test]
fn every_relative_link_names_a_file_or_folder_of_the_repository() {
    let root = root();
    let mut broken = Vec::new();
    let mut checked = 0;
    for document in documents() {
        let text = std::fs::read_to_string(root.join(&document))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", document.display()));
        for (line, target) in link_targets(&text) {
            let Some(path) = local_path(&document, &target) else {
                continue;
            };
            checked += 1;
            let inside = normalized(&path).filter(|p| root.join(p).exists());
            if inside.is_none() {
                broken.push(format!(
                    "{}:{line}: ({target}) names nothing in the repository",
                    document.display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 0, "the documents link to their neighbours");
}

#[test]
fn no_document_points_outside_the_repository() {
    let root = root();
    let mut found = Vec::new();
    for document in documents() {
        let text = std::fs::read_to_string(root.join(&document))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", document.display()));
        for (index, line) in text.lines().enumerate() {
            if let Some(word) = OUTSIDE_REFERENCES.iter().find(|w| line.contains(*w)) {
                found.push(format!(
                    "{}:{}: mentions {word}: {}",
                    document.display(),
                    index + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the language's reference is docs/graph-script.md:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_link_reader_finds_links_and_only_links() {
    let markdown = "See [the guide](docs/a.md#part), ![a picture](img/b.png \"title\")\n\
                    and [nested](c_(1).md), <a href=\"d.md\">d</a>, [web](https://x.org).\n\
                    [ref]: <e f.md>\n\
                    `[code](not/a/link.md)` and ``a ` [span](no.md)``\n\
                    ```rust\n\
                    let v = x[0](1); // [fenced](no.md)\n\
                    ```\n\
                    [after](g.md)\n";
    let targets: Vec<String> = link_targets(markdown).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        targets,
        [
            "docs/a.md#part",
            "img/b.png",
            "c_(1).md",
            "d.md",
            "https://x.org",
            "e f.md",
            "g.md"
        ]
    );
    let lines: Vec<usize> = link_targets(markdown).into_iter().map(|(l, _)| l).collect();
    assert_eq!(lines, [1, 1, 2, 2, 2, 3, 8]);

    let readme = Path::new("lessons/README.md");
    assert_eq!(
        local_path(readme, "../docs/graph-script.md#limits"),
        Some(PathBuf::from("lessons/../docs/graph-script.md"))
    );
    assert_eq!(local_path(readme, "#grammar"), None);
    assert_eq!(local_path(readme, "https://github.com/ron-rs/ron"), None);
    assert_eq!(local_path(readme, "mailto:someone@example.org"), None);
    assert_eq!(
        local_path(readme, "/src/cli.rs"),
        Some(PathBuf::from("src/cli.rs"))
    );
    assert_eq!(
        normalized(Path::new("lessons/../docs/graph-script.md")),
        Some(PathBuf::from("docs/graph-script.md"))
    );
    assert_eq!(
        normalized(Path::new("../shared/spec/graph-script.md")),
        None
    );
    assert_eq!(percent_decoded("my%20file.md"), "my file.md");
}
