//! The browser entry point: start eframe on the page's canvas, replace the loading screen,
//! and turn a missing WebGL or a panic into a readable message on the page.

use wasm_bindgen::JsCast as _;

use crate::app::{BackpropApp, LessonSource};

const CANVAS_ID: &str = "backprop_lab_canvas";
const LOADING_ID: &str = "loading";
const ERROR_ID: &str = "error";

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Shows a message in the page's error box (and hides the loading screen).
pub fn show_error(message: &str) {
    let Some(document) = document() else { return };
    if let Some(loading) = document.get_element_by_id(LOADING_ID) {
        loading.remove();
    }
    if let Some(element) = document.get_element_by_id(ERROR_ID) {
        element.set_text_content(Some(message));
        let _ = element.set_attribute("style", "display: block");
    }
    web_sys::console::error_1(&message.into());
}

/// Puts the page on screen into the tab's title (also read by the browser test).
fn show_page_title(page: &str) {
    let Some(document) = document() else { return };
    let title = format!("Backprop Lab: {page}");
    if document.title() != title {
        document.set_title(&title);
    }
}

/// The app with the tab's title kept on the page it shows: the app knows nothing of the
/// browser, so the title is set here, after each frame.
struct TitledApp(BackpropApp);

impl eframe::App for TitledApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.0.ui(ui, frame);
        show_page_title(&self.0.page_title());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.0.save(storage);
    }
}

/// Starts the app on the page's canvas.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        show_error(&format!(
            "Backprop Lab stopped because of an internal error. Reload the page to start \
             again; your saved progress is kept.\n\n{info}"
        ));
    }));
    wasm_bindgen_futures::spawn_local(async {
        let Some(canvas) = document()
            .and_then(|d| d.get_element_by_id(CANVAS_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            show_error("This page has no canvas for Backprop Lab.");
            return;
        };
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(|cc| {
                    let mut app = BackpropApp::new(cc, &LessonSource::Embedded);
                    // The page's address opens what its fragment says (a teacher's link).
                    let hash = web_sys::window().and_then(|w| w.location().hash().ok());
                    if let Some(fragment) = hash
                        .as_deref()
                        .filter(|h| h.len() > 1 && *h != "#test-panic")
                    {
                        app.open_link(fragment);
                    }
                    Ok(Box::new(TitledApp(app)))
                }),
            )
            .await;
        match started {
            Ok(()) => {
                if let Some(loading) = document().and_then(|d| d.get_element_by_id(LOADING_ID)) {
                    loading.remove();
                }
                // Lets the browser test check that a panic reaches the page.
                let hash = web_sys::window().and_then(|w| w.location().hash().ok());
                if hash.as_deref() == Some("#test-panic") {
                    panic!("a panic requested by the page address (#test-panic)");
                }
            }
            Err(error) => show_error(&format!(
                "Backprop Lab needs WebGL, which this browser did not provide ({error:?}). \
                 Try another browser, or turn on hardware acceleration."
            )),
        }
    });
}
