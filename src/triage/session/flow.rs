//! The question flow: every prompt in the order asked, with the dynamic
//! parts (conditional step-1 questions, suggested defaults, the remedy edit
//! loop) decided from the answers so far, and the builders that word them.

use super::{Opt, Prompt, PromptKind, Session, Stage};
use crate::i18n::Lang;
use crate::playbook::vocab::{AtStake, ComplaintKind, CrisisType, NONE_CLEAR, Vocabulary};
use crate::playbook::{AskedAt, FieldDef, QuestionKind, Suggest};
use crate::triage::answers::AnswerValue;
use crate::triage::assess::{Assessment, Walk};
use crate::triage::prompt_id::{CaseField, Field, GrievanceField, PromptId, RecordField};

/// Edit rounds are bounded so a scripted or stuck front end cannot loop forever.
pub const MAX_ADJUST_ROUNDS: usize = 50;
/// The answer to an edit-loop prompt that ends the edits.
pub const ADJUST_DONE: &str = "done";

impl<'p> Session<'p> {
    /// Walks every prompt in order; returns the answered ones and the first
    /// open one. All the dynamic parts (conditional questions, defaults,
    /// the edit loop) are decided here.
    pub(super) fn prompts_until_open(&self) -> (Vec<Prompt>, Option<Prompt>) {
        let mut done = Vec::new();
        macro_rules! offer {
            ($prompt:expr) => {{
                let prompt: Prompt = $prompt;
                if self.answered(&prompt.id).is_none() {
                    return (done, Some(prompt));
                }
                done.push(prompt);
            }};
        }
        let pb = self.playbook;
        let (lang, l) = (self.lang, self.lang.labels());

        for &field in CaseField::ALL {
            offer!(self.prompt(
                PromptId::Case(field),
                Stage::Case,
                field.title(l),
                "",
                PromptKind::Text,
                None,
                field.required()
            ));
        }

        for def in pb.fields.iter().filter(|f| f.asked_at == AskedAt::Case) {
            offer!(self.field_prompt(def, Stage::Case));
        }

        let walk = Walk::new(pb, |id| {
            self.answered(&PromptId::Assess(id.to_owned())).cloned()
        });
        for question in &pb.assess.questions {
            let is_pending = walk.pending.is_some_and(|p| std::ptr::eq(p, question));
            if is_pending || walk.answers.contains_key(&question.id.value) {
                offer!(self.question_prompt(question));
            }
        }

        let mut options: Vec<Opt> = pb
            .grievance
            .catalogue
            .iter()
            .map(|g| Opt::new(g.id.value.clone(), g.label.text(lang)))
            .collect();
        // Not forcing a pick: "none clear yet" is an answer, and the plan then
        // proposes listening again.
        options.push(Opt::new(NONE_CLEAR.into(), l.none_clear.into()));
        // Step 1 is complete here (an open question returned above): judge it once
        // for every suggestion and proposal below.
        let Some(assessment) = self.assessment() else {
            return (done, None);
        };
        let suggested = self.suggested_grievances(&assessment);
        let suggested = (!suggested.is_empty()).then_some(AnswerValue::Keys(suggested));
        offer!(self.prompt(
            PromptId::Grievance(GrievanceField::Picked),
            Stage::Grievance,
            l.grievance_picked,
            "",
            PromptKind::Multi(options),
            suggested,
            true,
        ));
        offer!(self.prompt(
            PromptId::Grievance(GrievanceField::Words),
            Stage::Grievance,
            l.grievance_words,
            l.grievance_words_help,
            PromptKind::Text,
            None,
            false,
        ));
        // The classifications are suggested from the answers, with the rule
        // that suggested them, and the rep confirms or changes them: only
        // what is confirmed here decides remedies.
        let classify = &pb.grievance.classify;
        let kinds = self.suggested(&assessment, &classify.kind);
        offer!(if pb.grievance.kinds.is_empty() {
            self.vocab_prompt(
                GrievanceField::Kind,
                l.grievance_kind,
                l.grievance_kind_help,
                kinds,
                ComplaintKind::Unclear,
                true,
            )
        } else {
            // The playbook's own words; each suggestion pre-selects the
            // first option meaning it.
            let options = pb
                .grievance
                .kinds
                .iter()
                .map(|k| Opt::new(k.key.value.clone(), k.label.text(lang)))
                .collect();
            let mut keys: Vec<String> = kinds
                .iter()
                .filter_map(|(kind, _)| pb.grievance.kind_key(*kind))
                .map(str::to_owned)
                .collect();
            if keys.is_empty() {
                keys.extend(
                    pb.grievance
                        .kind_key(ComplaintKind::Unclear)
                        .map(str::to_owned),
                );
            }
            self.prompt(
                PromptId::Grievance(GrievanceField::Kind),
                Stage::Grievance,
                l.grievance_kind,
                l.grievance_kind_help,
                PromptKind::Multi(options),
                (!keys.is_empty()).then_some(AnswerValue::Keys(keys)),
                false,
            )
        });
        offer!(
            self.vocab_prompt(
                GrievanceField::Crisis,
                l.grievance_crisis,
                l.grievance_crisis_help,
                self.suggested(&assessment, &classify.crisis)
                    .into_iter()
                    .take(1)
                    .collect(),
                CrisisType::None,
                false,
            )
        );
        offer!(
            self.vocab_prompt(
                GrievanceField::AtStake,
                l.grievance_at_stake,
                l.grievance_at_stake_help,
                self.suggested(&assessment, &classify.at_stake)
                    .into_iter()
                    .take(1)
                    .collect(),
                AtStake::Neither,
                false,
            )
        );

        let proposals = self
            .grievances()
            .map(|g| self.proposals_for(&assessment, &g))
            .unwrap_or_default();
        let options = pb
            .remedies
            .catalogue
            .iter()
            .map(|r| {
                let mark = if proposals.iter().any(|p| p.remedy == r.id.value) {
                    l.proposed
                } else {
                    l.optional
                };
                Opt {
                    key: r.id.value.clone(),
                    label: r.label.text(lang),
                    detail: (l.remedy_facts)(
                        &r.kind.value,
                        mark,
                        r.owner.get(lang),
                        &r.due.value.to_string(),
                    ),
                }
            })
            .collect();
        let proposed = AnswerValue::Keys(proposals.iter().map(|p| p.remedy.clone()).collect());
        offer!(self.prompt(
            PromptId::RemediesSelected,
            Stage::Remedies,
            l.remedies_selected,
            "",
            PromptKind::Multi(options),
            Some(proposed),
            false,
        ));

        // Our responsible person is asked before the owners are changed, so
        // the rep names who answers for the case before handing out its items.
        offer!(self.record_prompt(RecordField::OurOwner, Stage::Remedies));

        let selected = self.selected_remedies().unwrap_or_default();
        for round in 0..MAX_ADJUST_ROUNDS {
            let adjusted = self.adjusted(round);
            let mut options = vec![Opt::new(ADJUST_DONE.into(), l.adjust_done.into())];
            options.extend(selected.iter().filter_map(|id| {
                let (owner, due) = adjusted.get(id)?;
                Some(Opt {
                    key: id.clone(),
                    label: (l.adjust_change)(&self.remedy_label(id)),
                    detail: (l.adjust_facts)(owner, &due.to_string()),
                })
            }));
            let id = PromptId::Adjust(round);
            offer!(self.prompt(
                id.clone(),
                Stage::Remedies,
                l.adjust,
                "",
                PromptKind::Choice(options),
                Some(AnswerValue::Key(ADJUST_DONE.into())),
                false
            ));
            let target = self.text(&id);
            if target == ADJUST_DONE {
                break;
            }
            let (owner, due) = adjusted.get(&target).cloned().unwrap_or_default();
            offer!(self.prompt(
                PromptId::Owner(round),
                Stage::Remedies,
                &(l.owner_of)(&self.remedy_label(&target)),
                l.owner_help,
                PromptKind::Text,
                Some(AnswerValue::Text(owner)),
                true
            ));
            offer!(self.prompt(
                PromptId::Due(round),
                Stage::Remedies,
                &(l.due_for)(&self.remedy_label(&target)),
                l.due_help,
                PromptKind::Duration,
                Some(AnswerValue::Text(due.to_string())),
                true
            ));
        }

        for &field in RecordField::ALL {
            if field != RecordField::OurOwner {
                offer!(self.record_prompt(field, Stage::Record));
            }
        }
        for def in pb.fields.iter().filter(|f| f.asked_at == AskedAt::Record) {
            offer!(self.field_prompt(def, Stage::Record));
        }
        (done, None)
    }

