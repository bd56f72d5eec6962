//! A question's input drawn at random on each attempt: its range and step.

use serde::{Deserialize, Serialize};

use super::rng::Rng;

/// An input of a question's script drawn at random on each attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The input's name in the script.
    pub name: String,
    /// The smallest value drawn.
    pub min: f64,
    /// The largest value drawn.
    pub max: f64,
    /// Round the drawn value to a multiple of this (e.g. 1 for whole numbers).
    #[serde(default)]
    pub step: Option<f64>,
}

impl Parameter {
    /// Whether the range can be drawn from: finite `min <= max`, and a `step` (if any)
    /// finite and above 0.
    pub fn is_valid(&self) -> bool {
        self.min.is_finite()
            && self.max.is_finite()
            && self.min <= self.max
            && self.step.is_none_or(|step| step.is_finite() && step > 0.0)
    }

    /// Draws a value: uniform in `[min, max]`, rounded to `step`, kept inside the range.
    /// A range that is not valid (`min > max`, or NaN) draws NaN instead of panicking;
    /// `check` reports such a range.
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        let raw = rng.uniform(self.min, self.max);
        // NaN at either end compares as neither: no order, no draw.
        if self.min.partial_cmp(&self.max).is_none_or(|o| o.is_gt()) {
            return f64::NAN;
        }
        match self.step {
            Some(step) if step.is_finite() && step > 0.0 => {
                let mut value = (raw / step).round() * step;
                if value > self.max {
                    value -= step;
                }
                if value < self.min {
                    value += step;
                }
                // A step wider than the range leaves only the ends.
                value.max(self.min).min(self.max)
            }
            _ => raw,
        }
    }

    /// Every value [`draw`](Self::draw) can give when the parameter has a step, in
    /// increasing order; `None` without a step, for an invalid range, or when there would
    /// be more than `limit`.
    pub fn stepped_values(&self, limit: usize) -> Option<Vec<f64>> {
        let step = self.step?;
        if !self.is_valid() {
            return None;
        }
        let (first, last) = ((self.min / step).ceil(), (self.max / step).floor());
        if first > last {
            // The step is wider than the range: only the ends.
            let mut ends = vec![self.min, self.max];
            ends.dedup();
            return Some(ends);
        }
        let count = last - first + 1.0;
        if count > limit as f64 {
            return None;
        }
        Some(
            (0..count as usize)
                .map(|i| ((first + i as f64) * step).max(self.min).min(self.max))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_and_stay_in_range() {
        let p = Parameter {
            name: "k".into(),
            min: 1.0,
            max: 4.0,
            step: Some(1.0),
        };
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let v = p.draw(&mut rng);
            assert!((1.0..=4.0).contains(&v) && v.fract() == 0.0, "{v}");
        }
        let odd = Parameter {
            name: "k".into(),
            min: 0.1,
            max: 0.35,
            step: Some(0.25),
        };
        for _ in 0..100 {
            let v = odd.draw(&mut rng);
            assert!((0.1..=0.35).contains(&v), "{v}");
        }
    }

    #[test]
    fn bad_ranges_draw_nan_instead_of_panicking() {
        let mut rng = Rng::new(1);
        for (min, max, step) in [
            (3.0, 1.0, Some(1.0)),
            (f64::NAN, 1.0, Some(1.0)),
            (0.0, f64::NAN, None),
            (2.0, 1.0, None),
        ] {
            let p = Parameter {
                name: "k".into(),
                min,
                max,
                step,
            };
            assert!(!p.is_valid());
            assert!(p.draw(&mut rng).is_nan(), "{min} {max}");
            assert_eq!(p.stepped_values(1000), None);
        }
        let nan_step = Parameter {
            name: "k".into(),
            min: 0.0,
            max: 1.0,
            step: Some(f64::NAN),
        };
        assert!(!nan_step.is_valid());
    }

    #[test]
    fn stepped_values_are_what_draws_give() {
        let p = Parameter {
            name: "x".into(),
            min: -2.0,
            max: 2.0,
            step: Some(0.5),
        };
        let values = p.stepped_values(1000).expect("stepped");
        assert_eq!(values.len(), 9);
        let mut rng = Rng::new(4);
        for _ in 0..500 {
            let v = p.draw(&mut rng);
            assert!(values.iter().any(|&w| (w - v).abs() < 1e-12), "{v}");
        }
        assert_eq!(p.stepped_values(5), None);
        let wide = Parameter {
            name: "x".into(),
            min: 0.1,
            max: 0.35,
            step: Some(1.0),
        };
        assert_eq!(wide.stepped_values(10), Some(vec![0.1, 0.35]));
    }
}
