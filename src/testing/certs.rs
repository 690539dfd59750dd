//! A CA and a server certificate made at start, as a Juju controller makes its own.

use native_tls::Identity;
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

use crate::error::{Error, Result};

/// The names a Juju controller certificate carries (`juju/juju: pki`).
pub(crate) const CONTROLLER_NAMES: &[&str] =
    &["juju-apiserver", "juju-mongodb", "localhost", "anything"];

/// What the test controller serves TLS with.
pub(crate) struct ServerTls {
    /// The CA certificate clients trust (PEM).
    pub ca_pem: String,
    pub identity: Identity,
}

/// How the server certificate is made, so tests can break it on purpose.
#[derive(Clone, Debug)]
pub(crate) struct CertSpec {
    pub names: Vec<String>,
    pub expired: bool,
}

impl Default for CertSpec {
    fn default() -> Self {
        CertSpec {
            names: CONTROLLER_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            expired: false,
        }
    }
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Config(format!("test controller: cannot make certificates: {e}"))
}

pub(crate) fn generate(spec: &CertSpec) -> Result<ServerTls> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(
        DnType::CommonName,
        "juju-generated CA for model \"juju-secrets test controller\"",
    );
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(failed)?)
        .map_err(failed)?;

    let mut params = CertificateParams::new(spec.names.clone()).map_err(failed)?;
    params.distinguished_name.push(DnType::CommonName, "*");
    if spec.expired {
        params.not_before = date_time_ymd(2001, 1, 1);
        params.not_after = date_time_ymd(2002, 1, 1);
    }
    let key = KeyPair::generate().map_err(failed)?;
    let cert = params.signed_by(&key, &ca).map_err(failed)?;
    let identity = Identity::from_pkcs8(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
        .map_err(failed)?;
    Ok(ServerTls {
        ca_pem: ca.pem(),
        identity,
    })
}
