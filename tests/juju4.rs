//! The same client, the same results on Juju 3.6 and Juju 4: every `SecretsApi` operation and
//! `juju_secrets::get_value` run one scenario against a test controller of each profile, and
//! must agree on what they return and on the `ErrorKind` of what fails, though the controllers
//! answer differently (codes `not found` and `secret not found`, an empty list and an error).
//! Then what single 4.0.x releases do, and what each release answers on the wire.

mod common;

use std::fmt::Debug;

use common::secrets::{content, name, text};
use common::{connect, within};
use juju_secrets::testing::{Profile, TestController};
use juju_secrets::{
    AccessAction, Client, Ensured, Error, ErrorKind, ListOptions, NewSecret, Removal, Result,
    SecretInfo, SecretUpdate, ShowOptions,
};

/// A URI no secret has: a well-formed 20-character id.
const UNKNOWN_URI: &str = "secret:d0q6g3l9h5s9k8a6s0rg";

fn juju36() -> TestController {
    TestController::start().unwrap()
}

fn juju4() -> TestController {
    TestController::builder()
        .profile(Profile::Juju4)
        .start()
        .unwrap()
}

/// Runs `scenario` against Juju 3.6 and Juju 4, checks that both give the same, and returns it.
fn same_on_both<T, F>(scenario: F) -> T
where
    T: PartialEq + Debug + Send + 'static,
    F: Fn(&TestController, &mut Client) -> T + Send + 'static,
{
    within(move || {
        let old = juju36();
        let new = juju4();
        let on_36 = scenario(&old, &mut connect(&old));
        let on_4 = scenario(&new, &mut connect(&new));
        assert_eq!(on_36, on_4, "Juju 3.6 (left) and Juju 4 (right) differ");
        on_36
    })
}

/// What a result tells a caller: the value, or the kind of error.
fn kind<T>(result: Result<T>) -> std::result::Result<T, Option<ErrorKind>> {
    result.map_err(|e| e.kind())
}

/// What a secret's listing says, without what differs by nature (URI, owner, times).
#[derive(Debug, PartialEq)]
struct Seen {
    name: Option<String>,
    description: Option<String>,
    latest: u32,
    revisions: Vec<u32>,
    granted: Vec<String>,
    revealed: Option<Vec<(String, String)>>,
}

fn seen(info: &SecretInfo) -> Seen {
    Seen {
        name: info.name.clone(),
        description: info.description.clone(),
        latest: info.latest_revision,
        revisions: info.revisions.iter().map(|r| r.revision).collect(),
        granted: info.granted_applications().map(str::to_owned).collect(),
        revealed: info.content.as_ref().map(|c| {
            let content = c.as_ref().expect("readable content");
            content
                .keys()
                .map(|k| (k.to_owned(), text(content, k)))
                .collect()
        }),
    }
}

/// What a caller sees of "no such secret or revision".
fn not_found<T>() -> std::result::Result<T, Option<ErrorKind>> {
    Err(Some(ErrorKind::NotFound))
}

fn seen_all(infos: Result<Vec<SecretInfo>>) -> std::result::Result<Vec<Seen>, Option<ErrorKind>> {
    kind(infos).map(|infos| infos.iter().map(seen).collect())
}

/// Adds `db` (two revisions, a description) and `api` (one revision); returns their URIs.
fn db_and_api(client: &mut Client) -> (String, String) {
    let mut secrets = client.secrets();
    let db = NewSecret::new("db", content(&[("password", "one")])).description("database");
    let db = secrets.add(&db).unwrap();
    let two = SecretUpdate::new().content(content(&[("password", "two")]));
    secrets.update(&db, &two).unwrap();
    let api = secrets
        .add(&NewSecret::new("api", content(&[("token", "t0ken")])))
        .unwrap();
    (db.to_string(), api.to_string())
}

