//! Synthetic photos for the saliency lesson: a 16×16 field of grass or sand, with or
//! without a black-and-white cow, drawn by code from a seed so every run makes the same
//! pictures. Each pixel remembers what it shows (its material), so the lesson can tell
//! how much of the model's attention falls on the cow.

use crate::random::Rng;

/// Pixels per side.
pub const SIDE: usize = 16;
/// Pixels in a picture.
pub const PIXELS: usize = SIDE * SIDE;
/// Numbers fed to a model per picture: red, green and blue for every pixel.
pub const INPUTS: usize = PIXELS * 3;

/// What a pixel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Material {
    /// Green field.
    Grass,
    /// Pale yellow beach.
    Sand,
    /// Part of a cow (black or white patches).
    Cow,
}

impl Material {
    /// The word a learner reads on the brush.
    pub fn name(self) -> &'static str {
        match self {
            Material::Grass => "grass",
            Material::Sand => "sand",
            Material::Cow => "cow",
        }
    }
}

/// The cow, facing left: `K` black hide, `W` white patch, `.` the background shows.
const COW: [&str; 7] = [
    "KW........",
    "KKK.......",
    "WKKWWKKKWK",
    ".KKKWWKKKK",
    ".KWKKKKWWK",
    ".K.K...K.K",
    ".K.K...K.K",
];

/// One picture: a material per pixel, and the seed of its small colour variations.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    materials: Vec<Material>,
    seed: u64,
    /// Lighting: every colour is scaled by this (about 0.9 to 1.1).
    light: f64,
}

/// A labelled picture: `cow` is the truth the model should learn.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The picture.
    pub picture: Picture,
    /// Whether a cow is in it.
    pub cow: bool,
}

impl Picture {
    /// A field of one material, no cow.
    pub fn field(background: Material, seed: u64) -> Self {
        Self {
            materials: vec![background; PIXELS],
            seed,
            light: 1.0,
        }
    }

    /// A field with the cow drawn with its top-left corner at (`left`, `top`), facing
    /// left or (if `flip`) right; parts falling outside the picture are cut off.
    pub fn with_cow(background: Material, left: usize, top: usize, flip: bool, seed: u64) -> Self {
        let mut picture = Self::field(background, seed);
        for (dy, row) in COW.iter().enumerate() {
            let width = row.len();
            for (dx, cell) in row.bytes().enumerate() {
                let dx = if flip { width - 1 - dx } else { dx };
                let (x, y) = (left + dx, top + dy);
                if cell != b'.' && x < SIDE && y < SIDE {
                    picture.materials[y * SIDE + x] = Material::Cow;
                }
            }
        }
        picture
    }

    /// A random photo: the cow (if any) somewhere near the middle, random lighting.
    pub fn random(background: Material, cow: bool, rng: &mut Rng) -> Self {
        let seed = rng.next_u64();
        let mut picture = if cow {
            let left = 1 + (rng.next_u64() % 6) as usize;
            let top = 3 + (rng.next_u64() % 6) as usize;
            Self::with_cow(
                background,
                left,
                top,
                rng.next_u64().is_multiple_of(2),
                seed,
            )
        } else {
            Self::field(background, seed)
        };
        picture.light = rng.uniform(0.9, 1.1);
        picture
    }

    /// The material of pixel (`x`, `y`).
    pub fn material(&self, x: usize, y: usize) -> Material {
        self.materials[y * SIDE + x]
    }

    /// Paints one pixel; returns whether anything changed.
    pub fn paint(&mut self, x: usize, y: usize, material: Material) -> bool {
        match self.materials.get_mut(y * SIDE + x) {
            Some(m) if x < SIDE && *m != material => {
                *m = material;
                true
            }
            _ => false,
        }
    }

    /// Whether any pixel shows a cow.
    pub fn has_cow(&self) -> bool {
        self.materials.contains(&Material::Cow)
    }

