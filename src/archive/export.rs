//! `cases export --format csv` and `commitments --format csv`: RFC 4180 through the csv crate, columns
//! from [`CaseRow`]'s one definition, and cells made safe for spreadsheets.

use super::rows::{CaseRow, CommitmentRow};

/// Every field quoted, CRLF line ends, a header of the row's field names
/// (plain identifiers, so written unquoted, as before the csv crate). A cell
/// that a spreadsheet would run as a formula gets a leading `'`, and control
/// characters become visible `\u{..}` escapes (the OWASP CSV-injection rule).
pub fn csv(rows: &[CaseRow]) -> String {
    write_csv(CaseRow::FIELDS, rows.iter().map(CaseRow::cells))
}

/// `commitments --format csv`: the same rules, columns from [`CommitmentRow`].
pub fn commitments_csv(rows: &[CommitmentRow]) -> String {
    write_csv(CommitmentRow::FIELDS, rows.iter().map(CommitmentRow::cells))
}

fn write_csv(fields: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let header = fields.join(",") + "\r\n";
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(header.into_bytes());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row.iter().map(|cell| safe_cell(cell)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Neutralises a formula and escapes control characters (tabs included, so
/// no cell can start with one after escaping; newlines stay, quoted).
fn safe_cell(cell: &str) -> String {
    let escaped: String = crate::text::for_terminal(cell)
        .chars()
        .map(|c| match c {
            '\t' => "\\u{9}".to_owned(),
            c => c.to_string(),
        })
        .collect();
    if escaped.starts_with(['=', '+', '-', '@']) {
        format!("'{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(customer: &str, contact: &str) -> CaseRow {
        CaseRow {
            number: 7,
            case_id: "20261123-1000-acme-trading".into(),
            created_at: "2026-11-23T10:00:00+08:00".into(),
            customer: customer.into(),
            contact: contact.into(),
            role: "CTO, \"acting\"".into(),
            playbook: "general v1.0.0".into(),
            level: "fire".into(),
            authority: "decision_maker".into(),
            grievances: vec!["real_loss".into(), "not_valued".into()],
            remedies: vec!["boss_apology".into()],
            complaint_kind: "old_bug".into(),
            crisis: "boss".into(),
            at_stake: "trust".into(),
            remedy_sought: "a call back\nby Friday".into(),
            impact: String::new(),
            our_owner: String::new(),
            customer_loss: "-5 orders".into(),
            rehearsal: false,
            void_at: None,
            void_by: None,
            void_reason: None,
            stored_by: Some("Li Wei".into()),
            fields: [("order_id".into(), "A-1042".into())].into(),
        }
    }

    #[test]
    fn a_case_exports_as_one_quoted_crlf_record() {
        insta::assert_snapshot!(csv(&[row("Acme Trading", "Jane Li")]).replace("\r\n", "⏎\n"), @r#"
        number,case_id,created_at,customer,contact,role,playbook,level,authority,grievances,remedies,complaint_kind,crisis,at_stake,remedy_sought,impact,our_owner,customer_loss,rehearsal,void_at,void_by,void_reason,stored_by,fields⏎
        "7","20261123-1000-acme-trading","2026-11-23T10:00:00+08:00","Acme Trading","Jane Li","CTO, ""acting""","general v1.0.0","fire","decision_maker","real_loss;not_valued","boss_apology","old_bug","boss","trust","a call back
        by Friday","","","'-5 orders","false","","","","Li Wei","{""order_id"":""A-1042""}"⏎
        "#);
    }

    /// A field's value cannot start the cell (the JSON object does), and its
    /// control characters are escaped twice over: by JSON, then the cell.
    #[test]
    fn a_case_without_fields_has_an_empty_cell_and_field_values_stay_inert() {
        let mut plain = row("Acme", "Jane");
        plain.fields.clear();
        assert!(csv(&[plain]).ends_with(",\"Li Wei\",\"\"\r\n"));
        let mut hostile = row("Acme", "Jane");
        hostile.fields = [("po".into(), "=cmd|' /C calc'!A0\t\u{1b}".into())].into();
        let out = csv(&[hostile]);
        assert!(
            out.contains(r#""{""po"":""=cmd|' /C calc'!A0\t\u001b""}""#),
            "{out}"
        );
    }

    #[test]
    fn formulas_are_neutralised_and_controls_escaped() {
        let out = csv(&[row("=HYPERLINK(\"http://x\",\"y\")", "+1\x1b[2J")]);
        assert!(
            out.contains(r#""'=HYPERLINK(""http://x"",""y"")""#),
            "{out}"
        );
        assert!(out.contains(r#""'+1\u{1b}[2J""#), "{out}");
        for (cell, safe) in [
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "\\u{9}x"),
            ("\rx", "\\u{d}x"),
            ("a\u{202e}b", "a\\u{202e}b"),
            ("plain", "plain"),
        ] {
            assert_eq!(safe_cell(cell), safe);
        }
    }
}
