//! Multiple-choice questions as a learner sees them: the options in an order drawn per
//! attempt (so the right one is not always first), and grading that maps what was ticked
//! on screen back to the author's options.

use crate::random::Rng;

/// The order the options are shown in: `order[position]` is the index of the author's
/// option shown at that position. `fixed` keeps the author's order. The app draws this
/// first from a question's seed, before anything else, so the order is stable within an
/// attempt and a new attempt (a new draw from the same generator) shuffles again.
pub fn option_order(count: usize, fixed: bool, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    if !fixed {
        // Fisher-Yates: every permutation equally likely.
        for i in (1..count).rev() {
            order.swap(i, rng.below(i + 1));
        }
    }
    order
}

/// Whether the options ticked on screen are exactly the correct ones. `correct[i]` is
/// whether the author's option `i` is correct, `order` the shown order (from
/// [`option_order`]), and `ticked[position]` whether the option shown at `position` is
/// ticked. A missing entry counts as not ticked; an order that is not a permutation of the
/// options is never right.
pub fn grade_choice(correct: &[bool], order: &[usize], ticked: &[bool]) -> bool {
    if order.len() != correct.len() {
        return false;
    }
    let mut seen = vec![false; correct.len()];
    for (position, &option) in order.iter().enumerate() {
        let Some(slot) = seen.get_mut(option) else {
            return false;
        };
        if std::mem::replace(slot, true) {
            return false;
        }
        if correct[option] != ticked.get(position).copied().unwrap_or(false) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_are_permutations_and_fixed_keeps_the_authors() {
        let mut rng = Rng::new(9);
        for count in 0..7 {
            let mut order = option_order(count, false, &mut rng);
            order.sort_unstable();
            assert_eq!(order, (0..count).collect::<Vec<_>>());
            assert_eq!(
                option_order(count, true, &mut rng),
                (0..count).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn grading_maps_positions_back_to_options() {
        // Option 0 is correct; it is shown third.
        let correct = [true, false, false];
        let order = [2, 1, 0];
        assert!(grade_choice(&correct, &order, &[false, false, true]));
        assert!(!grade_choice(&correct, &order, &[true, false, false]));
        assert!(!grade_choice(&correct, &order, &[false, false, false]));
        assert!(!grade_choice(&correct, &order, &[true, true, true]));
        assert!(!grade_choice(&correct, &[0, 0, 1], &[true, false, false]));
        assert!(!grade_choice(&correct, &[0, 1], &[true, false]));
    }
}
