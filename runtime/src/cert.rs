//! Certificate mode: the serial numbers (SNs) Alipay identifies certificates
//! by, computed as the official SDKs compute them.
//!
//! - A certificate's SN is `md5_hex(issuer DN in RFC 2253 form + decimal
//!   serial)`, 32 lower-case hex digits.
//! - The root SN is the SNs of the RSA-signed certificates in the root bundle
//!   (`alipayRootCert.crt` also holds non-RSA roots, which are skipped),
//!   joined with `_`.
//!
//! x509-parser is lenient where it should be: Alipay's certificates carry NULL
//! signature-algorithm parameters that stricter parsers reject.

use std::fmt;
use std::sync::Arc;

use md5::{Digest, Md5};
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::asn1_rs::ToDer;
use x509_parser::pem::Pem;
use x509_parser::x509::X509Name;

/// Which certificate a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertRole {
    /// The app's public-key certificate (appCertPublicKey_*.crt).
    AppCertificate,
    /// Alipay's public-key certificate (alipayCertPublicKey_RSA2.crt).
    AlipayCertificate,
    /// Alipay's root certificate bundle (alipayRootCert.crt).
    AlipayRootCertificate,
}

impl fmt::Display for CertRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertRole::AppCertificate => "the app certificate (appCertPublicKey_*.crt)",
            CertRole::AlipayCertificate => "the Alipay certificate (alipayCertPublicKey_RSA2.crt)",
            CertRole::AlipayRootCertificate => "the Alipay root certificate (alipayRootCert.crt)",
        })
    }
}

/// A certificate that could not be used.
///
/// A parser's error behind the problem is its
/// [`source`](std::error::Error::source). Equality compares the role and the
/// problem.
#[derive(Debug, Clone)]
pub struct CertError {
    /// Which certificate.
    pub role: CertRole,
    /// What is wrong.
    pub problem: String,
    // Arc'd so that the error stays Clone.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cannot be used: {}", self.role, self.problem)
    }
}

impl std::error::Error for CertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl PartialEq for CertError {
    fn eq(&self, other: &CertError) -> bool {
        self.role == other.role && self.problem == other.problem
    }
}

impl Eq for CertError {}

impl CertError {
    /// A problem with the key or certificate in `role`.
    pub fn new(role: CertRole, problem: impl Into<String>) -> CertError {
        CertError {
            role,
            problem: problem.into(),
            source: None,
        }
    }

    /// The same error, caused by `source`.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> CertError {
        self.source = Some(Arc::new(source));
        self
    }
}

fn cert_error(role: CertRole, problem: impl Into<String>) -> CertError {
    CertError::new(role, problem)
}

/// The DER of every certificate in a PEM text.
pub(crate) fn pem_certificates(text: &str, role: CertRole) -> Result<Vec<Vec<u8>>, CertError> {
    let mut out = Vec::new();
    for pem in Pem::iter_from_buffer(text.as_bytes()) {
        let pem = pem.map_err(|e| cert_error(role, "it is not PEM").with_source(e))?;
        if pem.label != "CERTIFICATE" {
            return Err(cert_error(
                role,
                format!("it holds a `{}` block, not a certificate", pem.label),
            ));
        }
        out.push(pem.contents);
    }
    if out.is_empty() {
        return Err(cert_error(
            role,
            "it holds no `-----BEGIN CERTIFICATE-----` block",
        ));
    }
    Ok(out)
}

pub(crate) fn parse(der: &[u8], role: CertRole) -> Result<X509Certificate<'_>, CertError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|e| cert_error(role, "it is not an X.509 certificate").with_source(e))
}

/// A certificate's SN: `md5_hex(issuer RFC 2253 + decimal serial)`.
pub fn cert_sn(cert: &X509Certificate<'_>) -> String {
    let text = format!("{}{}", rfc2253(cert.issuer()), cert.tbs_certificate.serial);
    hex(&Md5::digest(text.as_bytes()))
}

/// The root SN of a bundle: the SNs of its RSA-signed certificates, joined
/// with `_`.
pub fn root_cert_sn(bundle_pem: &str) -> Result<String, CertError> {
    let role = CertRole::AlipayRootCertificate;
    let mut sns = Vec::new();
    for der in pem_certificates(bundle_pem, role)? {
        let cert = parse(&der, role)?;
        // 1.2.840.113549.1.1.*: the PKCS#1 RSA signature algorithms.
        if cert
            .signature_algorithm
            .algorithm
            .to_id_string()
            .starts_with("1.2.840.113549.1.1.")
        {
            sns.push(cert_sn(&cert));
        }
    }
    if sns.is_empty() {
        return Err(cert_error(role, "it holds no RSA-signed certificate"));
    }
    Ok(sns.join("_"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A distinguished name as Java's `X500Principal.getName()` writes it (RFC
/// 2253): the most specific RDN first, `,` between RDNs, `+` within one.
fn rfc2253(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|attr| {
                    let oid = attr.attr_type().to_id_string();
                    // Java writes a value that is not a string as `#`
                    // and the hex of its whole DER encoding.
                    let value = attr.as_str().map(escape).unwrap_or_else(|_| {
                        let der = attr.attr_value().to_der_vec().unwrap_or_default();
                        format!("#{}", hex(&der))
                    });
                    match keyword(&oid) {
                        Some(k) => format!("{k}={value}"),
                        None => format!("{oid}={value}"),
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// The attribute keywords RFC 2253 (and Java) write by name.
fn keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        _ => return None,
    })
}

/// RFC 2253 §2.4 escaping of an attribute value.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn rfc2253_escaping() {
        assert_eq!(escape("Ant Financial"), "Ant Financial");
        assert_eq!(
            escape("a,b+c\"d\\e<f>g;h"),
            "a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h"
        );
        assert_eq!(escape("#x "), "\\#x\\ ");
        assert_eq!(escape(" x"), "\\ x");
    }
}
