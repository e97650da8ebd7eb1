//! What a front end shows when a stage begins: guidance, don'ts, the
//! assessment after step 1, the grievance cues in step 2 and the proposals
//! with their reasons in step 3. Built from the session; rendered elsewhere.

use super::session::{Session, Stage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentView {
    pub level: String,
    pub response_force: String,
    pub authority: String,
    pub stance: String,
    pub flags: Vec<String>,
    pub scores: Vec<(String, i64)>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrievanceView {
    pub label: String,
    pub cues: Vec<String>,
    pub probes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalView {
    pub label: String,
    pub kind: String,
    pub owner: String,
    pub due: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Briefing {
    pub stage: Stage,
    pub guidance: String,
    pub donts: Vec<String>,
    pub assessment: Option<AssessmentView>,
    pub grievances: Vec<GrievanceView>,
    pub proposals: Vec<ProposalView>,
}

pub fn brief(session: &Session, stage: Stage) -> Briefing {
    let pb = session.playbook();
    let guidance = match stage {
        Stage::Assess => pb.assess.guidance.clone(),
        Stage::Grievance => pb.grievance.guidance.clone(),
        Stage::Remedies => pb.remedies.guidance.clone(),
        Stage::Case | Stage::Record => String::new(),
    };
    let donts = stage
        .step()
        .map(|step| session.donts(step))
        .unwrap_or_default();
    let assessment = (stage == Stage::Grievance)
        .then(|| session.assessment())
        .flatten()
        .map(|a| AssessmentView {
            level: pb.levels[a.level].label.clone(),
            response_force: pb.levels[a.level].response_force.clone(),
            authority: pb.authority[a.authority].label.clone(),
            stance: pb.authority[a.authority].stance.clone(),
            flags: pb
                .flags
                .iter()
                .filter(|f| a.flags.contains(&f.id.value))
                .map(|f| f.label.clone())
                .collect(),
            scores: a.scores.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            reasons: a.reasons.iter().map(ToString::to_string).collect(),
        });
    let grievances = if stage == Stage::Grievance {
        pb.grievance
            .catalogue
            .iter()
            .map(|g| GrievanceView {
                label: g.label.clone(),
                cues: g.cues.clone(),
                probes: g.probes.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let proposals = if stage == Stage::Remedies {
        session
            .proposals()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                let r = pb.remedy(&p.remedy)?;
                // The full rule is in the plan; on a live call the short reason reads faster.
                let why = if r.why.is_empty() {
                    p.rule
                } else {
                    r.why.clone()
                };
                Some(ProposalView {
                    label: r.label.clone(),
                    kind: r.kind.value.clone(),
                    owner: r.owner.clone(),
                    due: r.due.value.to_string(),
                    why,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Briefing {
        stage,
        guidance,
        donts,
        assessment,
        grievances,
        proposals,
    }
}
