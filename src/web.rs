//! The browser entry point: start eframe on the page's canvas, replace the loading screen,
//! and turn a missing WebGL or a panic into a readable message on the page.

use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;

use crate::app::navigator::Page;
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

/// The app with the tab's title and the address kept on the page it shows: the app knows
/// nothing of the browser, so both are set here, after each frame.
struct TitledApp {
    app: BackpropApp,
    /// The fragment the address had after the last frame (`#lesson=...`).
    address: String,
    /// The page of the last frame: moving to another page is a step in the browser's
    /// history (Back returns), a change on the same page replaces the address.
    page: Page,
    /// Whether the address follows the app (not for the browser test's `#test-panic`).
    follow: bool,
}

impl TitledApp {
    fn new(app: BackpropApp, address: String) -> Self {
        Self {
            page: app.page(),
            follow: address != "#test-panic",
            app,
            address,
        }
    }

    /// Back, Forward or a typed address open what the new fragment says; the app's own
    /// moves are written into the address.
    fn sync_address(&mut self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let now = window.location().hash().unwrap_or_default();
        if now != self.address {
            if now.len() > 1 {
                self.app.open_link(&now);
            }
            self.address = now;
            self.page = self.app.page();
        }
        let wanted = format!("#{}", self.app.link_here());
        if wanted != self.address {
            if let Ok(history) = window.history() {
                let _ = if self.app.page() == self.page {
                    history.replace_state_with_url(&JsValue::NULL, "", Some(&wanted))
                } else {
                    history.push_state_with_url(&JsValue::NULL, "", Some(&wanted))
                };
            }
            self.address = wanted;
        }
        self.page = self.app.page();
    }
}

impl eframe::App for TitledApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        show_page_title(&self.app.page_title());
        if self.follow {
            self.sync_address();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.app.save(storage);
    }
}

/// Back and Forward change the address without any input egui would wake up for: a
/// listener asks for a frame, in which the app opens the new fragment.
fn repaint_on_history_moves(ctx: &egui::Context) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let ctx = ctx.clone();
    let wake = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || ctx.request_repaint());
    for event in ["popstate", "hashchange"] {
        let _ = window.add_event_listener_with_callback(event, wake.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    wake.forget();
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
                    repaint_on_history_moves(&cc.egui_ctx);
                    // The page's address opens what its fragment says (a teacher's link).
                    let hash = web_sys::window()
                        .and_then(|w| w.location().hash().ok())
                        .unwrap_or_default();
                    if hash.len() > 1 && hash != "#test-panic" {
                        app.open_link(&hash);
                    }
                    Ok(Box::new(TitledApp::new(app, hash)))
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
