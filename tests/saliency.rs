//! The saliency lesson's models: the committed weights are what the training command
//! makes, and they tell the lesson's story (the farm model cheats, the balanced one not).

use backprop_lab::lesson::saliency::{
    BALANCED_WEIGHTS, Classifier, Collection, FARM_WEIGHTS, TRAINING_PICTURES, TRAINING_SEED,
    Weights, picture, share_on_cow, train,
};

fn model(text: &str) -> Classifier {
    let weights = Weights::from_ron(text).expect("the committed weights parse");
    Classifier::new(&weights).expect("the committed weights fit the model")
}

/// P(cow) for each of the lesson's test pictures, by name.
fn predictions(model: &mut Classifier) -> Vec<(&'static str, f64)> {
    picture::test_pictures()
        .into_iter()
        .map(|(name, picture)| {
            model.show(&picture);
            (name, model.probability())
        })
        .collect()
}

#[test]
fn committed_weights_are_what_the_training_command_makes() {
    let config = train::TrainingConfig::default();
    for (text, collection) in [
        (FARM_WEIGHTS, Collection::Farm),
        (BALANCED_WEIGHTS, Collection::Balanced),
    ] {
        let committed = Weights::from_ron(text).expect("parses");
        let examples = picture::training_set(collection, TRAINING_PICTURES, TRAINING_SEED);
        let report = train::train(&examples, &config, &committed.trained_on).expect("trains");
        assert_eq!(
            report.weights, committed,
            "assets/saliency is stale: run `cargo run --release --example train_saliency`"
        );
        assert_eq!(report.weights.training_accuracy, 1.0);
    }
}

#[test]
fn the_farm_model_judges_the_background_and_the_balanced_model_the_cow() {
    let mut farm = model(FARM_WEIGHTS);
    let mut balanced = model(BALANCED_WEIGHTS);
    let farm_says = predictions(&mut farm);
    let balanced_says = predictions(&mut balanced);
    let expected = [
        ("Cow on grass", true),
        ("Cow on sand", true),
        ("Empty grass", false),
        ("Empty sand", false),
    ];
    for ((name, truth), ((farm_name, f), (_, b))) in
        expected.iter().zip(farm_says.iter().zip(&balanced_says))
    {
        assert_eq!(name, farm_name);
        assert_eq!(*b > 0.5, *truth, "balanced model on {name}: {b}");
        // The farm model is right exactly when the background agrees with the label.
        let grass = name.ends_with("grass");
        assert_eq!(*f > 0.5, grass, "farm model on {name}: {f}");
    }
}

#[test]
fn balanced_training_moves_the_saliency_onto_the_cow() {
    let mut farm = model(FARM_WEIGHTS);
    let mut balanced = model(BALANCED_WEIGHTS);
    for (name, picture) in picture::test_pictures() {
        if !picture.has_cow() {
            continue;
        }
        farm.show(&picture);
        balanced.show(&picture);
        let on_cow_farm = share_on_cow(&picture, &farm.saliency());
        let on_cow_balanced = share_on_cow(&picture, &balanced.saliency());
        assert!(
            on_cow_balanced > on_cow_farm + 0.1,
            "{name}: share of saliency on the cow {on_cow_farm} (farm) vs {on_cow_balanced} (balanced)"
        );
    }
}
