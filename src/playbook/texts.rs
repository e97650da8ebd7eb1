//! Every piece of text in a playbook, each named by its path
//! (`levels.fire.label`), for the checks that run over all of them
//! (translations, allowed words) and for the languages a playbook is written in.

use serde_saphyr::Spanned;

use super::localized::Localized;
use super::model::*;
use super::wording::Wording;
use crate::i18n::Lang;

/// One piece of text in a playbook, for checks over every text (translations).
pub struct TextField<'a> {
    pub path: TextPath<'a>,
    pub text: &'a Localized,
    /// The `allow:` list of the node it belongs to.
    pub allow: &'a [Spanned<String>],
}

/// Where a text is, by ids: `levels.fire.label`,
/// `assess.questions.role.options.staff.label`, `donts[2].text`. Written
/// out only when a problem is reported.
#[derive(Debug, Clone, Copy)]
pub struct TextPath<'a> {
    /// The list the node is in (`levels`), or its item with a position (`donts[2]`).
    pub node: (&'static str, Option<usize>),
    pub id: Option<&'a str>,
    /// For a question's option: its key.
    pub option: Option<&'a str>,
    pub field: &'static str,
    /// For list fields (`cues`): the item.
    pub item: Option<usize>,
    /// For texts written as variants (`definition: [{text, when}, …]`): which.
    pub variant: Option<usize>,
}

impl std::fmt::Display for TextPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (node, position) = self.node;
        if !node.is_empty() {
            f.write_str(node)?;
            if let Some(i) = position {
                write!(f, "[{i}]")?;
            }
            f.write_str(".")?;
        }
        if let Some(id) = self.id {
            write!(f, "{id}.")?;
        }
        if let Some(key) = self.option {
            write!(f, "options.{key}.")?;
        }
        f.write_str(self.field)?;
        if let Some(i) = self.item {
            write!(f, "[{i}]")?;
        }
        if let Some(i) = self.variant {
            write!(f, "[{i}]")?;
        }
        Ok(())
    }
}

impl<'a> TextPath<'a> {
    fn of(node: &'static str, id: Option<&'a str>, field: &'static str) -> Self {
        TextPath {
            node: (node, None),
            id,
            option: None,
            field,
            item: None,
            variant: None,
        }
    }

    fn item(self, item: usize) -> Self {
        TextPath {
            item: Some(item),
            ..self
        }
    }
}

