//! A CA and a server certificate made at start, as a Juju controller makes its own.

use native_tls::Identity;
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The names a Juju controller certificate carries (`juju/juju: pki`).
pub(crate) const CONTROLLER_NAMES: &[&str] =
    &["juju-apiserver", "juju-mongodb", "localhost", "anything"];

const CA_NAME: &str = "juju-generated CA for model \"juju-secrets test controller\"";

/// What the test controller serves TLS with.
pub(crate) struct ServerTls {
    /// The CA certificate clients trust (PEM).
    pub ca_pem: String,
    pub identity: Identity,
    /// The CA's private key (PEM), to issue broken certificates for faults later.
    pub ca_key_pem: Zeroizing<String>,
    /// The "public" CA (PEM) that signed the certificate instead, when it is publicly signed.
    pub public_ca_pem: Option<String>,
}

/// How the server certificate is made, so tests can break it on purpose.
#[derive(Clone, Debug)]
pub(crate) struct CertSpec {
    pub names: Vec<String>,
    pub expired: bool,
    /// Signed by a CA of its own instead of the one clients are given.
    pub foreign_ca: bool,
    /// Issued for this public host name by a separate "public" CA, as a controller behind a
    /// public DNS name serves a publicly signed certificate.
    pub public_name: Option<String>,
}

impl Default for CertSpec {
    fn default() -> Self {
        CertSpec {
            names: CONTROLLER_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            expired: false,
            foreign_ca: false,
            public_name: None,
        }
    }
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Config(format!("test controller: cannot make certificates: {e}"))
}

/// The CA's settings: the same each time, so the CA's key alone can sign again later.
fn ca_params(name: &str) -> Result<CertificateParams> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, name);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(ca_params)
}

fn new_ca(name: &str) -> Result<CertifiedIssuer<'static, KeyPair>> {
    CertifiedIssuer::self_signed(ca_params(name)?, KeyPair::generate().map_err(failed)?)
        .map_err(failed)
}

pub(crate) fn generate(spec: &CertSpec) -> Result<ServerTls> {
    let ca = new_ca(CA_NAME)?;
    let (identity, public_ca_pem) = match &spec.public_name {
        None => (issue(spec, &ca)?, None),
        Some(host) => {
            let public = new_ca("a public CA, as a certificate authority on the internet")?;
            let public_spec = CertSpec {
                names: vec![host.clone()],
                ..spec.clone()
            };
            (issue(&public_spec, &public)?, Some(public.pem()))
        }
    };
    Ok(ServerTls {
        ca_pem: ca.pem(),
        identity,
        ca_key_pem: Zeroizing::new(ca.key().serialize_pem()),
        public_ca_pem,
    })
}

/// A server certificate made to `spec` by the CA whose key is given (PEM).
pub(crate) fn reissue(spec: &CertSpec, ca_key_pem: &str) -> Result<Identity> {
    let key = KeyPair::from_pem(ca_key_pem).map_err(failed)?;
    issue(spec, &Issuer::new(ca_params(CA_NAME)?, key))
}

fn issue(spec: &CertSpec, ca: &Issuer<'_, KeyPair>) -> Result<Identity> {
    let foreign;
    let ca = if spec.foreign_ca {
        foreign = new_ca("another CA, unknown to clients")?;
        &*foreign
    } else {
        ca
    };
    let mut params = CertificateParams::new(spec.names.clone()).map_err(failed)?;
    params.distinguished_name.push(DnType::CommonName, "*");
    if spec.expired {
        params.not_before = date_time_ymd(2001, 1, 1);
        params.not_after = date_time_ymd(2002, 1, 1);
    }
    let key = KeyPair::generate().map_err(failed)?;
    let cert = params.signed_by(&key, ca).map_err(failed)?;
    let key_pem = Zeroizing::new(key.serialize_pem());
    Identity::from_pkcs8(cert.pem().as_bytes(), key_pem.as_bytes()).map_err(failed)
}
