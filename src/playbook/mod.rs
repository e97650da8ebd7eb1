//! Playbooks: the YAML model, its condition language, loading with
//! positioned errors, and discovery of the shipped and local playbooks.

pub mod catalog;
pub mod condition;
pub mod diagnostic;
pub mod load;
pub mod localized;
pub mod model;
pub mod satisfy;
pub mod validate;
pub mod vocab;

pub use condition::{Condition, Facts};
pub use load::{LoadError, load_str};
pub use localized::Localized;
pub use model::*;
