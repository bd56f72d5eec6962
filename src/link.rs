//! Links that open a state of the app: the part of an address after `#`, such as
//! `lesson=06-vanishing-gradient&seed=42` or `playground=eCA9IDE&at=x=1.5` (the script
//! in base64url), and a teacher's controls: `hide=lessons,playground` and `only=LESSON`. A link never
//! runs code and never names a file: it is read here into a [`Link`], and the app opens
//! what it says through the same parser and limits as anything typed. A malformed or
//! hostile fragment is an error in one line, never a panic.

use crate::limits::LINK_BYTES;

/// A part of the app a teacher's link can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The lesson list.
    Lessons,
    /// The Playground.
    Playground,
    /// My progress.
    Progress,
    /// The worked solutions and answers questions show (whether an answer is right is
    /// still said).
    Solutions,
    /// The zoom line of the top bar, with the keyboard's zoom.
    Zoom,
}

impl Part {
    /// Every part, in the order a link lists them.
    pub const ALL: [Self; 5] = [
        Self::Lessons,
        Self::Playground,
        Self::Progress,
        Self::Solutions,
        Self::Zoom,
    ];

    /// Its word in a link.
    pub fn word(self) -> &'static str {
        match self {
            Self::Lessons => "lessons",
            Self::Playground => "playground",
            Self::Progress => "progress",
            Self::Solutions => "solutions",
            Self::Zoom => "zoom",
        }
    }
}

/// What a link opens.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Target {
    /// The start page.
    #[default]
    Start,
    /// A lesson, by its file name without `.ron` (`06-vanishing-gradient`).
    Lesson(String),
    /// The Playground with this script.
    Playground(String),
}

/// Everything a link says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Link {
    /// The page.
    pub target: Target,
    /// Inputs set after the page opens (`at=x=1.5,w=-2`).
    pub at: Vec<(String, f64)>,
    /// The round every question draws its numbers from (`worksheet --seed N` prints it).
    pub seed: Option<u64>,
    /// Parts hidden until the address changes.
    pub hide: Vec<Part>,
    /// The one lesson the app is locked to.
    pub only: Option<String>,
}

/// Why a fragment was not opened, in one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    /// Longer than [`LINK_BYTES`].
    #[error("the link has {0} bytes; at most {LINK_BYTES} are read")]
    TooLong(usize),
    /// A key this version does not know.
    #[error("the link has an unknown key '{0}'")]
    UnknownKey(String),
    /// A key given twice.
    #[error("the link gives '{0}' twice")]
    Twice(String),
    /// A value that cannot be read.
    #[error("the link's '{key}' cannot be read: {why}")]
    BadValue {
        /// The key.
        key: &'static str,
        /// What is wrong.
        why: String,
    },
}

fn bad(key: &'static str, why: impl Into<String>) -> LinkError {
    LinkError::BadValue {
        key,
        why: why.into(),
    }
}

/// A lesson's name in a link: letters, digits and `-`, as the shipped file names are.
fn lesson_name(key: &'static str, value: &str) -> Result<String, LinkError> {
    let ok = !value.is_empty()
        && value.len() <= 100
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(value.to_string())
    } else {
        Err(bad(key, "a lesson is named by its file name without .ron"))
    }
}

/// Every key a link may hold.
const KEYS: [&str; 6] = ["lesson", "playground", "at", "seed", "hide", "only"];

/// Reads a fragment (with or without its leading `#`).
pub fn parse(fragment: &str) -> Result<Link, LinkError> {
    if fragment.len() > LINK_BYTES {
        return Err(LinkError::TooLong(fragment.len()));
    }
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut link = Link::default();
    let mut seen: Vec<&str> = Vec::new();
    for pair in fragment.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let key = KEYS
            .into_iter()
            .find(|k| *k == key)
            .ok_or_else(|| LinkError::UnknownKey(shown(key)))?;
        if seen.contains(&key) {
            return Err(LinkError::Twice(key.to_string()));
        }
        seen.push(key);
        let value = percent_decode(raw).ok_or_else(|| bad(key, "bad %-encoding"))?;
        match key {
            "lesson" => link.target = Target::Lesson(lesson_name("lesson", &value)?),
            "playground" => link.target = Target::Playground(playground_script(&value)?),
            "at" => link.at = inputs(&value)?,
            "seed" => {
                let seed = value
                    .parse::<u64>()
                    .map_err(|_| bad("seed", "a seed is a whole number from 0"))?;
                link.seed = Some(seed);
            }
            "hide" => {
                for word in value.split(',').filter(|w| !w.is_empty()) {
                    let part = Part::ALL
                        .into_iter()
                        .find(|p| p.word() == word)
                        .ok_or_else(|| bad("hide", format!("'{}' is not a part", shown(word))))?;
                    if !link.hide.contains(&part) {
                        link.hide.push(part);
                    }
                }
                link.hide.sort();
            }
            _ => link.only = Some(lesson_name("only", &value)?),
        }
    }
    if let (Some(only), Target::Start) = (&link.only, &link.target) {
        link.target = Target::Lesson(only.clone());
    }
    Ok(link)
}