impl Playbook {
    /// Every text field that is present, in file order.
    pub fn texts<'a>(&'a self) -> Vec<TextField<'a>> {
        // A playbook has dozens to hundreds of texts: start past the small sizes.
        let mut out: Vec<TextField<'_>> = Vec::with_capacity(64);
        let mut add = |path, text, allow| {
            // Absent optional text (`help:` not written) is not a text to check.
            if Localized::spanned(text).is_some() {
                out.push(TextField { path, text, allow });
            }
        };
        // Each variant of a wording is a text; a single one keeps the plain path.
        let variants = |path: TextPath<'a>, wording: &'a Wording| {
            let several = wording.variants().len() > 1;
            wording.variants().iter().enumerate().map(move |(i, v)| {
                let path = TextPath {
                    variant: several.then_some(i),
                    ..path
                };
                (path, &v.text)
            })
        };
        let top = self.allow.as_slice();
        let at = TextPath::of;
        add(at("", None, "title"), &self.title, top);
        add(at("", None, "description"), &self.description, top);
        for f in &self.fields {
            let id = Some(f.id.value.as_str());
            add(at("fields", id, "label"), &f.label, top);
            add(at("fields", id, "help"), &f.help, top);
        }
        for (list, items) in [("scores", &self.scores), ("flags", &self.flags)] {
            for n in items {
                let id = Some(n.id.value.as_str());
                add(at(list, id, "label"), &n.label, top);
                add(at(list, id, "description"), &n.description, top);
            }
        }
        add(at("assess", None, "guidance"), &self.assess.guidance, top);
        for q in &self.assess.questions {
            let (id, allow) = (Some(q.id.value.as_str()), q.allow.as_slice());
            add(at("assess.questions", id, "prompt"), &q.prompt, allow);
            add(at("assess.questions", id, "help"), &q.help, allow);
            for c in &q.options {
                let path = TextPath {
                    option: Some(&c.key.value),
                    ..at("assess.questions", id, "label")
                };
                add(path, &c.label, allow);
            }
            if let Some(scale) = &q.scale {
                add(
                    at("assess.questions", id, "scale.low_label"),
                    &scale.low_label,
                    allow,
                );
                add(
                    at("assess.questions", id, "scale.high_label"),
                    &scale.high_label,
                    allow,
                );
            }
        }
        for l in &self.levels {
            let (id, allow) = (Some(l.id.value.as_str()), l.allow.as_slice());
            add(at("levels", id, "label"), &l.label, allow);
            for (path, text) in variants(at("levels", id, "definition"), &l.definition).chain(
                variants(at("levels", id, "response_force"), &l.response_force),
            ) {
                add(path, text, allow);
            }
        }
        for r in &self.authority {
            let (id, allow) = (Some(r.id.value.as_str()), r.allow.as_slice());
            add(at("authority", id, "label"), &r.label, allow);
            for (path, text) in variants(at("authority", id, "definition"), &r.definition)
                .chain(variants(at("authority", id, "stance"), &r.stance))
            {
                add(path, text, allow);
            }
        }
        add(
            at("grievance", None, "guidance"),
            &self.grievance.guidance,
            top,
        );
        for g in &self.grievance.catalogue {
            let (id, allow) = (Some(g.id.value.as_str()), g.allow.as_slice());
            let node = "grievance.catalogue";
            add(at(node, id, "label"), &g.label, allow);
            add(at(node, id, "description"), &g.description, allow);
            for (i, cue) in g.cues.iter().enumerate() {
                add(at(node, id, "cues").item(i), cue, allow);
            }
            for (i, probe) in g.probes.iter().enumerate() {
                add(at(node, id, "probes").item(i), probe, allow);
            }
            add(at(node, id, "guidance"), &g.guidance, allow);
        }
        for k in &self.grievance.kinds {
            add(
                at("grievance.kinds", Some(&k.key.value), "label"),
                &k.label,
                top,
            );
        }
        add(
            at("remedies", None, "guidance"),
            &self.remedies.guidance,
            top,
        );
        for r in &self.remedies.catalogue {
            let (id, allow) = (Some(r.id.value.as_str()), r.allow.as_slice());
            let node = "remedies.catalogue";
            add(at(node, id, "label"), &r.label, allow);
            for (path, text) in variants(at(node, id, "action"), &r.action) {
                add(path, text, allow);
            }
            add(at(node, id, "owner"), &r.owner, allow);
            for (path, text) in variants(at(node, id, "why"), &r.why) {
                add(path, text, allow);
            }
            for (i, point) in r.talking_points.iter().enumerate() {
                for (path, text) in variants(at(node, id, "talking_points").item(i), point) {
                    add(path, text, allow);
                }
            }
            if let Some(template) = &r.template {
                for (path, text) in variants(at(node, id, "template"), template) {
                    add(path, text, allow);
                }
            }
        }
        for f in &self.followups {
            let (id, allow) = (Some(f.id.value.as_str()), f.allow.as_slice());
            for (path, text) in variants(at("followups", id, "action"), &f.action) {
                add(path, text, allow);
            }
            add(at("followups", id, "owner"), &f.owner, allow);
            for (path, text) in variants(at("followups", id, "why"), &f.why) {
                add(path, text, allow);
            }
        }
        for (i, d) in self.donts.iter().enumerate() {
            let path = TextPath {
                node: ("donts", Some(i)),
                ..at("", None, "text")
            };
            add(path, &d.text, top);
        }
        for h in &self.history {
            add(at("history", Some(&h.id.value), "why"), &h.why, top);
        }
        out
    }

    /// The locales the playbook's text is written in: every locale used as a
    /// key anywhere (plain text alone names none).
    pub fn languages(&self) -> std::collections::BTreeSet<Lang> {
        languages_of(&self.texts())
    }
}

/// The locales a set of texts is written in (plain text names none).
pub fn languages_of(texts: &[TextField<'_>]) -> std::collections::BTreeSet<Lang> {
    texts
        .iter()
        .filter(|t| !t.text.is_plain())
        .flat_map(|t| t.text.locales())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_text_is_named_by_its_path() {
        // Read directly, not through the catalog, which sits above the model.
        let source = include_str!("../../playbooks/general.yaml");
        let pb = crate::playbook::load_str("general", source).expect("shipped playbook loads");
        let paths: Vec<String> = pb.texts().iter().map(|t| t.path.to_string()).collect();
        for want in [
            "title",
            "flags.real_loss.label",
            "assess.questions.our_failure.options.partly.label",
            "grievance.catalogue.not_valued.cues[1]",
            // Variants are named by position: the second letter, the third Fire text.
            "remedies.catalogue.fact_explanation.template[1]",
            "levels.fire.definition[2]",
            "remedies.catalogue.private_talk.talking_points[0][1]",
            "donts[0].text",
            "history.repeat_customer.why",
        ] {
            assert!(paths.iter().any(|p| p == want), "{want} not in {paths:?}");
        }
        // Optional text that is not written is not listed.
        assert!(!paths.iter().any(|p| p == "assess.questions.real_loss.help"));
    }
}
