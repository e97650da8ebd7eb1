//! A new case's row computed once from its plan: [`CaseValues`], defined
//! with the other rows in `rows.rs`, so both backends insert it through its
//! generated column lists and the outbox keeps it as JSON.

use super::rows::CaseValues;
use super::{NewCase, customer_key};

impl NewCase<'_> {
    pub(crate) fn values(&self) -> CaseValues {
        let plan = self.plan;
        let r = &plan.record;
        let ids = |v: Vec<&str>| serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
        CaseValues {
            case_id: plan.case.id.clone(),
            created_at: plan.case.time.clone(),
            created_epoch: chrono::DateTime::parse_from_rfc3339(&plan.case.time)
                .map(|t| t.timestamp())
                .unwrap_or(0),
            customer: plan.case.customer.clone(),
            customer_key: customer_key(&plan.case.customer),
            contact: plan.case.contact.clone(),
            role: plan.case.role.clone(),
            playbook_id: plan.case.playbook.id.clone(),
            playbook_version: plan.case.playbook.version.clone(),
            level: plan.assessment.level.id.clone(),
            level_rank: self.level_rank as i64,
            authority: plan.assessment.authority.id.clone(),
            grievances: ids(plan.grievances.iter().map(|g| g.id.as_str()).collect()),
            remedies: ids(plan.remedies.iter().map(|r| r.id.as_str()).collect()),
            complaint_kind: r.complaint_kind.id.clone(),
            crisis: r.crisis.id.clone(),
            at_stake: r.at_stake.id.clone(),
            remedy_sought: r.remedy_sought.clone(),
            impact: r.impact.clone(),
            our_owner: r.our_owner.clone(),
            customer_loss: r.customer_loss.clone(),
            rehearsal: self.rehearsal,
            plan_markdown: self.plan_markdown.to_owned(),
            plan_json: plan.to_json(),
            answers_yaml: self.answers_yaml.to_owned(),
            fingerprint: self.call.as_str().to_owned(),
            stored_by: self.stored_by.to_owned(),
            case_fields: super::rows::fields_json(
                &plan
                    .case
                    .fields
                    .iter()
                    .map(|f| (f.id.clone(), f.value.clone()))
                    .collect(),
            ),
            plan_lang: Some(plan.lang.code().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CaseValues;

    /// A case queued in the outbox before `case_fields` existed, as it was
    /// written then: it must still read (the field is empty), and a case
    /// queued now is written in the same shape plus the later fields.
    #[test]
    fn a_case_queued_by_an_older_version_still_reads() {
        let old = r##"{"case_id":"20261101-0200-acme-3f2a9c1d","created_at":"2026-11-01T10:00:00+08:00",
            "created_epoch":1793498400,"customer":"Acme","customer_key":"acme","contact":"Li Wei",
            "role":"Ops lead","playbook_id":"general","playbook_version":"1.2.0","level":"fire",
            "level_rank":3,"authority":"manager","grievances":"[\"real_loss\"]","remedies":"[]",
            "complaint_kind":"outage","crisis":"none","at_stake":"money","remedy_sought":"",
            "impact":"","our_owner":"","customer_loss":"","rehearsal":false,"plan_markdown":"# Plan",
            "plan_json":"{}","answers_yaml":"case: {}","fingerprint":"3f2a9c1d","stored_by":"li"}"##;
        let case: CaseValues = serde_json::from_str(old).unwrap();
        assert_eq!(case.fingerprint, "3f2a9c1d");
        assert_eq!(case.case_fields, "");
        let again: serde_json::Value = serde_json::to_value(&case).unwrap();
        let mut old: serde_json::Value = serde_json::from_str(old).unwrap();
        old["case_fields"] = "".into();
        old["plan_lang"] = serde_json::Value::Null;
        assert_eq!(again, old);
    }
}
