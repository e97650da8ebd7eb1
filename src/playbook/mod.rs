//! Playbooks: the YAML model, its condition and template languages, answer
//! values, loading with positioned errors and validation. Pure: no files,
//! no clock (where playbooks come from is the catalog, a layer above).

pub mod answer;
pub mod condition;
pub mod field;
pub mod load;
pub mod localized;
pub mod model;
pub mod recover;
pub mod satisfy;
pub mod template;
pub mod texts;
pub mod validate;
pub mod vocab;
pub mod wording;

pub use condition::{Condition, Facts};
pub use field::{AskedAt, FieldDef, FieldKind, FieldRule};
pub use load::{LoadError, load_str};
pub use localized::Localized;
pub use model::*;
pub use texts::{TextField, TextPath, languages_of};
pub use wording::Wording;
