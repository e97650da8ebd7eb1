//! The committed JSON Schemas equal the ones generated from the Rust types,
//! and every shipped file points editors at its schema.

use std::path::Path;

use defuse::cli::SchemaKind;
use defuse::command::schema::generate;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn committed_schemas_are_fresh() {
    for (kind, name) in [
        (SchemaKind::Playbook, "playbook"),
        (SchemaKind::Answers, "answers"),
        (SchemaKind::Scenarios, "scenarios"),
    ] {
        let file = format!("playbooks/{name}.schema.json");
        let committed = std::fs::read_to_string(Path::new(ROOT).join(&file)).unwrap();
        assert!(
            committed == generate(kind),
            "{file} is stale: run `cargo run -- schema {name} > {file}`"
        );
    }
}

#[test]
fn schemas_are_draft_2020_12_with_descriptions_from_doc_comments() {
    let schema: serde_json::Value = serde_json::from_str(&generate(SchemaKind::Playbook)).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown fields are refused, as the loader does"
    );
    let levels = &schema["properties"]["levels"]["description"];
    assert!(
        levels.as_str().unwrap().contains("lowest first"),
        "{levels}"
    );
}

/// Text fields take a string or a map of exactly the languages defuse
/// speaks, so editors flag `zh_TW` as the loader does.
#[test]
fn text_fields_are_localized_text() {
    let schema: serde_json::Value = serde_json::from_str(&generate(SchemaKind::Playbook)).unwrap();
    let defs = &schema["$defs"];
    assert_eq!(
        defs["Level"]["properties"]["label"]["$ref"],
        "#/$defs/LocalizedText"
    );
    let forms = defs["LocalizedText"]["anyOf"].as_array().unwrap();
    assert_eq!(forms[0]["type"], "string");
    let map = &forms[1];
    let languages: Vec<&str> = map["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(languages, ["en", "zh-CN", "zh-TW"]);
    assert_eq!(map["additionalProperties"], false);
}

#[test]
fn shipped_files_carry_the_schema_modeline() {
    let modeline = |file: &str, schema: &str| {
        let text = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("# yaml-language-server: $schema={schema}"),
            "{file}"
        );
    };
    for (id, _) in defuse::catalog::EMBEDDED {
        modeline(&format!("playbooks/{id}.yaml"), "playbook.schema.json");
        modeline(
            &format!("playbooks/{id}.tests.yaml"),
            "scenarios.schema.json",
        );
    }
    for entry in std::fs::read_dir(Path::new(ROOT).join("examples")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".answers.yaml") {
            modeline(
                &format!("examples/{name}"),
                "../playbooks/answers.schema.json",
            );
        }
    }
}

/// Schema descriptions are what an author reads in the editor: they speak of
/// the playbook, not of the source that generates them.
#[test]
fn schema_descriptions_speak_to_the_author() {
    fn walk(value: &serde_json::Value, at: &str, found: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    if let (true, Some(text)) = (key == "description", v.as_str()) {
                        for jargon in ["Seed", "src/", "crate::", "::"] {
                            if text.contains(jargon) {
                                found.push(format!("{at}: {jargon:?} in {text:?}"));
                            }
                        }
                    }
                    walk(v, &format!("{at}/{key}"), found);
                }
            }
            serde_json::Value::Array(items) => {
                for v in items {
                    walk(v, at, found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for kind in [
        SchemaKind::Playbook,
        SchemaKind::Answers,
        SchemaKind::Scenarios,
    ] {
        let schema: serde_json::Value = serde_json::from_str(&generate(kind)).unwrap();
        walk(&schema, &format!("{kind:?}"), &mut found);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
