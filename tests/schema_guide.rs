//! Wire fidelity: the whole user-secrets guide, run through `SecretsApi` against the test
//! controller, and every frame exchanged checked against Juju's published schema
//! (`tests/fixtures/juju-schema/facades.json`, see `tests/common/schema.rs`).

mod common;
#[path = "common/schema.rs"]
mod schema;

use common::{connect, options, within};
use juju_secrets::testing::{RecordedCall, TestController};
use juju_secrets::{
    Client, Ensured, ErrorKind, ListOptions, NewSecret, Removal, SecretContent, SecretRef,
    SecretUpdate, ShowOptions,
};
use schema::{Requests, WireSchema};
use serde_json::Value;

fn content(pairs: &[(&str, &str)]) -> SecretContent {
    SecretContent::from_pairs(pairs.iter().copied()).unwrap()
}

fn new_secret(name: &str, description: Option<&str>) -> NewSecret {
    let new = NewSecret::new(name, content(&[("token", "fake-token-for-tests")]));
    match description {
        Some(description) => new.description(description),
        None => new,
    }
}

/// Every operation of the guide, including the ones that fail, on the default model.
fn run_guide(client: &mut Client) {
    let mut secrets = client.secrets();
    let password = content(&[
        ("username", "example-user"),
        ("password", "not-a-real-password"),
    ]);
    let db = NewSecret::new("example-db", password.clone()).description("example database login");
    let uri = secrets.add(&db).unwrap();
    let by_name = SecretRef::name("example-db");
    let by_uri = SecretRef::from(uri.clone());

    // A name already taken: a per-item error.
    let err = secrets
        .add(&NewSecret::new("example-db", password))
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists), "{err}");

    // A batch: two new secrets and a duplicate.
    let added = secrets
        .add_many(&[
            new_secret("example-api-token", Some("example token")),
            new_secret("example-spare", None),
            new_secret("example-db", None),
        ])
        .unwrap();
    assert!(added[0].is_ok() && added[1].is_ok() && added[2].is_err());

    // Listing, plain and revealed.
    assert_eq!(secrets.list(&ListOptions::new()).unwrap().len(), 3);
    let revealed = secrets
        .list(&ListOptions::new().secret("example-db").reveal())
        .unwrap();
    assert!(matches!(revealed[0].content, Some(Ok(_))));

    // Updates of each kind, by name and by URI.
    let rotated = content(&[("username", "example-user"), ("password", "still-not-real")]);
    secrets
        .update(&by_name, &SecretUpdate::new().content(rotated))
        .unwrap();
    let shown = ShowOptions::new().reveal().at_revision(1).list_revisions();
    let first = secrets.show(&by_uri, &shown).unwrap();
    // With a revision asked for, Juju lists only that one.
    let listed: Vec<u32> = first.revisions.iter().map(|r| r.revision).collect();
    assert_eq!(listed, [1]);
    secrets
        .update(&by_uri, &SecretUpdate::new().name("example-db-renamed"))
        .unwrap();
    let by_name = SecretRef::name("example-db-renamed");
    secrets
        .update(&by_name, &SecretUpdate::new().description("renamed"))
        .unwrap();
    secrets.remove_revisions(&by_uri, &[1]).unwrap();
    secrets
        .update(&by_uri, &SecretUpdate::new().auto_prune(true))
        .unwrap();
    let everything = SecretUpdate::new()
        .content(content(&[("password", "fake-again")]))
        .name("example-db")
        .description("example database login")
        .auto_prune(false);
    secrets.update(&by_uri, &everything).unwrap();

    // A batch update with an unknown name: a per-item not found.
    let updated = secrets
        .update_many(&[
            (
                SecretRef::name("example-spare"),
                SecretUpdate::new().description("spare"),
            ),
            (
                SecretRef::name("no-such-secret"),
                SecretUpdate::new().auto_prune(true),
            ),
        ])
        .unwrap();
    assert!(updated[0].is_ok());
    assert_eq!(
        updated[1].as_ref().unwrap_err().kind(),
        Some(ErrorKind::NotFound)
    );

    // The declarative forms: a create, an unchanged secret, a new revision and description.
    let wanted = new_secret("example-ensured", Some("example ensured"));
    assert!(matches!(secrets.ensure(&wanted), Ok(Ensured::Created(_))));
    assert!(matches!(secrets.ensure(&wanted), Ok(Ensured::Unchanged(_))));
    let rotated = NewSecret::new("example-ensured", content(&[("token", "fake-rotated")]))
        .description("example ensured, rotated");
    assert!(matches!(secrets.ensure(&rotated), Ok(Ensured::Updated(_))));
    let changes = secrets
        .ensure_access("example-ensured", &["ubuntu", "no-such-app"])
        .unwrap();
    assert!(changes[0].result.is_ok() && changes[1].result.is_err());
    let changes = secrets
        .ensure_access("example-ensured", &["wordpress"])
        .unwrap();
    assert_eq!(changes.len(), 2);
    secrets.remove("example-ensured").unwrap();

    // Grants: two applications and an unknown one; then the grants are listed.
    let by_name = SecretRef::name("example-db");
    let granted = secrets
        .grant(&by_name, &["ubuntu", "mysql", "no-such-app"])
        .unwrap();
    assert!(granted[0].1.is_ok() && granted[1].1.is_ok() && granted[2].1.is_err());
    let info = secrets.show(&by_name, &ShowOptions::default()).unwrap();
    assert_eq!(info.granted_applications().count(), 2);
    let revoked = secrets.revoke(&by_uri, &["mysql", "wordpress"]).unwrap();
    assert!(revoked.iter().all(|(_, r)| r.is_ok()));

    // Request-level errors: a revision some secret lacks, a grant on an unknown name.
    let err = secrets
        .list(
            &ListOptions::new()
                .secret("example-db")
                .at_revision(99)
                .reveal(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err}");
    let err = secrets.grant("no-such-secret", &["ubuntu"]).unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err}");
    let err = secrets
        .show("no-such-secret", &ShowOptions::new())
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err}");

    // Removal: a batch with an unknown secret, then the rest one by one.
    let removed = secrets
        .remove_many(&[
            Removal::secret(SecretRef::name("example-spare")),
            Removal::secret(SecretRef::name("no-such-secret")),
        ])
        .unwrap();
    assert!(removed[0].is_ok() && removed[1].is_err());
    secrets.remove(&by_uri).unwrap();
    secrets.remove("example-api-token").unwrap();
    assert!(secrets.list(&ListOptions::new()).unwrap().is_empty());
    client.ping().unwrap();
}

