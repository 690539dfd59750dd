//! Choosing the model: by UUID even when `models.yaml` does not list it, and by a name it does
//! not list through the controller's own list (`ModelManager.ListModels` on `/api`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{options_without_endpoint, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ClientStore, Error, ErrorKind};
use serde_json::json;

/// A client store directory, removed on drop.
struct Store(PathBuf);

impl Store {
    /// The controller's client store, with `models.yaml` listing only its first model (as when
    /// the others were created or shared after the CLI last refreshed it).
    fn stale(controller: &TestController) -> Store {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("juju-secrets-models-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        controller.write_client_store(&dir).unwrap();
        let first = &controller.models()[0];
        let models = format!(
            "controllers:\n  {}:\n    models:\n      admin/{}: {{uuid: {}, type: iaas}}\n    current-model: admin/{}\n",
            controller.controller_name(),
            first.name,
            first.uuid,
            first.name
        );
        std::fs::write(dir.join("models.yaml"), models).unwrap();
        Store(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn resolve(&self, model: &str) -> juju_secrets::ConnectOptions {
        ClientStore::open(self.path())
            .unwrap()
            .resolve(None, Some(model))
            .unwrap()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn two_models() -> TestController {
    TestController::builder()
        .model("default")
        .model("staging")
        .start()
        .unwrap()
}

#[test]
fn a_name_missing_from_models_yaml_is_found_on_the_controller() {
    within(|| {
        let controller = two_models();
        let staging = controller.models()[1].uuid.clone();
        let store = Store::stale(&controller);
        let options = store.resolve("staging");
        assert_eq!(
            (options.model_uuid(), options.model_name()),
            (None, Some("admin/staging"))
        );

        let mut client = Client::connect(&options).unwrap();
        client.ping().unwrap();
        assert_eq!(client.login_info().model_uuid(), staging);
        assert_eq!(client.options().model_uuid(), Some(staging.as_str()));

        let calls = controller.calls();
        let seen: Vec<(Option<&str>, &str)> = calls
            .iter()
            .map(|c| (c.model_uuid.as_deref(), c.method()))
            .collect();
        assert_eq!(
            seen,
            [
                (None, "Login"),
                (None, "ListModels"),
                (Some(staging.as_str()), "Login"),
                (Some(staging.as_str()), "Ping"),
            ]
        );
        let list = &calls[1];
        assert_eq!((list.facade(), list.version()), ("ModelManager", 10));
        assert_eq!(list.params(), &json!({"tag": "user-admin"}));
        let models = &list.response["response"]["user-models"];
        assert_eq!(models[1]["model"]["name"], "staging");
        assert_eq!(models[1]["model"]["owner-tag"], "user-admin");
        assert!(models[1]["last-connection"].is_string(), "{models}");
    })
}

#[test]
fn an_unknown_name_lists_the_models_the_controller_has() {
    within(|| {
        let controller = two_models();
        let store = Store::stale(&controller);
        let err = Client::connect(&store.resolve("missing")).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::ModelNotFound), "{err:?}");
        let Error::UnknownModel(unknown) = &err else {
            panic!("expected an unknown model, got {err:?}");
        };
        assert_eq!(unknown.model, "admin/missing");
        assert_eq!(
            unknown.controller,
            format!("controller {:?}", controller.controller_name())
        );
        assert_eq!(unknown.user, "admin");
        assert_eq!(unknown.known, ["admin/default", "admin/staging"]);
        assert_eq!(unknown.note, None);
        let message = err.to_string();
        for part in [
            "unknown model \"admin/missing\"",
            &format!("controller {:?}", controller.controller_name()),
            "admin/default, admin/staging",
        ] {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
        // Only the controller connection was made.
        assert!(controller.calls().iter().all(|c| c.model_uuid.is_none()));
    })
}

#[test]
fn a_uuid_missing_from_models_yaml_is_used_directly() {
    within(|| {
        let controller = two_models();
        let staging = controller.models()[1].uuid.clone();
        let store = Store::stale(&controller);
        let options = store.resolve(&staging);
        assert_eq!(
            (options.model_uuid(), options.model_name()),
            (Some(staging.as_str()), None)
        );
        let client = Client::connect(&options).unwrap();
        assert_eq!(client.login_info().model_uuid(), staging);
        // No lookup: straight to the model.
        let calls = controller.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].model_uuid.as_deref(), Some(staging.as_str()));
    })
}

#[test]
fn explicit_settings_can_name_the_model_instead_of_its_uuid() {
    within(|| {
        let controller = two_models();
        let options = options_without_endpoint(&controller)
            .endpoint(controller.endpoint())
            .model_uuid("")
            .model_name("staging")
            .build()
            .unwrap();
        let client = Client::connect(&options).unwrap();
        assert_eq!(
            client.login_info().model_uuid(),
            controller.models()[1].uuid
        );
        assert_eq!(client.options().model_name(), Some("staging"));
    })
}
