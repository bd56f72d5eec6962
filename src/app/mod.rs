//! Everything egui: the window, its pages and widgets. Reads the engine; never computes.

pub mod format;
pub mod graph_view;
pub mod playground;

use playground::{Playground, STARTER_SCRIPT};

const SCRIPT_KEY: &str = "playground_script";
const DARK_KEY: &str = "dark_mode";

/// The Backprop Lab window.
pub struct BackpropApp {
    playground: Playground,
    dark_mode: bool,
}

impl BackpropApp {
    /// Restores what the learner typed and the theme from eframe's storage.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let stored_script = cc
            .storage
            .and_then(|s| eframe::get_value::<String>(s, SCRIPT_KEY));
        let dark_mode = cc
            .storage
            .and_then(|s| eframe::get_value::<bool>(s, DARK_KEY))
            .unwrap_or(false);
        Self::with_state(
            stored_script.unwrap_or_else(|| STARTER_SCRIPT.to_string()),
            dark_mode,
        )
    }

    /// An app showing `script` in the playground (used by tests, too).
    pub fn with_state(script: String, dark_mode: bool) -> Self {
        Self {
            playground: Playground::new(script),
            dark_mode,
        }
    }
}

impl eframe::App for BackpropApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ui.ctx().set_theme(if self.dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Backprop Lab");
                ui.separator();
                let label = if self.dark_mode {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui.button(label).clicked() {
                    self.dark_mode = !self.dark_mode;
                }
                ui.label("Zoom: Ctrl + / Ctrl −");
            });
        });
        egui::CentralPanel::default().show(ui, |ui| self.playground.ui(ui));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SCRIPT_KEY, &self.playground.script);
        eframe::set_value(storage, DARK_KEY, &self.dark_mode);
    }
}

/// Opens the window and runs until it is closed.
pub fn run() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Backprop Lab")
            .with_inner_size([1200.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Backprop Lab",
        options,
        Box::new(|cc| Ok(Box::new(BackpropApp::new(cc)))),
    )
}
