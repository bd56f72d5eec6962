//! Progress in the browser's local storage, with the same rules as the file: versioned
//! RON, the previous version kept as a backup, an unreadable entry set aside under its own
//! key and reported, never silently dropped.

use super::model::Progress;
use super::store::{Loaded, ProgressStore, SaveError, from_ron, to_ron};

/// The local-storage key of the progress.
pub const KEY: &str = "backprop_lab_progress";

/// Progress in `window.localStorage`.
#[derive(Debug, Clone, Default)]
pub struct LocalStorageStore;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn error(message: &str) -> SaveError {
    SaveError {
        path: format!("the browser's local storage ({KEY})"),
        source: std::io::Error::other(message.to_string()),
    }
}

impl ProgressStore for LocalStorageStore {
    fn load(&mut self) -> Loaded {
        let Some(storage) = storage() else {
            return Loaded {
                progress: Progress::default(),
                notice: Some(
                    "This browser keeps no local storage here: your progress lasts until the \
                     page is closed."
                        .into(),
                ),
            };
        };
        let text = match storage.get_item(KEY) {
            Ok(Some(text)) => text,
            Ok(None) => {
                return Loaded {
                    progress: Progress::default(),
                    notice: None,
                };
            }
            Err(_) => String::new(),
        };
        match from_ron(&text) {
            Ok(progress) => Loaded {
                progress,
                notice: None,
            },
            Err(problem) => {
                let aside = format!("{KEY}.corrupt-{}", js_sys_now_seconds());
                let kept = storage.set_item(&aside, &text).is_ok();
                if kept {
                    let _ = storage.remove_item(KEY);
                }
                let notice = if kept {
                    format!(
                        "Your saved progress could not be read ({problem}). It was kept in \
                         local storage as '{aside}' and the app started with empty progress."
                    )
                } else {
                    format!(
                        "Your saved progress could not be read ({problem}) and could not be \
                         set aside. The app started with empty progress."
                    )
                };
                Loaded {
                    progress: Progress::default(),
                    notice: Some(notice),
                }
            }
        }
    }

    fn save(&mut self, progress: &Progress) -> Result<(), SaveError> {
        let storage = storage().ok_or_else(|| error("no local storage"))?;
        if let Ok(Some(previous)) = storage.get_item(KEY) {
            storage
                .set_item(&format!("{KEY}.bak"), &previous)
                .map_err(|_| error("the backup could not be written"))?;
        }
        // One set_item replaces the value whole: there is no half-written state to recover.
        storage
            .set_item(KEY, &to_ron(progress))
            .map_err(|_| error("the browser refused to store it (full?)"))
    }

    fn location(&self) -> String {
        format!("this browser's local storage ('{KEY}')")
    }
}

/// Seconds since 1970 from the browser's clock (std's clock is unavailable on the web).
fn js_sys_now_seconds() -> u64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0, |p| ((p.time_origin() + p.now()) / 1000.0) as u64)
}