#[test]
fn add_and_add_many() {
    let (taken, many) = same_on_both(|_, client| {
        let mut secrets = client.secrets();
        let uri = secrets
            .add(&NewSecret::new("db", content(&[("password", "one")])))
            .unwrap();
        // A classic 20-character id from both.
        assert_eq!(uri.id().len(), 20, "{uri}");
        let taken = kind(secrets.add(&NewSecret::new("db", content(&[("password", "x")]))));
        let many = secrets
            .add_many(&[
                NewSecret::new("api", content(&[("token", "t")])),
                NewSecret::new("api", content(&[("token", "u")])),
            ])
            .unwrap();
        let many: Vec<_> = many.into_iter().map(|r| kind(r).map(|_| ())).collect();
        (taken.map(|_| ()), many)
    });
    let taken_kind = Err(Some(ErrorKind::AlreadyExists));
    assert_eq!(taken, taken_kind);
    assert_eq!(many, [Ok(()), taken_kind]);
}

#[test]
fn list_everything_revealed_or_not() {
    let (all, revealed) = same_on_both(|_, client| {
        db_and_api(client);
        let all = seen_all(client.secrets().list(&ListOptions::new()));
        let revealed = seen_all(client.secrets().list(&ListOptions::new().reveal()));
        (all, revealed)
    });
    let all = all.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].latest, all[0].revisions.clone()), (2, vec![1, 2]));
    let revealed = revealed.unwrap();
    let db = revealed[0].revealed.clone().unwrap();
    assert_eq!(db, [("password".to_owned(), "two".to_owned())]);
}

#[test]
fn list_one_secret_by_uri_or_name() {
    let found = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let by_uri = seen_all(secrets.list(&ListOptions::new().secret(db.as_str())));
        let by_name = seen_all(secrets.list(&ListOptions::new().secret(name("api"))));
        let at_revision = seen_all(
            secrets.list(
                &ListOptions::new()
                    .secret(db.as_str())
                    .at_revision(1)
                    .reveal(),
            ),
        );
        // Juju 4.0.1 and later answer an unknown URI with an error, 3.6 with an empty list.
        let unknown_uri = seen_all(secrets.list(&ListOptions::new().secret(UNKNOWN_URI)));
        let unknown_name = seen_all(secrets.list(&ListOptions::new().secret(name("nope"))));
        (by_uri, by_name, at_revision, unknown_uri, unknown_name)
    });
    let (by_uri, by_name, at_revision, unknown_uri, unknown_name) = found;
    assert_eq!(by_uri.unwrap()[0].name.as_deref(), Some("db"));
    assert_eq!(by_name.unwrap()[0].name.as_deref(), Some("api"));
    let at_revision = at_revision.unwrap();
    assert_eq!(at_revision[0].revisions, [1]);
    assert_eq!(
        at_revision[0].revealed,
        Some(vec![("password".to_owned(), "one".to_owned())])
    );
    assert_eq!(unknown_uri, Ok(vec![]));
    assert_eq!(unknown_name, Ok(vec![]));
}

#[test]
fn show_by_name_and_by_uri() {
    let shown = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let revisions = ShowOptions::new().list_revisions();
        let by_name = kind(secrets.show("db", &revisions)).map(|i| seen(&i));
        let by_uri =
            kind(secrets.show(db.as_str(), &ShowOptions::new().reveal())).map(|i| seen(&i));
        // Unknown: Juju 3.6 lists nothing, 4.x fails (by URI); NotFound from the client both ways.
        let unknown_uri = kind(secrets.show(UNKNOWN_URI, &ShowOptions::new())).map(|i| seen(&i));
        let unknown_name = kind(secrets.show("nope", &ShowOptions::new())).map(|i| seen(&i));
        (by_name, by_uri, unknown_uri, unknown_name)
    });
    let (by_name, by_uri, unknown_uri, unknown_name) = shown;
    assert_eq!(by_name.unwrap().revisions, [1, 2]);
    assert_eq!(
        by_uri.unwrap().revealed,
        Some(vec![("password".to_owned(), "two".to_owned())])
    );
    assert_eq!((unknown_uri, unknown_name), (not_found(), not_found()));
}

