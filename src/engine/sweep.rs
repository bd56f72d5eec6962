//! The reverse sweep shared by [`super::Graph`] and [`super::FlatTape`], so both apply the
//! same rules in the same order and agree to the last bit.

use super::op::Op;

/// Sets `buffer` to `len` copies of `zero`. A buffer too small is freed and allocated
/// afresh: `vec!` of a zero is `calloc`, whose large blocks are pages the kernel hands out
/// zeroed, rather than grown and then cleared byte by byte.
pub(super) fn zero_fill<T: Copy>(buffer: &mut Vec<T>, len: usize, zero: T) {
    if buffer.capacity() < len {
        *buffer = Vec::new();
        *buffer = vec![zero; len];
    } else {
        buffer.clear();
        buffer.resize(len, zero);
    }
}

/// A tape's per-node flag: a gradient flows into the node (PyTorch's `requires_grad`).
pub(super) const REQUIRES_GRAD: u8 = 1;
/// A tape's per-node flag: the node is the output or one of its ancestors.
pub(super) const ON_PATH: u8 = 2;

/// Marks `out` and every node it depends on with [`ON_PATH`] in a tape's flags, in place:
/// no array of its own, so the reverse sweep reads one byte a node for both flags.
/// `previously_marked`: clear an earlier marking first (the output or structure changed).
pub(super) fn mark_path(
    ops: &[Op],
    args: &[[u32; 2]],
    out: usize,
    flags: &mut [u8],
    previously_marked: bool,
) {
    if previously_marked {
        for flag in flags.iter_mut() {
            *flag &= !ON_PATH;
        }
    }
    flags[out] |= ON_PATH;
    for pos in (0..=out).rev() {
        if flags[pos] & ON_PATH != 0 {
            for &arg in &args[pos][..ops[pos].arity()] {
                flags[arg as usize] |= ON_PATH;
            }
        }
    }
}

/// The path of `out` on its own: a byte a node, [`ON_PATH`] on `out` and every node it
/// depends on. For the passes that take an output other than the one the tape marked
/// (second order, the drawn backward graph, checkpointing).
pub(super) fn path_of(ops: &[Op], args: &[[u32; 2]], out: usize) -> Vec<u8> {
    let mut path = vec![0; ops.len()];
    mark_path(ops, args, out, &mut path, false);
    path
}

/// Reverse mode from `out` into `grads` (zeroed by the caller): every node's gradient is
/// the sum over its uses of (upstream gradient × local derivative). Only the output's
/// ancestors take part (a node the output does not use must not pour 0·∞ = NaN into shared
/// operands), constants receive nothing, and no term is skipped because a factor is zero,
/// so 0·∞ gives NaN, as the spec asks.
///
/// `flags` are the tape's, with the output's path marked by [`mark_path`].
pub(super) fn accumulate(
    ops: &[Op],
    args: &[[u32; 2]],
    values: &[f64],
    flags: &[u8],
    out: usize,
    grads: &mut [f64],
) {
    grads[out] = 1.0;
    const BOTH: u8 = REQUIRES_GRAD | ON_PATH;
    accumulate_span(
        ops,
        args,
        |pos| values[pos],
        |pos| flags[pos] & BOTH == BOTH,
        |pos| flags[pos] & REQUIRES_GRAD != 0,
        0..=out,
        grads,
    );
}

/// The reverse sweep over the tape positions `span` only, from its end, reading values
/// through `value` (a checkpointed pass holds them sparsely). A node passes its gradient
/// back when it `takes_part` (it is on the output's path and takes a gradient), to each
/// operand that `requires_grad`. The upstream gradients of the span's nodes must already
/// be in `grads`; [`accumulate`] is this over the whole tape.
pub(super) fn accumulate_span(
    ops: &[Op],
    args: &[[u32; 2]],
    value: impl Fn(usize) -> f64,
    takes_part: impl Fn(usize) -> bool,
    requires_grad: impl Fn(usize) -> bool,
    span: std::ops::RangeInclusive<usize>,
    grads: &mut [f64],
) {
    for pos in span.rev() {
        if !takes_part(pos) {
            continue;
        }
        let op = ops[pos];
        let arity = op.arity();
        if arity == 0 {
            continue;
        }
        let upstream = grads[pos];
        let [a, b] = args[pos];
        let local = op.local_derivatives(value(a as usize), value(b as usize), value(pos));
        for (&arg, &slope) in args[pos][..arity].iter().zip(&local) {
            let arg = arg as usize;
            if requires_grad(arg) {
                grads[arg] += upstream * slope;
            }
        }
    }
}
