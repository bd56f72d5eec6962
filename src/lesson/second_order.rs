//! Second order for the Hessian lesson: Hessian-vector products by backprop through
//! backprop against finite differences of the gradient, and gradient-descent and Newton
//! paths on a function of two inputs. Every derivative comes from the engine.

use crate::engine::{self, NodeId, Program};

/// A function of two inputs, `x` and `y`, as a parsed program.
pub struct TwoInputs {
    /// The program (its output is the function).
    pub program: Program,
    /// The inputs `x` and `y`.
    pub inputs: [NodeId; 2],
}

impl TwoInputs {
    /// Parses a script whose first two inputs are the coordinates.
    pub fn new(script: &str) -> Result<Self, String> {
        let program = engine::parse(script).map_err(|e| e.to_string())?;
        let (Some(x), Some(y)) = (program.inputs.first(), program.inputs.get(1)) else {
            return Err("the script needs two inputs".into());
        };
        let inputs = [x.1, y.1];
        Ok(Self { program, inputs })
    }

    /// Moves the point.
    pub fn set(&mut self, point: [f64; 2]) {
        for (&id, value) in self.inputs.iter().zip(point) {
            let _ = self.program.graph.set_input(id, value);
        }
    }

    /// The current point.
    pub fn point(&self) -> [f64; 2] {
        self.inputs.map(|id| self.program.graph.value(id))
    }

    /// The function's value at a point (on a copy).
    pub fn value_at(&self, point: [f64; 2]) -> f64 {
        let mut graph = self.program.graph.clone();
        for (&id, value) in self.inputs.iter().zip(point) {
            let _ = graph.set_input(id, value);
        }
        graph.value(self.program.output)
    }

    /// The gradient at a point (on a copy).
    pub fn gradient_at(&self, point: [f64; 2]) -> [f64; 2] {
        let mut graph = self.program.graph.clone();
        for (&id, value) in self.inputs.iter().zip(point) {
            let _ = graph.set_input(id, value);
        }
        self.inputs.map(|id| graph.grad(id))
    }

    /// H·v at the current point, by differentiating the backward graph.
    pub fn hvp(&self, v: [f64; 2]) -> Option<[f64; 2]> {
        let hv = engine::hessian_vector_product(&self.program.graph, &self.inputs, &v)?;
        Some([*hv.first()?, *hv.get(1)?])
    }

    /// H·v by central differences of the gradient along v.
    pub fn hvp_by_differences(&self, v: [f64; 2]) -> [f64; 2] {
        let p = self.point();
        let step = 1e-5;
        let up = self.gradient_at([p[0] + step * v[0], p[1] + step * v[1]]);
        let down = self.gradient_at([p[0] - step * v[0], p[1] - step * v[1]]);
        [
            (up[0] - down[0]) / (2.0 * step),
            (up[1] - down[1]) / (2.0 * step),
        ]
    }

    /// The Hessian at a point (backprop through backprop).
    pub fn hessian_at(&self, point: [f64; 2]) -> Option<[[f64; 2]; 2]> {
        let mut graph = self.program.graph.clone();
        for (&id, value) in self.inputs.iter().zip(point) {
            let _ = graph.set_input(id, value);
        }
        let h = engine::hessian(&graph, &self.inputs)?;
        Some([[h[0][0], h[0][1]], [h[1][0], h[1][1]]])
    }

    /// `steps` gradient-descent steps from `start`.
    pub fn descent_path(&self, start: [f64; 2], rate: f64, steps: usize) -> Vec<[f64; 2]> {
        let mut path = vec![start];
        let mut p = start;
        for _ in 0..steps {
            let g = self.gradient_at(p);
            p = [p[0] - rate * g[0], p[1] - rate * g[1]];
            if !(p[0].is_finite() && p[1].is_finite()) {
                break;
            }
            path.push(p);
        }
        path
    }

    /// `steps` Newton steps from `start`: p ← p − H⁻¹ ∇f (stops where H is singular).
    pub fn newton_path(&self, start: [f64; 2], steps: usize) -> Vec<[f64; 2]> {
        let mut path = vec![start];
        let mut p = start;
        for _ in 0..steps {
            let g = self.gradient_at(p);
            let Some([[a, b], [c, d]]) = self.hessian_at(p) else {
                break;
            };
            let det = a * d - b * c;
            if det.abs() < 1e-12 || !det.is_finite() {
                break;
            }
            let dx = (d * g[0] - b * g[1]) / det;
            let dy = (-c * g[0] + a * g[1]) / det;
            p = [p[0] - dx, p[1] - dy];
            if !(p[0].is_finite() && p[1].is_finite()) {
                break;
            }
            path.push(p);
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hvp_matches_differences_and_newton_solves_a_quadratic_in_one_step() {
        let f = TwoInputs::new("x = 1\ny = -1\nf = 3*x^2 + x*y + 2*y^2").expect("parses");
        let v = [1.0, 0.5];
        let exact = f.hvp(v).expect("an output");
        assert_eq!(exact, [6.5, 3.0]);
        let approx = f.hvp_by_differences(v);
        assert!((approx[0] - 6.5).abs() < 1e-6 && (approx[1] - 3.0).abs() < 1e-6);
        let newton = f.newton_path([1.0, -1.0], 3);
        let end = newton[1];
        assert!(end[0].abs() < 1e-12 && end[1].abs() < 1e-12, "{newton:?}");
        let descent = f.descent_path([1.0, -1.0], 0.1, 20);
        let last = descent[descent.len() - 1];
        assert!(f.value_at(last) < f.value_at([1.0, -1.0]));
    }
}