    /// One of the playbook's own fields: typed text its rule checks.
    fn field_prompt(&self, def: &FieldDef, stage: Stage) -> Prompt {
        let help = def.help.text(self.lang);
        let help = if help.is_empty() && !def.required {
            self.lang.labels().record_help.to_owned()
        } else {
            help
        };
        self.prompt(
            PromptId::Field(def.id.value.clone()),
            stage,
            &def.label.text(self.lang),
            &help,
            PromptKind::Field(def.rule()),
            None,
            def.required,
        )
    }

    /// A complaint-record field: free text, may be left empty.
    fn record_prompt(&self, field: RecordField, stage: Stage) -> Prompt {
        let l = self.lang.labels();
        self.prompt(
            PromptId::Record(field),
            stage,
            field.title(l),
            l.record_help,
            PromptKind::Text,
            None,
            false,
        )
    }

    /// The playbook's suggestions for a classification, from step 1 and the
    /// grievances picked: every rule that holds, in order, each with the
    /// rule in words. A single-answer classification takes the first.
    fn suggested<V: Vocabulary + PartialEq>(
        &self,
        assessment: &Assessment,
        rules: &[Suggest<V>],
    ) -> Vec<(V, String)> {
        let picked = self.picked_grievances().unwrap_or_default();
        let mut facts = self.facts(assessment, None);
        facts.grievances = &picked;
        // Classifications answered just before count (crisis informs what is at stake).
        let (kinds, _) = self.complaint_kinds().unwrap_or_default();
        facts.complaint_kinds = &kinds;
        facts.crisis =
            CrisisType::from_key(&self.answered_key(&PromptId::Grievance(GrievanceField::Crisis)));
        let mut out: Vec<(V, String)> = Vec::new();
        for rule in rules.iter().filter(|r| r.when.eval(&facts)) {
            if !out.iter().any(|(v, _)| *v == rule.suggest.value) {
                out.push((rule.suggest.value, rule.when.explain(&facts)));
            }
        }
        out
    }

