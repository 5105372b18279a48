//! RSA keys as Alipay users hold them.
//!
//! Alipay's key tool writes bare base64 with no PEM armour; OpenSSL writes
//! PEM. Private keys come as PKCS#8 (the key tool's default) or PKCS#1,
//! public keys as SubjectPublicKeyInfo. All are accepted here, and a key in
//! the wrong place (the app's public key where Alipay's belongs, a private key
//! where a public key belongs, a truncated paste) is an error that names the
//! key and says what was expected: the most common support question of every
//! Alipay SDK.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::sign::SignType;

/// Which key a problem is about, as the Alipay console names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRole {
    /// The merchant app's private key (应用私钥), used to sign requests.
    AppPrivateKey,
    /// Alipay's public key (支付宝公钥), used to verify responses and
    /// notifications.
    AlipayPublicKey,
    /// The app's public key (应用公钥), for the local gateway's use.
    AppPublicKey,
    /// The local gateway's private key.
    GatewayPrivateKey,
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRole::AppPrivateKey => "the app private key (应用私钥)",
            KeyRole::AlipayPublicKey => "the Alipay public key (支付宝公钥)",
            KeyRole::AppPublicKey => "the app public key (应用公钥)",
            KeyRole::GatewayPrivateKey => "the gateway private key",
        })
    }
}

/// A key that could not be used, with what is wrong and what was expected.
///
/// A parser's error behind the problem is its
/// [`source`](std::error::Error::source). Equality compares the role and the
/// problem.
#[derive(Debug, Clone)]
pub struct KeyError {
    /// Which key.
    pub role: KeyRole,
    /// What is wrong with it.
    pub problem: String,
    // Arc'd so that the error stays Clone.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected = match self.role {
            KeyRole::AppPrivateKey | KeyRole::GatewayPrivateKey => {
                "an RSA private key, PKCS#8 or PKCS#1, as bare base64 (what Alipay's key tool writes) or PEM"
            }
            KeyRole::AlipayPublicKey | KeyRole::AppPublicKey => {
                "an RSA public key (SubjectPublicKeyInfo), as bare base64 (what the Alipay console shows) or PEM"
            }
        };
        write!(
            f,
            "{} cannot be used: {}; expected {expected}",
            self.role, self.problem
        )
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl PartialEq for KeyError {
    fn eq(&self, other: &KeyError) -> bool {
        self.role == other.role && self.problem == other.problem
    }
}

impl Eq for KeyError {}

impl KeyError {
    /// A problem with the key or certificate in `role`.
    pub fn new(role: KeyRole, problem: impl Into<String>) -> KeyError {
        KeyError {
            role,
            problem: problem.into(),
            source: None,
        }
    }

    /// The same error, caused by `source`.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> KeyError {
        self.source = Some(Arc::new(source));
        self
    }
}

fn key_error(role: KeyRole, problem: impl Into<String>) -> KeyError {
    KeyError::new(role, problem)
}

/// An RSA private key that signs. Never printed: its `Debug` shows only its
/// size, and the decoded bytes are wiped when dropped.
pub struct PrivateKey {
    pair: KeyPair,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey(RSA-{}, redacted)",
            self.pair.public_modulus_len() * 8
        )
    }
}

/// An RSA public key that verifies.
#[derive(Clone)]
pub struct PublicKey {
    /// DER, SubjectPublicKeyInfo or PKCS#1 RSAPublicKey (aws-lc reads both).
    der: Vec<u8>,
    // Parsed once: parsing on every verification costs a quarter of its time.
    rsa2: ParsedPublicKey,
    #[cfg(feature = "legacy-rsa")]
    rsa: ParsedPublicKey,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.der == other.der
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} bytes DER)", self.der.len())
    }
}

/// What a key text turned out to hold.
enum Decoded {
    Pem {
        label: String,
        der: Zeroizing<Vec<u8>>,
    },
    Bare(Zeroizing<Vec<u8>>),
}

fn decode(text: &str, role: KeyRole) -> Result<Decoded, KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(key_error(role, "the key text is empty"));
    }
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let (label, rest) = rest
            .split_once("-----")
            .ok_or_else(|| key_error(role, "the PEM header line is incomplete"))?;
        let end = format!("-----END {label}-----");
        let body = rest.split_once(&end).map(|(body, _)| body).ok_or_else(|| {
            key_error(
                role,
                format!("the PEM block has no `{end}` line (truncated?)"),
            )
        })?;
        let der = base64_decode(body, role)?;
        return Ok(Decoded::Pem {
            label: label.to_owned(),
            der,
        });
    }
    Ok(Decoded::Bare(base64_decode(text, role)?))
}

fn base64_decode(text: &str, role: KeyRole) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    // Keys are often pasted with line breaks; base64 never contains spaces.
    let compact: Zeroizing<String> = Zeroizing::new(text.split_whitespace().collect());
    STANDARD
        .decode(compact.as_bytes())
        .map(Zeroizing::new)
        .map_err(|e| key_error(role, "it is neither PEM nor valid base64").with_source(e))
}

/// The length a DER SEQUENCE header declares for the whole structure.
fn der_declared_len(der: &[u8]) -> Option<usize> {
    if der.first() != Some(&0x30) {
        return None;
    }
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let len = der
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Some(2 + n + len)
}

fn truncation(der: &[u8]) -> Option<String> {
    let declared = der_declared_len(der)?;
    (der.len() < declared).then(|| {
        format!(
            "it is truncated: {} of the {declared} bytes its header declares",
            der.len()
        )
    })
}