#[test]
fn a_missing_revision_is_not_found_on_both() {
    let missing = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let ninth = ShowOptions::new().at_revision(9);
        let by_name = kind(secrets.show("db", &ninth)).map(|i| seen(&i));
        let by_uri = kind(secrets.show(db.as_str(), &ninth)).map(|i| seen(&i));
        let listed = seen_all(secrets.list(&ListOptions::new().secret(db.as_str()).at_revision(9)));
        (by_name, by_uri, listed)
    });
    assert_eq!((missing.0, missing.1), (not_found(), not_found()));
    assert_eq!(missing.2, not_found());
}

#[test]
fn a_missing_revision_is_worded_by_each_release() {
    within(|| {
        for (controller, message, code) in [
            (juju36(), "revison 9 for secret \"secret:", "not found"),
            (
                juju4(),
                "secret revision 9 for secret:",
                "secret revision not found",
            ),
        ] {
            let mut client = connect(&controller);
            let (db, _) = db_and_api(&mut client);
            let err = client
                .secrets()
                .show(db.as_str(), &ShowOptions::new().at_revision(9))
                .unwrap_err();
            let api = err.api().expect("the controller's error");
            assert!(api.message.contains(message), "{api:?}");
            assert_eq!(api.code.as_deref(), Some(code), "{api:?}");
        }
    })
}

#[test]
fn get_and_get_value() {
    let got = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let password = kind(secrets.get_value("db", "password")).map(|v| v.as_bytes().to_vec());
        let by_uri = kind(secrets.get(db.as_str())).map(|c| text(&c, "password"));
        let no_key = secrets.get_value("db", "user").unwrap_err();
        let unknown = kind(secrets.get(UNKNOWN_URI)).map(|_| ());
        let unknown_name = kind(secrets.get_value("nope", "password")).map(|_| ());
        (
            password,
            by_uri,
            matches!(no_key, Error::NoSuchKey { .. }),
            unknown,
            unknown_name,
        )
    });
    assert_eq!(got.0, Ok(b"two".to_vec()));
    assert_eq!(got.1, Ok("two".to_owned()));
    assert!(got.2);
    assert_eq!((got.3, got.4), (not_found(), not_found()));
}

#[test]
fn update_and_update_many() {
    let updated = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let three = SecretUpdate::new().content(content(&[("password", "three")]));
        let by_name = kind(secrets.update("db", &three));
        let renamed = kind(secrets.update(db.as_str(), &SecretUpdate::new().name("database")));
        let taken = kind(secrets.update("database", &SecretUpdate::new().name("api")));
        let unknown_name = kind(secrets.update("nope", &three));
        let unknown_uri = kind(secrets.update(UNKNOWN_URI, &three));
        let many = secrets
            .update_many(&[
                (name("api"), SecretUpdate::new().description("the api")),
                (name("nope"), SecretUpdate::new().description("nobody")),
            ])
            .unwrap();
        let many: Vec<_> = many.into_iter().map(kind).collect();
        let after = seen(&secrets.show("database", &ShowOptions::new()).unwrap());
        (
            by_name,
            renamed,
            taken,
            unknown_name,
            unknown_uri,
            many,
            after,
        )
    });
    assert_eq!((updated.0, updated.1), (Ok(()), Ok(())));
    assert_eq!(updated.2, Err(Some(ErrorKind::AlreadyExists)));
    assert_eq!((updated.3, updated.4), (not_found(), not_found()));
    assert_eq!(updated.5, [Ok(()), not_found()]);
    assert_eq!(updated.6.latest, 3);
}