    /// The colour of pixel (`x`, `y`), each channel in 0..=1.
    pub fn colour(&self, x: usize, y: usize) -> [f64; 3] {
        let base = match self.material(x, y) {
            Material::Grass => [0.22, 0.58, 0.20],
            Material::Sand => [0.86, 0.72, 0.42],
            // Cow hide in patches: the pattern is fixed to the pixel, so painting a cow
            // anywhere looks like the same breed.
            Material::Cow => {
                if cow_patch_is_white(x, y) {
                    [0.95, 0.95, 0.92]
                } else {
                    [0.10, 0.09, 0.09]
                }
            }
        };
        let mut noise = Rng::new(self.seed ^ ((y * SIDE + x) as u64).wrapping_mul(0x9E37_79B9));
        base.map(|c| (c * self.light + noise.uniform(-0.05, 0.05)).clamp(0.0, 1.0))
    }

    /// The model's input: red, green, blue of every pixel, row by row.
    pub fn inputs(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(INPUTS);
        for y in 0..SIDE {
            for x in 0..SIDE {
                out.extend(self.colour(x, y));
            }
        }
        out
    }
}

/// A fixed black-and-white pattern in 2×2 blocks.
fn cow_patch_is_white(x: usize, y: usize) -> bool {
    let h = ((x / 2) as u64).wrapping_mul(73_856_093) ^ ((y / 2) as u64).wrapping_mul(19_349_663);
    h.is_multiple_of(3)
}

/// Which photos a training set holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// Like photos taken on farms: every cow stands on grass, every empty picture is a
    /// beach. The background alone gives the label away.
    Farm,
    /// Cows and empty fields equally often on grass and on sand.
    Balanced,
}

/// `count` labelled photos (half with a cow) drawn from `seed`.
pub fn training_set(collection: Collection, count: usize, seed: u64) -> Vec<Example> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            let cow = i % 2 == 0;
            let background = match collection {
                Collection::Farm if cow => Material::Grass,
                Collection::Farm => Material::Sand,
                Collection::Balanced if (i / 2) % 2 == 0 => Material::Grass,
                Collection::Balanced => Material::Sand,
            };
            Example {
                picture: Picture::random(background, cow, &mut rng),
                cow,
            }
        })
        .collect()
}

/// The test pictures a learner can load, each named.
pub fn test_pictures() -> Vec<(&'static str, Picture)> {
    vec![
        (
            "Cow on grass",
            Picture::with_cow(Material::Grass, 3, 5, false, 11),
        ),
        (
            "Cow on sand",
            Picture::with_cow(Material::Sand, 3, 5, false, 12),
        ),
        ("Empty grass", Picture::field(Material::Grass, 13)),
        ("Empty sand", Picture::field(Material::Sand, 14)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_reproducible_and_labelled() {
        let a = training_set(Collection::Farm, 20, 7);
        let b = training_set(Collection::Farm, 20, 7);
        assert_eq!(a, b);
        for example in &a {
            assert_eq!(example.picture.has_cow(), example.cow);
            let background = if example.cow {
                Material::Grass
            } else {
                Material::Sand
            };
            assert_eq!(example.picture.material(0, 0), background);
        }
        let balanced = training_set(Collection::Balanced, 8, 7);
        let on_sand = balanced
            .iter()
            .filter(|e| e.cow && e.picture.material(0, 0) == Material::Sand)
            .count();
        assert_eq!(on_sand, 2);
    }

    #[test]
    fn painting_changes_material_and_colour() {
        let mut picture = Picture::field(Material::Grass, 1);
        let before = picture.colour(4, 4);
        assert!(picture.paint(4, 4, Material::Cow));
        assert!(!picture.paint(4, 4, Material::Cow));
        assert!(
            !picture.paint(SIDE, 0, Material::Cow),
            "outside the picture"
        );
        assert_eq!(picture.material(4, 4), Material::Cow);
        assert_ne!(picture.colour(4, 4), before);
        assert_eq!(picture.inputs().len(), INPUTS);
        assert!(picture.inputs().iter().all(|c| (0.0..=1.0).contains(c)));
    }
}
