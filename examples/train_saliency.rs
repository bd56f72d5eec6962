//! Trains the saliency lesson's two cow classifiers with the engine's gradients and
//! writes them to `assets/saliency/` (the app embeds those files):
//!
//! ```text
//! cargo run --release --example train_saliency
//! ```
//!
//! Same seeds, same numbers: running it again rewrites identical files.

use std::path::Path;

use backprop_lab::lesson::saliency::{
    BALANCED_DESCRIPTION, Classifier, Collection, FARM_DESCRIPTION, TRAINING_PICTURES,
    TRAINING_SEED, picture, share_on_cow, train,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/saliency");
    let config = train::TrainingConfig::default();
    for (file, collection, trained_on) in [
        ("farm.ron", Collection::Farm, FARM_DESCRIPTION),
        ("balanced.ron", Collection::Balanced, BALANCED_DESCRIPTION),
    ] {
        let examples = picture::training_set(collection, TRAINING_PICTURES, TRAINING_SEED);
        let report = train::train(&examples, &config, trained_on)?;
        println!("{file}: losses per epoch {:?}", report.losses);
        println!(
            "  training accuracy {:.3}",
            report.weights.training_accuracy
        );
        let mut model = Classifier::new(&report.weights)?;
        for (name, picture) in picture::test_pictures() {
            model.show(&picture);
            println!(
                "  {name}: P(cow) = {:.3}, score {:.3}, saliency on the cow {:.0}%",
                model.probability(),
                model.score(),
                100.0 * share_on_cow(&picture, &model.saliency())
            );
        }
        let text = ron::ser::to_string_pretty(
            &report.weights,
            ron::ser::PrettyConfig::new().compact_arrays(true),
        )?;
        std::fs::write(folder.join(file), text + "\n")?;
    }
    Ok(())
}