#[test]
fn remove_remove_revisions_and_remove_many() {
    let removed = same_on_both(|_, client| {
        let (db, api) = db_and_api(client);
        let mut secrets = client.secrets();
        let first = kind(secrets.remove_revisions("db", &[1]));
        let left = seen(
            &secrets
                .show(db.as_str(), &ShowOptions::new().list_revisions())
                .unwrap(),
        );
        let ninth = kind(secrets.remove_revisions(db.as_str(), &[9]));
        let unknown_name = kind(secrets.remove("nope"));
        let unknown_uri = kind(secrets.remove(UNKNOWN_URI));
        let many = secrets
            .remove_many(&[
                Removal::secret(name("db")),
                Removal::secret(name("nope")),
                Removal::revisions(name("api"), [1]),
            ])
            .unwrap();
        let many: Vec<_> = many.into_iter().map(kind).collect();
        let gone = kind(secrets.show(api.as_str(), &ShowOptions::new())).map(|i| seen(&i));
        let listed = seen_all(secrets.list(&ListOptions::new()));
        (
            first,
            left.revisions,
            ninth,
            unknown_name,
            unknown_uri,
            many,
            gone,
            listed,
        )
    });
    assert_eq!((removed.0, removed.1), (Ok(()), vec![2]));
    assert_eq!((removed.2, removed.3), (not_found(), not_found()));
    assert_eq!(removed.4, not_found());
    assert_eq!(removed.5, [Ok(()), not_found(), Ok(())]);
    assert_eq!(removed.6, not_found());
    assert_eq!(removed.7, Ok(vec![]));
}

#[test]
fn grant_and_revoke() {
    let changed = same_on_both(|_, client| {
        let (db, _) = db_and_api(client);
        let mut secrets = client.secrets();
        let kinds = |r: Result<Vec<(String, Result<()>)>>| {
            kind(r).map(|apps| {
                apps.into_iter()
                    .map(|(a, r)| (a, kind(r)))
                    .collect::<Vec<_>>()
            })
        };
        let granted = kinds(secrets.grant("db", &["mysql", "wordpress"]));
        let revoked = kinds(secrets.revoke(db.as_str(), &["mysql"]));
        let access = seen(&secrets.show("db", &ShowOptions::new()).unwrap()).granted;
        // Request-level on both: the name is looked up before any application.
        let unknown_name = kinds(secrets.grant("nope", &["mysql"]));
        let revoke_unknown_name = kinds(secrets.revoke("nope", &["mysql"]));
        let unknown_uri = kinds(secrets.grant(UNKNOWN_URI, &["mysql"]));
        (
            granted,
            revoked,
            access,
            unknown_name,
            revoke_unknown_name,
            unknown_uri,
        )
    });
    let ok = |app: &str| (app.to_owned(), Ok(()));
    assert_eq!(changed.0, Ok(vec![ok("mysql"), ok("wordpress")]));
    assert_eq!(changed.1, Ok(vec![ok("mysql")]));
    assert_eq!(changed.2, ["wordpress"]);
    assert_eq!((changed.3, changed.4), (not_found(), not_found()));
    let per_app = vec![("mysql".to_owned(), not_found())];
    assert_eq!(changed.5, Ok(per_app));
}

/// Where the releases differ by design, and the client passes on what each says.
#[test]
fn unknown_applications_and_unknown_secrets_in_grants_and_revokes() {
    within(|| {
        let old = juju36();
        let mut client = connect(&old);
        db_and_api(&mut client);
        let mut secrets = client.secrets();
        // 3.6 looks the application up first, so an unknown one is what it reports.
        let grant = secrets.grant(UNKNOWN_URI, &["no-such-app"]).unwrap();
        let err = grant[0].1.as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound));
        let message = &err.api().unwrap().message;
        assert!(message.contains("invalid subject reference"), "{message}");
        // Revoking is a no-op for what does not exist.
        assert!(secrets.revoke(UNKNOWN_URI, &["mysql"]).unwrap()[0]
            .1
            .is_ok());
        assert!(secrets.revoke("db", &["no-such-app"]).unwrap()[0].1.is_ok());

        let new = juju4();
        let mut client = connect(&new);
        db_and_api(&mut client);
        let mut secrets = client.secrets();
        // 4.x checks the secret first, then the application, whose error has no code.
        let grant = secrets.grant(UNKNOWN_URI, &["no-such-app"]).unwrap();
        let err = grant[0].1.as_ref().unwrap_err().api().unwrap().clone();
        let wanted = format!(
            "cannot change access to \"{UNKNOWN_URI}\" for \"no-such-app\": secret not found"
        );
        assert_eq!(
            (err.message, err.code.as_deref()),
            (wanted, Some("secret not found"))
        );
        // Its error has no code, yet its kind is NotFound, as on 3.6.
        let grant = secrets.grant("db", &["no-such-app"]).unwrap();
        let err = grant[0].1.as_ref().unwrap_err();
        assert_eq!(err.api().unwrap().code, None, "{err:?}");
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
        assert!(
            err.to_string()
                .ends_with(": application \"no-such-app\" not found"),
            "{err}"
        );
        // 4.x says "not found" where 3.6 revokes silently: the client gives the same success.
        assert!(secrets.revoke(UNKNOWN_URI, &["mysql"]).unwrap()[0]
            .1
            .is_ok());
        assert!(secrets.revoke("db", &["no-such-app"]).unwrap()[0].1.is_ok());
        let revokes = new
            .calls()
            .iter()
            .filter(|c| c.method() == "RevokeSecret")
            .map(|c| c.response["response"]["results"][0]["error"]["message"].clone())
            .collect::<Vec<_>>();
        assert!(
            revokes
                .iter()
                .all(|m| m.as_str().is_some_and(|m| m.ends_with("not found"))),
            "{revokes:?}"
        );
    })
}

