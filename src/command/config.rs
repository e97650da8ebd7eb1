//! `defuse config`: the settings in effect and where each came from (a
//! flag, an environment variable, the config file, or the default), as text
//! or JSON (`defuse.config/v1`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::Io;
use crate::cli::{ConfigArgs, ConfigFormat};
use crate::config::{Origin, Report, Role, Setting, Settings, Shown};
use crate::error::Error;

pub const CONFIG_SCHEMA: &str = "defuse.config/v1";

/// `archive` is the archive's location (a path, or a server's URL, which
/// never holds a password), or why there is none (no home directory, a
/// refused URL).
pub fn run(
    args: &ConfigArgs,
    settings: &Settings,
    archive: Result<crate::archive::Location, String>,
    io: &mut Io,
) -> Result<(), Error> {
    let lang = settings
        .lang
        .as_ref()
        .map_err(|e| Error::Usage(format!("{e} (from $DEFUSE_LANG)")))?;
    let file = settings.file.as_ref().map(|f| f.value.as_path());
    let shown = |value: Value, from: &Origin| Shown {
        value,
        from: from.kind(),
        source: match from {
            Origin::Flag(flag) => Some((*flag).to_owned()),
            Origin::Env(var) => Some((*var).to_owned()),
            Origin::File => file.map(|f| f.display().to_string()),
            Origin::Default => None,
        },
    };
    let of = |s: &Setting<String>| shown(json!(s.value), &s.from);
    let archive_from = settings
        .archive
        .as_ref()
        .map_or(Origin::Default, |a| a.from.clone());
    let mut rows: Vec<(&'static str, Shown)> = vec![
        (
            "name",
            settings
                .name
                .as_ref()
                .map_or_else(|| shown(Value::Null, &Origin::Default), of),
        ),
        ("role", of(&settings.role)),
        ("lang", shown(json!(lang.value.code()), &lang.from)),
        (
            "working_hours",
            match &settings.working_hours {
                Some(h) => shown(json!(h.value), &h.from),
                None => shown(Value::Null, &Origin::Default),
            },
        ),
        (
            "playbook_dirs",
            shown(
                json!(
                    settings
                        .playbook_dirs
                        .value
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                ),
                &settings.playbook_dirs.from,
            ),
        ),
    ];
    rows.push((
        "archive",
        match &archive {
            Ok(location) => shown(json!(location.to_string()), &archive_from),
            Err(_) => shown(Value::Null, &Origin::Default),
        },
    ));
    let report = Report {
        schema: CONFIG_SCHEMA,
        file: settings.file.as_ref().map(|f| Shown {
            value: json!(f.value.display().to_string()),
            from: f.from.kind(),
            source: match &f.from {
                Origin::Flag(flag) => Some((*flag).to_owned()),
                _ => None,
            },
        }),
        settings: BTreeMap::from_iter(rows.iter().map(|(k, v)| {
            (
                *k,
                Shown {
                    value: v.value.clone(),
                    from: v.from,
                    source: v.source.clone(),
                },
            )
        })),
        roster: settings
            .roster
            .iter()
            .map(|(role, person)| Role {
                role: role.clone(),
                person: person.clone(),
            })
            .collect(),
    };
    match args.format {
        ConfigFormat::Json => io.print(&super::json(&report)),
        ConfigFormat::Table => {
            let looked_for = crate::config::default_path(|name| io.env.var_os(name));
            let text = text(settings, &rows, archive.err(), looked_for.as_deref());
            io.print(&text)
        }
    }
}

/// The settings one per line: name, value, and where it came from.
fn text(
    settings: &Settings,
    rows: &[(&'static str, Shown)],
    no_archive: Option<String>,
    looked_for: Option<&Path>,
) -> String {
    let mut out = String::new();
    let mut line = |key: &str, value: &str, from: &str| {
        out += &format!("{key:<14} {value}");
        if !from.is_empty() {
            out += &format!("  ({from})");
        }
        out += "\n";
    };
    match &settings.file {
        Some(f) => line(
            "config file",
            &f.value.display().to_string(),
            match f.from {
                Origin::Flag(_) => "--config",
                _ => "default location",
            },
        ),
        None => line(
            "config file",
            &match looked_for {
                Some(path) => format!("none ({} does not exist)", path.display()),
                None => "none (neither XDG_CONFIG_HOME nor HOME is set)".into(),
            },
            "",
        ),
    }
    for (key, shown) in rows {
        let value = match (&shown.value, *key) {
            (Value::Null, "name") => "— (plans name the rep's role only)".to_owned(),
            (Value::Null, "working_hours") => {
                "— (wall-clock due times, unless the playbook sets working hours)".to_owned()
            }
            (Value::Null, "archive") => {
                format!("— ({})", no_archive.as_deref().unwrap_or("none"))
            }
            (Value::Null, _) => "—".to_owned(),
            (Value::String(s), _) => s.clone(),
            (Value::Array(items), _) if items.is_empty() => "—".to_owned(),
            (Value::Array(items), _) => items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join(":"),
            (Value::Object(hours), "working_hours") => {
                let field = |k: &str| hours.get(k).and_then(Value::as_str).unwrap_or_default();
                format!(
                    "{} {} {}",
                    field("days"),
                    field("hours"),
                    field("time_zone")
                )
                .trim_end()
                .to_owned()
            }
            (other, _) => other.to_string(),
        };
        let from = match shown.from {
            "flag" | "env" => shown.source.clone().map(|s| match shown.from {
                "env" => format!("${s}"),
                _ => s,
            }),
            "file" => Some("config file".to_owned()),
            _ => Some("default".to_owned()),
        };
        line(&key.replace('_', " "), &value, &from.unwrap_or_default());
    }
    let mut first = true;
    for (role, person) in &settings.roster {
        let key = if first { "roster" } else { "" };
        line(
            key,
            &format!("{role} = {person}"),
            if first { "config file" } else { "" },
        );
        first = false;
    }
    out
}
