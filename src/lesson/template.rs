//! Live numbers inside lesson text: `{{value NAME}}` and `{{grad NAME}}` are replaced,
//! every frame, by the node's forward value or gradient in the nearest graph above, and
//! `{{slope A B}}` by the local effect dA/dB of one named node on another.

/// Which number a placeholder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveKind {
    /// The node's forward value.
    Value,
    /// d(output)/d(node).
    Grad,
    /// dA/dB between two named nodes (`name` holds "A B").
    Slope,
}

/// A piece of lesson text: plain text, or a placeholder for a live number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text shown as written.
    Text(&'a str),
    /// A live number: its kind, the node's name, and the byte offset of `{{`.
    Live {
        /// Value or gradient.
        kind: LiveKind,
        /// The node's name in the graph script.
        name: &'a str,
        /// Byte offset of the placeholder in the text.
        offset: usize,
    },
}

/// A malformed placeholder: its byte offset and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the `{{`.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Splits text into plain pieces and placeholders.
pub fn pieces(text: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(found) = text[rest..].find("{{") {
        let start = rest + found;
        if start > rest {
            out.push(Piece::Text(&text[rest..start]));
        }
        let Some(len) = text[start..].find("}}") else {
            return Err(TemplateError {
                offset: start,
                message: "'{{' without a closing '}}'".into(),
            });
        };
        let inner = text[start + 2..start + len].trim();
        let mut words = inner.split_whitespace();
        let kind = match words.next() {
            Some("value") => LiveKind::Value,
            Some("grad") => LiveKind::Grad,
            Some("slope") => LiveKind::Slope,
            other => {
                return Err(TemplateError {
                    offset: start,
                    message: format!(
                        "expected '{{{{value NAME}}}}', '{{{{grad NAME}}}}' or '{{{{slope A B}}}}', found '{}'",
                        other.unwrap_or("")
                    ),
                });
            }
        };
        let names: Vec<&str> = words.collect();
        let wanted = if kind == LiveKind::Slope { 2 } else { 1 };
        if names.len() != wanted {
            return Err(TemplateError {
                offset: start,
                message: format!("'{{{{{inner}}}}}' needs exactly {wanted} node name(s)"),
            });
        }
        // The names as one slice of the text ("A B" for a slope).
        let first = names[0];
        let last = names[names.len() - 1];
        let from = first.as_ptr() as usize - text.as_ptr() as usize;
        let to = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
        let name = &text[from..to];
        out.push(Piece::Live {
            kind,
            name,
            offset: start,
        });
        rest = start + len + 2;
    }
    if rest < text.len() {
        out.push(Piece::Text(&text[rest..]));
    }
    Ok(out)
}

/// The text with every placeholder replaced by `lookup`'s answer (or left as written
/// when the text is malformed or `lookup` has no answer).
pub fn fill(text: &str, lookup: impl Fn(LiveKind, &str) -> Option<String>) -> String {
    let Ok(parts) = pieces(text) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for part in parts {
        match part {
            Piece::Text(t) => out.push_str(t),
            Piece::Live { kind, name, .. } => match lookup(kind, name) {
                Some(number) => out.push_str(&number),
                None => out.push_str(name),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_fills() {
        let text = "T is {{value T}}, dT/dA is {{ grad A }}.";
        let parts = pieces(text).expect("well formed");
        assert_eq!(parts.len(), 5);
        let filled = fill(text, |kind, name| {
            Some(format!(
                "{}{name}",
                if kind == LiveKind::Value { "v" } else { "g" }
            ))
        });
        assert_eq!(filled, "T is vT, dT/dA is gA.");
    }

    #[test]
    fn a_slope_names_two_nodes() {
        let parts = pieces("{{slope a z}}").expect("well formed");
        assert_eq!(
            parts,
            [Piece::Live {
                kind: LiveKind::Slope,
                name: "a z",
                offset: 0
            }]
        );
        assert!(pieces("{{slope a}}").is_err());
        assert!(pieces("{{grad a z}}").is_err());
    }

    #[test]
    fn reports_malformed_placeholders() {
        assert_eq!(pieces("a {{value T").map_err(|e| e.offset), Err(2));
        assert!(pieces("{{slope T}}").is_err());
        assert!(pieces("{{value}}").is_err());
        assert!(pieces("{{value a b}}").is_err());
    }
}
