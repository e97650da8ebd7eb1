//! Any text given as an answers file to replay on the default playbook.
#![no_main]

use std::sync::OnceLock;

use defuse::playbook::Playbook;
use libfuzzer_sys::fuzz_target;

/// Loaded once: the target fuzzes answers, not the playbook loader.
fn playbook() -> &'static Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    PLAYBOOK.get_or_init(|| {
        let (_, source) = defuse::catalog::EMBEDDED[0];
        defuse::playbook::load_str("general.yaml", source).expect("shipped playbook loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let playbook = playbook();
    if let Ok(mut prompter) = defuse::prompt::script::ScriptPrompter::new("a.yaml", text, playbook) {
        let mut session = defuse::triage::session::Session::new(playbook);
        let _ = defuse::triage::drive(&mut session, &mut prompter, |_| {});
    }
});
