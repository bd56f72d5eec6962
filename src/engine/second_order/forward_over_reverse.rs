//! Second order at first-order prices: forward-over-reverse on the flat arrays.
//!
//! One reverse sweep gives the gradient `g` (the same arithmetic as the first-order sweep) and
//! keeps every node's local derivatives. Then, for a direction `v` over the inputs, a
//! forward sweep carries tangents `ṫ` (how each value moves along `v`), and a reverse sweep
//! carries the tangent of the gradient: `ġ[operand] += ġ[node]·local + g[node]·local̇`.
//! The inputs' `ġ` is H·v. A Hessian is one such pair of sweeps per input, with no graph
//! built for the backward pass, so it costs about (2 + k) forward-and-backward passes and a
//! few arrays the size of the tape.
//!
//! The rules are those of differentiating the backward pass itself (backprop through
//! backprop, [`super::backward_graph`]): a term whose operand does not depend on an input is
//! skipped, not multiplied by zero, so a constant exponent's `ln` of a negative base
//! (NaN) never reaches the answer; piecewise-linear operations have zero second
//! derivatives.

use crate::engine::op::{Op, Tangents};
use crate::engine::sweep::{self, ON_PATH, REQUIRES_GRAD};

/// A tape's arrays, borrowed, with the gradient of its output and each node's local
/// derivatives: what every H·v sweep reads.
pub(in crate::engine) struct SecondOrder<'t> {
    ops: &'t [Op],
    args: &'t [[u32; 2]],
    values: &'t [f64],
    flags: &'t [u8],
    out: usize,
    /// Whether a node is an ancestor of the output and takes a gradient.
    active: Vec<bool>,
    /// Whether a node depends on an input (its tangent can be nonzero).
    varies: Vec<bool>,
    /// d(output)/d(node).
    grads: Vec<f64>,
    /// Local derivatives of the active nodes.
    locals: Vec<[f64; 2]>,
}

impl<'t> SecondOrder<'t> {
    /// The first-order sweep from `out`, or `None` when the tape holds an operation whose
    /// second derivatives are not written here (the internal operations that only a
    /// backward graph contains) or `out` is not on the tape.
    pub(in crate::engine) fn new(
        ops: &'t [Op],
        args: &'t [[u32; 2]],
        values: &'t [f64],
        flags: &'t [u8],
        out: usize,
    ) -> Option<Self> {
        let n = ops.len();
        if out >= n || args.len() != n || values.len() != n || flags.len() != n {
            return None;
        }
        if ops[..=out].iter().any(|op| op.is_internal()) {
            return None;
        }
        let on_path = sweep::path_of(ops, args, out);
        let active: Vec<bool> = on_path
            .iter()
            .zip(flags)
            .map(|(&on, &flag)| on & ON_PATH != 0 && flag & REQUIRES_GRAD != 0)
            .collect();
        drop(on_path);
        let mut varies = vec![false; n];
        for pos in 0..=out {
            let op = ops[pos];
            let [a, b] = args[pos];
            varies[pos] = match op.arity() {
                0 => op == Op::Input,
                1 => varies[a as usize],
                _ => varies[a as usize] || varies[b as usize],
            };
        }
        let mut grads = vec![0.0; n];
        let mut locals = vec![[0.0; 2]; n];
        grads[out] = 1.0;
        // The same sweep and arithmetic as `sweep::accumulate`, keeping the locals.
        for pos in (0..=out).rev() {
            let op = ops[pos];
            if !active[pos] || op.arity() == 0 {
                continue;
            }
            let upstream = grads[pos];
            let [a, b] = args[pos];
            let local = op.local_derivatives(values[a as usize], values[b as usize], values[pos]);
            locals[pos] = local;
            for (&arg, &slope) in args[pos][..op.arity()].iter().zip(&local) {
                let arg = arg as usize;
                if flags[arg] & REQUIRES_GRAD != 0 {
                    grads[arg] += upstream * slope;
                }
            }
        }
        Some(Self {
            ops,
            args,
            values,
            flags,
            out,
            active,
            varies,
            grads,
            locals,
        })
    }