#[test]
fn ensure_creates_updates_and_leaves_alone() {
    same_on_both(|_, client| {
        let mut secrets = client.secrets();
        let wanted = NewSecret::new("api", content(&[("token", "one")]));
        let created = matches!(secrets.ensure(&wanted).unwrap(), Ensured::Created(_));
        let unchanged = matches!(secrets.ensure(&wanted).unwrap(), Ensured::Unchanged(_));
        let rotated = NewSecret::new("api", content(&[("token", "two")])).description("rotated");
        let updated = matches!(secrets.ensure(&rotated).unwrap(), Ensured::Updated(_));
        let after = seen(&secrets.show("api", &ShowOptions::new().reveal()).unwrap());
        (created, unchanged, updated, after)
    });
}

#[test]
fn ensure_access_grants_and_revokes() {
    let changes = same_on_both(|_, client| {
        db_and_api(client);
        let mut secrets = client.secrets();
        secrets.grant("db", &["mysql"]).unwrap();
        let changes: Vec<_> = secrets
            .ensure_access("db", &["wordpress"])
            .unwrap()
            .into_iter()
            .map(|c| (c.application, c.action, kind(c.result)))
            .collect();
        let again = secrets.ensure_access("db", &["wordpress"]).unwrap().len();
        let unknown = kind(secrets.ensure_access(UNKNOWN_URI, &["mysql"])).map(|c| c.len());
        (changes, again, unknown)
    });
    assert_eq!(
        changes.0,
        [
            ("wordpress".to_owned(), AccessAction::Grant, Ok(())),
            ("mysql".to_owned(), AccessAction::Revoke, Ok(())),
        ]
    );
    assert_eq!((changes.1, changes.2), (0, not_found()));
}

/// `juju_secrets::get_value` reads `JUJU_DATA`, which is process-wide: both controllers are
/// asked in this one test, one after the other.
#[test]
fn the_one_liner_reads_from_both() {
    within(|| {
        for controller in [juju36(), juju4()] {
            let store = std::env::temp_dir().join(format!(
                "juju-secrets-juju4-{}-{}",
                std::process::id(),
                controller.controller_uuid()
            ));
            controller.write_client_store(&store).unwrap();
            controller.insert_secret("db", &[("password", b"s3cr3t".as_slice())]);
            std::env::set_var("JUJU_DATA", &store);
            std::env::remove_var("JUJU_MODEL");
            std::env::remove_var("JUJU_CONTROLLER");
            let value = juju_secrets::get_value("db", "password").unwrap();
            let unknown = juju_secrets::get_value(UNKNOWN_URI, "password").unwrap_err();
            std::env::remove_var("JUJU_DATA");
            std::fs::remove_dir_all(&store).ok();
            assert_eq!(value.as_str(), Some("s3cr3t"));
            assert_eq!(unknown.kind(), Some(ErrorKind::NotFound), "{unknown:?}");
        }
    })
}