fn check(schema: &WireSchema, calls: &[RecordedCall]) -> schema::Report {
    let report = schema.check_all(
        calls
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("call {i}"), &c.request, &c.response)),
    );
    report.assert_clean();
    assert!(report.skipped.is_empty(), "{}", report.summary());
    assert!(report.refused.is_empty(), "{}", report.summary());
    assert_eq!(report.total_checked(), calls.len(), "{}", report.summary());
    report
}

#[test]
fn every_frame_of_the_guide_fits_the_schema() {
    within(|| {
        let schema = WireSchema::load(Requests::OurClient);
        for long_ids in [false, true] {
            let controller = TestController::builder()
                .long_secret_ids(long_ids)
                .start()
                .unwrap();
            let mut client = connect(&controller);
            run_guide(&mut client);
            // A refused login, on a second connection.
            let wrong = options(&controller).password("not-the-password");
            let err = Client::connect(&wrong.build().unwrap()).unwrap_err();
            assert_eq!(err.kind(), Some(ErrorKind::Unauthorized));

            let calls = controller.calls();
            let report = check(&schema, &calls);
            for method in [
                "Admin(3).Login",
                "Pinger(1).Ping",
                "Secrets(2).ListSecrets",
                "Secrets(2).CreateSecrets",
                "Secrets(2).UpdateSecrets",
                "Secrets(2).RemoveSecrets",
                "Secrets(2).GrantSecret",
                "Secrets(2).RevokeSecret",
            ] {
                assert!(
                    report.checked.contains_key(method),
                    "{method} not exercised"
                );
            }
            let request_errors = calls.iter().filter(|c| c.response.get("error").is_some());
            assert!(
                request_errors.count() >= 3,
                "request-level errors not exercised"
            );
            let item_errors = calls.iter().filter(|c| has_item_error(&c.response));
            assert!(item_errors.count() >= 5, "per-item errors not exercised");
        }
    })
}

#[test]
fn listing_on_a_v1_controller_fits_the_schema() {
    within(|| {
        let schema = WireSchema::load(Requests::OurClient);
        let controller = TestController::builder()
            .secrets_versions(&[1])
            .start()
            .unwrap();
        let mut client = connect(&controller);
        assert!(client
            .secrets()
            .list(&ListOptions::new().reveal())
            .unwrap()
            .is_empty());
        let report = check(&schema, &controller.calls());
        assert!(report.checked.contains_key("Secrets(1).ListSecrets"));
    })
}

fn has_item_error(response: &Value) -> bool {
    response
        .pointer("/response/results")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|item| item.get("error").is_some()))
}
