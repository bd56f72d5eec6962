//! Numbers and strings as JSON, for the command line's answers and worksheets.

/// Appends a finite `value` in its shortest round-trip form, the way the command line has
/// always written it: `0.1`, `18.0`, `1e-7`, `1.5e300` (the digits of Ryu and of Żmij, which
/// agree; Żmij is several times faster, and a million-name answer writes two million).
pub fn push_shortest(out: &mut String, value: f64) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(value);
    out.push_str(text);
    // Żmij signs a positive exponent (`1e+16`); ours never did (`1e16`). The sign of an
    // exponent (`e+5` to `e+308`) is 2 to 4 bytes from the end.
    let bytes = text.as_bytes();
    let n = bytes.len();
    if n >= 4 {
        for back in 2..=4 {
            if bytes[n - back] == b'+' {
                out.remove(out.len() - back);
                break;
            }
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
    use super::push_shortest;
    use proptest::prelude::*;

    fn shortest(value: f64) -> String {
        let mut out = String::new();
        push_shortest(&mut out, value);
        out
    }

    #[test]
    fn shortest_forms_are_the_ones_the_command_line_always_wrote() {
        for (value, text) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (18.0, "18.0"),
            (0.1, "0.1"),
            (1e-7, "1e-7"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e16"),
            (-1.5e300, "-1.5e300"),
            (f64::MAX, "1.7976931348623157e308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(shortest(value), text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Every finite double, by its bits (all exponents alike), is written exactly as
        /// Ryu writes it.
        #[test]
        fn shortest_matches_ryu_digit_for_digit(bits in any::<u64>()) {
            let value = f64::from_bits(bits);
            prop_assume!(value.is_finite());
            let mut reference = ryu::Buffer::new();
            prop_assert_eq!(shortest(value), reference.format_finite(value));
        }

        #[test]
        fn shortest_matches_ryu_on_everyday_numbers(value in -1e6f64..1e6) {
            let mut reference = ryu::Buffer::new();
            prop_assert_eq!(shortest(value), reference.format_finite(value));
        }
    }
}