    /// H·v: `direction` gives the tangent of each input (by tape position); the answer is
    /// the tangent of every node's gradient, by tape position (read it at the inputs).
    pub(in crate::engine) fn hvp(&self, direction: &[(usize, f64)]) -> Vec<f64> {
        let n = self.ops.len();
        let out = self.out;
        // Forward: how each value moves along the direction.
        let mut tangent = vec![0.0; n];
        for &(pos, v) in direction {
            if pos < n && self.ops[pos] == Op::Input {
                tangent[pos] = v;
            }
        }
        for pos in 0..=out {
            if !self.active[pos] || !self.varies[pos] || self.ops[pos].arity() == 0 {
                continue;
            }
            let [a, b] = self.args[pos];
            let local = self.locals[pos];
            let mut t = 0.0;
            if self.varies[a as usize] {
                t += local[0] * tangent[a as usize];
            }
            if self.ops[pos].arity() == 2 && self.varies[b as usize] {
                t += local[1] * tangent[b as usize];
            }
            tangent[pos] = t;
        }
        // Reverse: the tangent of the gradient. A term that is zero by construction (the
        // output's seed is a constant; a constant local derivative such as `+`'s 1 has no
        // tangent) is left out rather than added as 0, as backprop through backprop builds
        // no node for it: 0·∞ must not turn a finite or infinite entry into NaN.
        let mut dgrad = vec![0.0; n];
        let mut dgrad_flows = vec![false; n];
        for pos in (0..=out).rev() {
            let op = self.ops[pos];
            if !self.active[pos] || op.arity() == 0 {
                continue;
            }
            let [a, b] = self.args[pos];
            let (a, b) = (a as usize, b as usize);
            let upstream = self.grads[pos];
            let dupstream = dgrad_flows[pos].then_some(dgrad[pos]);
            let local = self.locals[pos];
            let dlocal = self.local_tangents(pos, &tangent);
            for (k, &arg) in [a, b][..op.arity()].iter().enumerate() {
                if self.flags[arg] & REQUIRES_GRAD == 0 {
                    continue;
                }
                let through_upstream = dupstream.map(|d| d * local[k]);
                let through_local = dlocal[k].map(|d| upstream * d);
                let term = match (through_upstream, through_local) {
                    (Some(x), Some(y)) => x + y,
                    (Some(x), None) | (None, Some(x)) => x,
                    (None, None) => continue,
                };
                dgrad[arg] += term;
                dgrad_flows[arg] = true;
            }
        }
        dgrad
    }

    /// How the local derivatives of the node at `pos` move along the direction, given
    /// the tangents of its operands (each operation's rule, see [`Op::local_tangents`]).
    fn local_tangents(&self, pos: usize, tangent: &[f64]) -> [Option<f64>; 2] {
        let op = self.ops[pos];
        let [ia, ib] = self.args[pos];
        let (ia, ib) = (ia as usize, ib as usize);
        let binary = op.arity() == 2;
        op.local_tangents(&Tangents {
            a: self.values[ia],
            b: self.values[ib],
            out: self.values[pos],
            ta: self.varies[ia].then(|| tangent[ia]),
            tb: (self.varies[ib] && binary).then(|| tangent[ib]),
            needs_b: binary && self.flags[ib] & REQUIRES_GRAD != 0,
        })
    }
}

/// The Hessian with respect to the inputs at tape positions `inputs`: column `j` is H·e_j,
/// so `H[i][j]` is d/d(inputs[j]) of d(output)/d(inputs[i]), the entry backprop through
/// backprop computes.
pub(in crate::engine) fn hessian(second: &SecondOrder<'_>, inputs: &[usize]) -> Vec<Vec<f64>> {
    let k = inputs.len();
    let mut rows = vec![vec![0.0; k]; k];
    for (j, &xj) in inputs.iter().enumerate() {
        let column = second.hvp(&[(xj, 1.0)]);
        for (row, &xi) in rows.iter_mut().zip(inputs) {
            row[j] = column.get(xi).copied().unwrap_or(f64::NAN);
        }
    }
    rows
}

/// H·v with respect to the inputs at tape positions `inputs`, `v` giving one weight per
/// input (missing weights are 0).
pub(in crate::engine) fn hessian_vector_product(
    second: &SecondOrder<'_>,
    inputs: &[usize],
    v: &[f64],
) -> Vec<f64> {
    let direction: Vec<(usize, f64)> = inputs.iter().copied().zip(v.iter().copied()).collect();
    let product = second.hvp(&direction);
    inputs
        .iter()
        .map(|&x| product.get(x).copied().unwrap_or(f64::NAN))
        .collect()
}
