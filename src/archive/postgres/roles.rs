//! Least privilege on a team archive: the GRANTs for a rep role (store
//! cases, mark its own commitments done, read the team's cases) and a lead
//! role (a rep's rights, voiding a case, marking any commitment done), as
//! SQL to print or apply. Both are group roles (NOLOGIN): people log in as
//! themselves and are granted one.
//!
//! "Its own" is decided by the database, not by a name a client sends: a
//! case records the login role that stored it (`cases.stored_role`, default
//! `current_user`), and row-level security lets a role update only the
//! commitments of the cases it stored, and insert only cases stored as
//! itself. The archive's owner (who ran `archive init`) is not bound by the
//! policies (PostgreSQL exempts a table's owner), nor is a superuser.

use super::Pg;
use crate::error::Error;

/// The names of the two group roles.
#[derive(Debug, Clone, Copy)]
pub struct Roles<'a> {
    pub rep: &'a str,
    pub lead: &'a str,
}

/// `name` as a quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A policy, replaced if it exists (so running the SQL twice changes nothing).
fn policy(name: &str, table: &str, command: &str, role: &str, rule: &str) -> String {
    format!(
        "DROP POLICY IF EXISTS {name} ON {table};\nCREATE POLICY {name} ON {table} FOR {command} TO {role} {rule};"
    )
}

/// `name` as a quoted SQL string.
fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

impl Pg {
    /// The GRANTs for `roles` on this database, idempotent: the roles are
    /// created only if missing, and granting twice changes nothing.
    pub fn grants(&self, roles: &Roles) -> Result<String, Error> {
        let (database, schema): (String, String) = self
            .client
            .borrow_mut()
            .query_one("SELECT current_database(), current_schema()", &[])
            .map(|row| (row.get(0), row.get(1)))
            .map_err(|e| self.fail(e))?;
        let (rep, lead) = (ident(roles.rep), ident(roles.lead));
        let create = |role: &str, member_of: &str| {
            format!(
                "DO $$ BEGIN\n  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) THEN\n    CREATE ROLE {} NOLOGIN{member_of};\n  END IF;\nEND $$;\n",
                literal(role),
                ident(role)
            )
        };
        let schema = ident(&schema);
        // A commitment is the role's own when the role stored its case.
        let own = format!(
            "EXISTS (SELECT 1 FROM {schema}.cases c WHERE c.id = case_row AND c.stored_role = current_user)"
        );
        Ok([
            "-- Reps: store cases, mark commitments done, read the team's cases.".to_owned(),
            create(roles.rep, ""),
            format!("GRANT CONNECT ON DATABASE {} TO {rep};", ident(&database)),
            format!("GRANT USAGE ON SCHEMA {schema} TO {rep};"),
            format!("GRANT SELECT ON {schema}.defuse_schema, {schema}.cases, {schema}.commitments TO {rep};"),
            format!("GRANT INSERT ON {schema}.cases, {schema}.commitments TO {rep};"),
            format!("GRANT UPDATE (done_at, done_by) ON {schema}.commitments TO {rep};"),
            "-- Leads: a rep's rights, and voiding a case (cases are never deleted).".to_owned(),
            create(roles.lead, &format!(" IN ROLE {rep}")),
            format!("GRANT UPDATE (void_at, void_by, void_reason) ON {schema}.cases TO {lead};"),
            "-- Row-level security: every role reads every case; a rep stores cases as itself and".to_owned(),
            "-- marks done the commitments of the cases it stored; a lead voids and marks any done.".to_owned(),
            format!("ALTER TABLE {schema}.cases ENABLE ROW LEVEL SECURITY;"),
            format!("ALTER TABLE {schema}.commitments ENABLE ROW LEVEL SECURITY;"),
            policy("defuse_read", &format!("{schema}.cases"), "SELECT", &rep, "USING (true)"),
            policy("defuse_store", &format!("{schema}.cases"), "INSERT", &rep, "WITH CHECK (stored_role = current_user AND void_at IS NULL)"),
            policy("defuse_void", &format!("{schema}.cases"), "UPDATE", &lead, "USING (true)"),
            policy("defuse_read", &format!("{schema}.commitments"), "SELECT", &rep, "USING (true)"),
            policy("defuse_store", &format!("{schema}.commitments"), "INSERT", &rep, &format!("WITH CHECK ({own})")),
            policy("defuse_done_own", &format!("{schema}.commitments"), "UPDATE", &rep, &format!("USING ({own})")),
            policy("defuse_done_any", &format!("{schema}.commitments"), "UPDATE", &lead, "USING (true)"),
            String::new(),
        ]
        .join("\n"))
    }

    /// Runs `sql` (the GRANTs) in one transaction.
    pub fn apply(&mut self, sql: &str) -> Result<(), Error> {
        let client = self.client.get_mut();
        let outcome = client.transaction().and_then(|mut tx| {
            tx.batch_execute(sql)?;
            tx.commit()
        });
        outcome.map_err(|e| {
            use postgres::error::SqlState;
            let hint = match e.as_db_error() {
                Some(db) if *db.code() != SqlState::INSUFFICIENT_PRIVILEGE => "",
                None => "",
                Some(db) if db.message().contains("create role") => {
                    "; the archive's owner needs CREATEROLE to make the group roles \
                     (ALTER ROLE OWNER CREATEROLE, as a superuser), or a superuser runs \
                     `archive init --apply` once; nothing was applied"
                }
                Some(_) => {
                    "; run `archive init --apply` as the role that owns the archive's \
                     tables; nothing was applied"
                }
            };
            self.server.error(format!("{}{hint}", super::describe(&e)))
        })
    }
}
