//! What `cases stats` calls its sections, in each language (kept beside the
//! command rather than in `i18n::Labels`: only this command says them).

use crate::archive::By;
use crate::i18n::Lang;

pub struct Words {
    pub levels_by_month: &'static str,
    pub grievance_mix: &'static str,
    pub remedies: &'static str,
    pub repeat_customers: &'static str,
    pub overdue: &'static str,
    pub nothing_overdue: &'static str,
    pub no_repeat: &'static str,
    /// A case stored before the archive recorded who stored it.
    pub not_recorded: &'static str,
    pub rep: &'static str,
    pub owner: &'static str,
    pub month: &'static str,
    pub cases: &'static str,
    pub open: &'static str,
    pub overdue_col: &'static str,
    pub done: &'static str,
    pub latest: fn(&str) -> String,
    pub page_title: &'static str,
    pub made: fn(&str) -> String,
    pub by_title: fn(By) -> &'static str,
}

pub fn of(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::ZhTw => &ZH_TW,
        Lang::ZhCn => &ZH_CN,
    }
}

const EN: Words = Words {
    levels_by_month: "Levels by month",
    grievance_mix: "Grievance mix",
    remedies: "Remedies chosen",
    repeat_customers: "Top repeat customers",
    overdue: "Overdue commitments by owner",
    nothing_overdue: "No commitment is overdue.",
    no_repeat: "No customer has called more than once.",
    not_recorded: "(not recorded)",
    rep: "Rep",
    owner: "Owner",
    month: "Month",
    cases: "Cases",
    open: "Open",
    overdue_col: "Overdue",
    done: "Done",
    latest: |t| format!("latest {t}"),
    page_title: "Monthly review",
    made: |t| format!("Made by defuse at {t}"),
    by_title: |by| match by {
        By::Rep => "By rep (who stored the case)",
        By::Owner => "By commitment owner",
        By::Month => "By month",
    },
};

const ZH_TW: Words = Words {
    levels_by_month: "每月各等級案件",
    grievance_mix: "客訴原因分布",
    remedies: "採用的補救措施",
    repeat_customers: "重複客訴最多的客戶",
    overdue: "各負責人的逾期承諾",
    nothing_overdue: "沒有逾期的承諾。",
    no_repeat: "沒有客戶客訴超過一次。",
    not_recorded: "（未記錄）",
    rep: "客服人員",
    owner: "負責人",
    month: "月份",
    cases: "案件",
    open: "未完成",
    overdue_col: "逾期",
    done: "已完成",
    latest: |t| format!("最近一次 {t}"),
    page_title: "每月回顧",
    made: |t| format!("由 defuse 產生於 {t}"),
    by_title: |by| match by {
        By::Rep => "依客服人員（儲存案件者）",
        By::Owner => "依承諾負責人",
        By::Month => "依月份",
    },
};

const ZH_CN: Words = Words {
    levels_by_month: "每月各等级案件",
    grievance_mix: "投诉原因分布",
    remedies: "采用的补救措施",
    repeat_customers: "重复投诉最多的客户",
    overdue: "各负责人的逾期承诺",
    nothing_overdue: "没有逾期的承诺。",
    no_repeat: "没有客户投诉超过一次。",
    not_recorded: "（未记录）",
    rep: "客服人员",
    owner: "负责人",
    month: "月份",
    cases: "案件",
    open: "未完成",
    overdue_col: "逾期",
    done: "已完成",
    latest: |t| format!("最近一次 {t}"),
    page_title: "每月回顾",
    made: |t| format!("由 defuse 生成于 {t}"),
    by_title: |by| match by {
        By::Rep => "按客服人员（存储案件者）",
        By::Owner => "按承诺负责人",
        By::Month => "按月份",
    },
};
