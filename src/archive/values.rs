//! A new case as the values of its row: computed once from the plan, owned
//! (so a store can run on a thread with a deadline) and serialisable (so a
//! case the server could not take waits in the outbox exactly as it would
//! have been stored). Both backends insert it through [`case_columns!`].

use serde::{Deserialize, Serialize};

use super::{NewCase, customer_key};

/// Every column of a new case row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CaseValues {
    pub case_id: String,
    pub created_at: String,
    pub created_epoch: i64,
    pub customer: String,
    pub customer_key: String,
    pub contact: String,
    pub role: String,
    pub playbook_id: String,
    pub playbook_version: String,
    pub level: String,
    pub level_rank: i64,
    pub authority: String,
    pub grievances: String,
    pub remedies: String,
    pub complaint_kind: String,
    pub crisis: String,
    pub at_stake: String,
    pub remedy_sought: String,
    pub impact: String,
    pub our_owner: String,
    pub customer_loss: String,
    pub rehearsal: bool,
    pub plan_markdown: String,
    pub plan_json: String,
    pub answers_yaml: String,
    /// The call's fingerprint: what makes a store idempotent.
    pub fingerprint: String,
    pub stored_by: String,
    /// The playbook's own fields, as `rows::fields_json` writes them.
    /// (Absent from cases queued before fields existed.)
    #[serde(default)]
    pub case_fields: String,
}

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
        }
    }
}

/// Every column of a new case row, named, as `&dyn $param` for the backend's
/// parameter trait: one list for SQLite and PostgreSQL.
macro_rules! case_columns {
    ($values:expr, $param:ty) => {{
        let v: &$crate::archive::CaseValues = $values;
        [
            ("case_id", &v.case_id as &$param),
            ("created_at", &v.created_at),
            ("created_epoch", &v.created_epoch),
            ("customer", &v.customer),
            ("customer_key", &v.customer_key),
            ("contact", &v.contact),
            ("role", &v.role),
            ("playbook_id", &v.playbook_id),
            ("playbook_version", &v.playbook_version),
            ("level", &v.level),
            ("level_rank", &v.level_rank),
            ("authority", &v.authority),
            ("grievances", &v.grievances),
            ("remedies", &v.remedies),
            ("complaint_kind", &v.complaint_kind),
            ("crisis", &v.crisis),
            ("at_stake", &v.at_stake),
            ("remedy_sought", &v.remedy_sought),
            ("impact", &v.impact),
            ("our_owner", &v.our_owner),
            ("customer_loss", &v.customer_loss),
            ("rehearsal", &v.rehearsal),
            ("plan_markdown", &v.plan_markdown),
            ("plan_json", &v.plan_json),
            ("answers_yaml", &v.answers_yaml),
            ("fingerprint", &v.fingerprint),
            ("stored_by", &v.stored_by),
            ("case_fields", &v.case_fields),
        ]
    }};
}
pub(crate) use case_columns;
