//! How numbers read on screen (short, non-finite values spelled out), and strings as JSON
//! for the command line's answers.

/// A number for display: up to 4 significant decimals, `NaN`, `+inf` or `-inf`.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+inf".into()
    } else if value == f64::NEG_INFINITY {
        "-inf".into()
    } else if value != 0.0 && (value.abs() >= 1e6 || value.abs() < 1e-4) {
        format!("{value:.3e}")
    } else {
        let text = format!("{value:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".into()
        } else {
            text.into()
        }
    }
}

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters
/// escaped (graph names never need it; lesson titles and prompts may).
pub fn push_json_string(out: &mut String, text: &str) {
    use std::fmt::Write as _;
    out.push('"');
    // Graph names never need escaping: copy them whole (a million names are written).
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        out.push('"');
        return;
    }
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.123456), "0.1235");
        assert_eq!(number(1e-7), "1.000e-7");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+inf");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
        assert_eq!(number(-0.0), "0");
    }
}
