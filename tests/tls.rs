//! TLS to a real server (`.ci/with-postgres.sh` turns `ssl=on` with a
//! throw-away CA, `$DEFUSE_TEST_PG_CA`, and a certificate for `localhost`;
//! its role `defuse_tls` is let in over TLS only): `sslmode=require`
//! encrypts, `verify-full` with the CA checks the chain and the host name,
//! and a wrong CA or host name is refused with exit 3 and the reason.

use std::path::PathBuf;

use crate::backends::Db;
use crate::test::Test;

/// The CA the test server's certificate chains to; `None` (said) without it.
#[allow(clippy::print_stderr)] // a skipped test must say so where cargo shows it
fn server_ca() -> Option<PathBuf> {
    match std::env::var_os("DEFUSE_TEST_PG_CA").filter(|v| !v.is_empty()) {
        Some(ca) => Some(PathBuf::from(ca)),
        None => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "no TLS server: DEFUSE_TEST_PG_CA is not set (CI=true never skips; run .ci/run)"
            );
            eprintln!("skipped: no TLS server (set DEFUSE_TEST_PG_CA or run .ci/run)");
            None
        }
    }
}

/// A CA nobody used to sign anything: what a rep with the wrong file has.
fn other_ca(dir: &std::path::Path) -> PathBuf {
    let ca = dir.join("other-ca.pem");
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=not-the-server-ca", "-keyout"])
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&ca)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{made:?}");
    ca
}

#[test]
fn tls_is_required_verified_and_a_wrong_ca_or_host_is_refused() {
    let Some(db) = Db::postgres() else {
        return;
    };
    let Some(ca) = server_ca() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let wrong_ca = other_ca(dir.path());
    // `postgres://defuse_tls@127.0.0.1:PORT/DB?sslmode=disable&…`, with
    // another host and sslmode.
    let url = |host: &str, tls: &str| {
        db.as_user("defuse_tls")
            .replace("@127.0.0.1:", &format!("@{host}:"))
            .replace("sslmode=disable", tls)
    };
    let run = |url: String, args: &[&str]| Test::new().arg("--db").arg(url).args(args).run();

    // Without TLS the role is not let in: the next successes were encrypted.
    run(url("127.0.0.1", "sslmode=disable"), &["cases", "list"])
        .status(3)
        .stderr_contains("no encryption");
    Test::new()
        .args(["archive", "init", &url("127.0.0.1", "sslmode=require")])
        .run()
        .success();
    let verified = format!("sslmode=verify-full&sslrootcert={}", ca.display());
    run(url("localhost", &verified), &["cases", "list"]).success();
    // verify-ca checks the chain only: the IP address is fine.
    let chain_only = format!("sslmode=verify-ca&sslrootcert={}", ca.display());
    run(url("127.0.0.1", &chain_only), &["cases", "list"]).success();

    // The certificate names `localhost`, not 127.0.0.1.
    run(url("127.0.0.1", &verified), &["cases", "list"])
        .status(3)
        .stderr_contains("certificate verify failed")
        .stderr_contains("IP address mismatch");
    // Signed by a CA the rep's file does not hold.
    let wrong = format!("sslmode=verify-full&sslrootcert={}", wrong_ca.display());
    run(url("localhost", &wrong), &["cases", "list"])
        .status(3)
        .stderr_contains("certificate verify failed");
    // Nor is it in the system's trust store.
    run(url("localhost", "sslmode=verify-full"), &["cases", "list"])
        .status(3)
        .stderr_contains("certificate verify failed");
}