    /// A step-2 classification from the shared vocabulary: the suggestions
    /// pre-selected (else `fallback`), and the help says why.
    fn vocab_prompt<V: Vocabulary>(
        &self,
        field: GrievanceField,
        title: &str,
        help: &str,
        suggested: Vec<(V, String)>,
        fallback: V,
        multi: bool,
    ) -> Prompt {
        let options = V::ALL
            .iter()
            .map(|v| Opt::new(v.key().into(), v.label(self.lang).into()))
            .collect();
        let mut keys: Vec<String> = suggested.iter().map(|(v, _)| v.key().into()).collect();
        if keys.is_empty() {
            keys.push(fallback.key().into());
        }
        let (kind, default) = if multi {
            (PromptKind::Multi(options), AnswerValue::Keys(keys))
        } else {
            (
                PromptKind::Choice(options),
                AnswerValue::Key(keys.remove(0)),
            )
        };
        let l = self.lang.labels();
        let reasons: Vec<String> = suggested.into_iter().map(|(_, why)| why).collect();
        let help = if reasons.is_empty() {
            help.to_owned()
        } else {
            format!(
                "{help}{}{}",
                l.sentence_gap,
                (l.suggested_because)(&reasons.join(l.list_sep))
            )
        };
        self.prompt(
            PromptId::Grievance(field),
            Stage::Grievance,
            title,
            &help,
            kind,
            Some(default),
            multi,
        )
    }

    fn question_prompt(&self, question: &crate::playbook::Question) -> Prompt {
        let kind = match question.kind.value {
            QuestionKind::YesNo => PromptKind::YesNo,
            QuestionKind::Choice => PromptKind::Choice(question_options(question, self.lang)),
            QuestionKind::Multi => PromptKind::Multi(question_options(question, self.lang)),
            QuestionKind::Scale => {
                let (min, max) = question.scale_range();
                let s = question.scale.as_ref();
                PromptKind::Scale {
                    min,
                    max,
                    low: s.map(|s| s.low_label.text(self.lang)).unwrap_or_default(),
                    high: s.map(|s| s.high_label.text(self.lang)).unwrap_or_default(),
                }
            }
            QuestionKind::Text => PromptKind::Text,
        };
        let id = PromptId::Assess(question.id.value.clone());
        let default = question.default.as_ref().map(|d| {
            let key = d.value.0.clone();
            match question.kind.value {
                QuestionKind::Scale => key
                    .parse()
                    .map_or(AnswerValue::Key(key), AnswerValue::Number),
                QuestionKind::Multi => AnswerValue::Keys(vec![key]),
                QuestionKind::Text => AnswerValue::Text(key),
                QuestionKind::YesNo | QuestionKind::Choice => AnswerValue::Key(key),
            }
        });
        // An empty pick on a multi-select that moves the assessment would
        // judge the call as if nothing were at stake: the rep must say so
        // (playbooks offer an explicit "nothing" option for that).
        let required = question.kind.value == QuestionKind::Multi
            && question
                .options
                .iter()
                .any(|o| !o.scores.is_empty() || !o.flags.is_empty());
        self.prompt(
            id,
            Stage::Assess,
            question.prompt.get(self.lang),
            question.help.get(self.lang),
            kind,
            default,
            required,
        )
    }

    /// A remedy's label in the session's language (its id if the playbook
    /// has no such remedy): the rep never sees internal ids.
    fn remedy_label(&self, id: &str) -> String {
        self.playbook
            .remedy(id)
            .map_or_else(|| id.to_owned(), |r| r.label.text(self.lang))
    }

    #[allow(clippy::too_many_arguments)]
    fn prompt(
        &self,
        id: PromptId,
        stage: Stage,
        title: &str,
        help: &str,
        kind: PromptKind,
        default: Option<AnswerValue>,
        required: bool,
    ) -> Prompt {
        // An answer undone by `back` is the best default: the rep only
        // changes what was wrong.
        let default = self.values.get(&id).cloned().or(default);
        Prompt {
            id,
            stage,
            title: title.to_owned(),
            help: help.to_owned(),
            kind,
            default,
            required,
        }
    }
}

fn question_options(question: &crate::playbook::Question, lang: Lang) -> Vec<Opt> {
    question
        .options
        .iter()
        .map(|o| Opt::new(o.key.value.clone(), o.label.text(lang)))
        .collect()
}