fn is_public_key(der: &[u8]) -> bool {
    aws_lc_rs::rsa::PublicEncryptingKey::from_der(der).is_ok()
}

fn parse_private(der: &[u8]) -> Option<KeyPair> {
    KeyPair::from_pkcs8(der)
        .or_else(|_| KeyPair::from_der(der))
        .ok()
}

impl PrivateKey {
    /// Reads a private key: bare base64 or PEM, PKCS#8 or PKCS#1.
    pub fn from_text(text: &str, role: KeyRole) -> Result<PrivateKey, KeyError> {
        let der = match decode(text, role)? {
            Decoded::Pem { label, der } => match label.as_str() {
                "PRIVATE KEY" | "RSA PRIVATE KEY" => der,
                "PUBLIC KEY" | "RSA PUBLIC KEY" => {
                    return Err(key_error(role, "this is a public key, not a private key"));
                }
                "CERTIFICATE" => {
                    return Err(key_error(role, "this is a certificate, not a private key"));
                }
                "ENCRYPTED PRIVATE KEY" => {
                    return Err(key_error(
                        role,
                        "the key is encrypted with a passphrase; export it unencrypted",
                    ));
                }
                other => return Err(key_error(role, format!("the PEM block is `{other}`"))),
            },
            Decoded::Bare(der) => der,
        };
        if let Some(pair) = parse_private(&der) {
            return Ok(PrivateKey { pair });
        }
        if let Some(truncated) = truncation(&der) {
            return Err(key_error(role, truncated));
        }
        if is_public_key(&der) {
            return Err(key_error(role, "this is a public key, not a private key"));
        }
        Err(key_error(
            role,
            "it is not an RSA private key (2048 to 8192 bits)",
        ))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let der = self.pair.public_key().as_ref().to_vec();
        let parse = |algorithm| {
            ParsedPublicKey::new(algorithm, &der[..]).expect("a key pair's own public key parses")
        };
        PublicKey {
            rsa2: parse(&signature::RSA_PKCS1_2048_8192_SHA256),
            #[cfg(feature = "legacy-rsa")]
            rsa: parse(&signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY),
            der,
        }
    }

    /// The size of a signature in bytes.
    pub fn signature_len(&self) -> usize {
        self.pair.public_modulus_len()
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 and the hash `sign_type` names.
    pub fn sign(&self, sign_type: SignType, message: &[u8]) -> Vec<u8> {
        match sign_type {
            SignType::Rsa2 => {
                let mut out = vec![0; self.pair.public_modulus_len()];
                // PKCS#1 v1.5 is deterministic: the generator is not used, but
                // the API wants one.
                let rng = aws_lc_rs::rand::SystemRandom::new();
                self.pair
                    .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .expect("signing with a valid RSA key does not fail");
                out
            }
            #[cfg(feature = "legacy-rsa")]
            SignType::Rsa => crate::legacy_rsa::sign_sha1(&self.pair, message),
        }
    }
}

impl PublicKey {
    /// Reads a public key: bare base64 or PEM SubjectPublicKeyInfo.
    pub fn from_text(text: &str, role: KeyRole) -> Result<PublicKey, KeyError> {
        let der = match decode(text, role)? {
            Decoded::Pem { label, der } => match label.as_str() {
                "PUBLIC KEY" | "RSA PUBLIC KEY" => der,
                "PRIVATE KEY" | "RSA PRIVATE KEY" => {
                    return Err(key_error(
                        role,
                        "this is a private key, not a public key (and a private key must never be shared)",
                    ));
                }
                "CERTIFICATE" => {
                    return Err(key_error(
                        role,
                        "this is a certificate; configure certificate mode instead",
                    ));
                }
                other => return Err(key_error(role, format!("the PEM block is `{other}`"))),
            },
            Decoded::Bare(der) => der,
        };
        PublicKey::from_der(&der, role)
    }

    /// Reads a DER SubjectPublicKeyInfo (e.g. from a certificate).
    pub fn from_der(der: &[u8], role: KeyRole) -> Result<PublicKey, KeyError> {
        if is_public_key(der) {
            let parse = |algorithm| {
                ParsedPublicKey::new(algorithm, der)
                    .map_err(|e| key_error(role, "aws-lc rejects it").with_source(e))
            };
            return Ok(PublicKey {
                rsa2: parse(&signature::RSA_PKCS1_2048_8192_SHA256)?,
                #[cfg(feature = "legacy-rsa")]
                rsa: parse(&signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)?,
                der: der.to_vec(),
            });
        }
        if let Some(truncated) = truncation(der) {
            return Err(key_error(role, truncated));
        }
        if parse_private(der).is_some() {
            return Err(key_error(
                role,
                "this is a private key, not a public key (and a private key must never be shared)",
            ));
        }
        Err(key_error(role, "it is not an RSA public key"))
    }

    /// Whether this is the public half of `private`.
    pub fn matches(&self, private: &PrivateKey) -> bool {
        // SubjectPublicKeyInfo ends with the PKCS#1 RSAPublicKey that aws-lc
        // reports for the key pair.
        let pkcs1 = private.pair.public_key();
        self.der.ends_with(pkcs1.as_ref())
    }

    /// Whether `signature` is `message` signed with this key's private half.
    pub fn verify(&self, sign_type: SignType, message: &[u8], signature_bytes: &[u8]) -> bool {
        let key = match sign_type {
            SignType::Rsa2 => &self.rsa2,
            #[cfg(feature = "legacy-rsa")]
            SignType::Rsa => &self.rsa,
        };
        key.verify_sig(message, signature_bytes).is_ok()
    }
}
