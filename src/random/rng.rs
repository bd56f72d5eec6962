//! A tiny deterministic random number generator (SplitMix64): repeatable quiz numbers
//! for a seed, with no dependency.

/// SplitMix64 state.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number drawn uniformly from `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The high bits of a 64 x 64-bit product: unbiased to within 2^-64 per value.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number drawn uniformly from `[min, max)` (`min` when the range is empty).
    pub fn uniform(&mut self, min: f64, max: f64) -> f64 {
        // 53 random bits make every f64 in [0, 1) equally likely on its grid.
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        if max > min {
            min + unit * (max - min)
        } else {
            min
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeatable_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.uniform(-2.0, 3.0);
            assert_eq!(x, b.uniform(-2.0, 3.0));
            assert!((-2.0..3.0).contains(&x));
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
        assert_eq!(Rng::new(3).uniform(1.0, 1.0), 1.0);
        let mut counts = [0usize; 3];
        for _ in 0..3000 {
            counts[a.below(3)] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
        assert_eq!(a.below(0), 0);
    }
}
