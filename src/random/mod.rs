//! Numbers drawn at random, repeatably: the seeded generator and the ranges a question's
//! inputs are drawn from. Shared by the quizzes, the lessons' models and the saliency
//! lesson's data, so none of them has to reach into another for it.

mod parameter;
mod rng;

pub use parameter::Parameter;
pub use rng::Rng;
