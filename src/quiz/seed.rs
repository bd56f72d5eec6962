//! The seed each question's random numbers and option order are drawn from, shared by the
//! app and `backprop-lab worksheet` so a worksheet shows what the app shows.

/// A repeatable seed for question `question` of the quiz at section `section` of the
/// lesson titled `title`, in round `round` (0 when the page opens; an assessment's
/// "Retake with new numbers" moves to the next round, and `worksheet --seed N` prints
/// round N). Questions of a lesson get different numbers, and a test can replay them.
pub fn seed_for(title: &str, section: usize, question: usize, round: u64) -> u64 {
    // FNV-1a over the title, then the positions, then the round.
    fnv1a(title)
        ^ ((section as u64) << 32)
        ^ question as u64
        ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// FNV-1a, 64 bits, over a text: the same on every machine and in every version (std's
/// hashers promise neither), for seeds and for ids derived from text.
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_by_question_section_and_round() {
        let a = seed_for("T", 1, 0, 0);
        assert_ne!(a, seed_for("T", 1, 1, 0));
        assert_ne!(a, seed_for("T", 2, 0, 0));
        assert_ne!(a, seed_for("T", 1, 0, 1));
        assert_ne!(a, seed_for("U", 1, 0, 0));
        assert_eq!(a, seed_for("T", 1, 0, 0));
    }
}