/// A word from a link as an error shows it: control characters escaped, at most 40
/// characters.
fn shown(word: &str) -> String {
    let mut out: String = word
        .chars()
        .take(40)
        .flat_map(char::escape_default)
        .collect();
    if word.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// `%41` → `A`; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Playground's script from its base64url form, checked by the parser before anything
/// opens it (the Playground then applies its own limits, as to a typed script).
fn playground_script(value: &str) -> Result<String, LinkError> {
    let bytes = base64url_decode(value).ok_or_else(|| bad("playground", "it is not base64url"))?;
    let script =
        String::from_utf8(bytes).map_err(|_| bad("playground", "the script is not UTF-8"))?;
    crate::engine::parse(&script).map_err(|e| {
        bad(
            "playground",
            format!("{}:{}: {}", e.position.line, e.position.column, e.message),
        )
    })?;
    Ok(script)
}

/// `x=1.5,w=-2` as (name, value) pairs; values are finite numbers.
fn inputs(value: &str) -> Result<Vec<(String, f64)>, LinkError> {
    let mut out = Vec::new();
    for item in value.split(',').filter(|i| !i.is_empty()) {
        let (name, number) = item
            .split_once('=')
            .ok_or_else(|| bad("at", format!("'{}' is not NAME=VALUE", shown(item))))?;
        let ok_name = !name.is_empty()
            && name.len() <= 100
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let number: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && ok_name)
            .ok_or_else(|| bad("at", format!("'{}' is not NAME=VALUE", shown(item))))?;
        out.push((name.to_string(), number));
    }
    Ok(out)
}

/// The fragment for `link`, without the `#`: what "Copy link" copies.
pub fn format(link: &Link) -> String {
    let mut parts = Vec::new();
    match &link.target {
        Target::Start => {}
        Target::Lesson(name) if link.only.as_ref() == Some(name) => {}
        Target::Lesson(name) => parts.push(format!("lesson={name}")),
        Target::Playground(script) => {
            parts.push(format!(
                "playground={}",
                base64url_encode(script.as_bytes())
            ));
        }
    }
    if !link.at.is_empty() {
        let items: Vec<String> = link
            .at
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        parts.push(format!("at={}", items.join(",")));
    }
    if let Some(seed) = link.seed {
        parts.push(format!("seed={seed}"));
    }
    if !link.hide.is_empty() {
        let words: Vec<&str> = link.hide.iter().map(|p| p.word()).collect();
        parts.push(format!("hide={}", words.join(",")));
    }
    if let Some(only) = &link.only {
        parts.push(format!("only={only}"));
    }
    parts.join("&")
}

/// Base64url without padding (RFC 4648 §5): safe in an address as it is.
fn base64url_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64url, with or without its padding; `None` for anything else.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_link_with_a_seed_and_teacher_controls_reads_back() {
        let link = parse("#lesson=06-vanishing-gradient&seed=42&hide=zoom,lessons").expect("reads");
        assert_eq!(link.target, Target::Lesson("06-vanishing-gradient".into()));
        assert_eq!(link.seed, Some(42));
        assert_eq!(link.hide, vec![Part::Lessons, Part::Zoom]);
        assert_eq!(parse(&format(&link)).expect("round trip"), link);
    }

    #[test]
    fn a_playground_link_carries_its_script_and_inputs() {
        let link = Link {
            target: Target::Playground("x = 1.5\nw = -2\ny = x * w # é\n".into()),
            at: vec![("x".into(), 3.0)],
            ..Link::default()
        };
        let text = format(&link);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_=&,.".contains(&b)),
            "{text}"
        );
        assert_eq!(parse(&text).expect("reads"), link);
        for n in 0..8 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 200) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn only_opens_its_lesson() {
        let link = parse("only=03-gates").expect("reads");
        assert_eq!(link.target, Target::Lesson("03-gates".into()));
        assert_eq!(format(&link), "only=03-gates");
    }

    #[test]
    fn hostile_fragments_are_one_line_errors() {
        let huge = format!("playground={}", "A".repeat(10 << 20));
        let cases = [
            (
                huge.as_str(),
                "the link has 10485771 bytes; at most 65536 are read",
            ),
            (
                "lesson=../../etc/passwd",
                "the link's 'lesson' cannot be read: a lesson is named by its file name without .ron",
            ),
            (
                "playground=%%%",
                "the link's 'playground' cannot be read: bad %-encoding",
            ),
            (
                "playground=!!!",
                "the link's 'playground' cannot be read: it is not base64url",
            ),
            ("evil=1", "the link has an unknown key 'evil'"),
            ("seed=1&seed=2", "the link gives 'seed' twice"),
            (
                "at=x=inf",
                "the link's 'at' cannot be read: 'x=inf' is not NAME=VALUE",
            ),
            (
                "hide=everything",
                "the link's 'hide' cannot be read: 'everything' is not a part",
            ),
            (
                "only=a/b",
                "the link's 'only' cannot be read: a lesson is named by its file name without .ron",
            ),
            ("\u{1b}[31m=1", "the link has an unknown key '\\u{1b}[31m'"),
        ];
        for (fragment, expected) in cases {
            let error = parse(fragment).expect_err(fragment);
            assert_eq!(error.to_string(), expected);
            assert!(!error.to_string().contains('\n'));
        }
        // A script that does not parse is refused before anything opens it.
        let broken = format!("playground={}", base64url_encode(b"y = (1 + "));
        assert!(
            parse(&broken)
                .expect_err("broken")
                .to_string()
                .contains("1:10")
        );
    }
}
