//! Certificate SNs against the values the openssl command line computes
//! (tests/vectors/certs/make-certs.sh), and certificate-mode config errors.

use alipay_runtime::cert::{CertRole, cert_sn, root_cert_sn};
use alipay_runtime::{Config, ConfigError};

fn file(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn sn_of(pem: &str) -> String {
    let der = x509_der(pem);
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    cert_sn(&cert)
}

fn x509_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&body)
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        bits = (bits << 6) | ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn certificate_sns_match_openssl() {
    assert_eq!(sn_of(&file("certs/app.crt")), file("certs/app_cert_sn.txt"));
    assert_eq!(
        sn_of(&file("certs/alipay.crt")),
        file("certs/alipay_cert_sn.txt")
    );
}

#[test]
fn root_sn_joins_the_rsa_roots_and_skips_the_others() {
    let sn = root_cert_sn(&file("certs/alipay_root_bundle.crt")).unwrap();
    assert_eq!(sn, file("certs/alipay_root_cert_sn.txt"));
    assert_eq!(sn.split('_').count(), 2, "the EC root is skipped");
    let err = root_cert_sn(&file("app_private_pkcs8.pem")).unwrap_err();
    assert_eq!(err.role, CertRole::AlipayRootCertificate);
    assert!(
        err.to_string()
            .contains("holds a `PRIVATE KEY` block, not a certificate"),
        "{err}"
    );
}

fn with_certs(app_key: &str, app: &str, alipay: &str, root: &str) -> Result<Config, ConfigError> {
    Config::with_certificates(
        "2014072300007148",
        &file(app_key),
        &file(app),
        &file(alipay),
        &file(root),
    )
}

#[test]
fn certificate_mode_config_catches_mix_ups() {
    assert!(
        with_certs(
            "app_private_pkcs8.txt",
            "certs/app.crt",
            "certs/alipay.crt",
            "certs/alipay_root_bundle.crt"
        )
        .is_ok()
    );
    for (app, alipay, root, expected) in [
        (
            "certs/alipay.crt",
            "certs/alipay.crt",
            "certs/alipay_root_bundle.crt",
            "the app certificate (appCertPublicKey_*.crt) cannot be used: its public key is not the pair of the app private key",
        ),
        (
            "certs/app.crt",
            "certs/app.crt",
            "certs/alipay_root_bundle.crt",
            "the Alipay certificate (alipayCertPublicKey_RSA2.crt) cannot be used: this is the app's own certificate",
        ),
        (
            "certs/app.crt",
            "certs/alipay_root_bundle.crt",
            "certs/alipay_root_bundle.crt",
            "it holds 3 certificates; expected one",
        ),
        (
            "certs/app.crt",
            "alipay_public.pem",
            "certs/alipay_root_bundle.crt",
            "holds a `PUBLIC KEY` block, not a certificate",
        ),
        (
            "certs/app.crt",
            "certs/alipay.crt",
            "content_basic.txt",
            "the Alipay root certificate (alipayRootCert.crt) cannot be used: it holds no `-----BEGIN CERTIFICATE-----` block",
        ),
    ] {
        let err = with_certs("app_private_pkcs8.txt", app, alipay, root)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    }
}

#[test]
fn a_root_bundle_without_rsa_roots_is_refused() {
    let err = root_cert_sn(&file("certs/ec_root.crt")).unwrap_err();
    assert!(
        err.to_string()
            .contains("it holds no RSA-signed certificate"),
        "{err}"
    );
}

#[test]
fn a_certificate_error_chains_to_the_parser_error() {
    use std::error::Error as _;
    let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let err = root_cert_sn(garbage).unwrap_err();
    assert_eq!(err.role, CertRole::AlipayRootCertificate);
    assert_eq!(err.problem, "it is not an X.509 certificate");
    let cause = err.source().expect("the X.509 parser's error");
    assert!(!cause.to_string().is_empty());

    // A config error prints its key or certificate error, and chains on from
    // that error's cause.
    let err = Config::with_certificates(
        "2014072300007148",
        "hello world",
        &file("certs/app.crt"),
        &file("certs/alipay.crt"),
        &file("certs/alipay_root_bundle.crt"),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::Key(_)), "{err}");
    assert!(err.to_string().contains("neither PEM nor valid base64"));
    assert!(
        err.source()
            .expect("the key error's cause")
            .to_string()
            .contains("Invalid")
    );
    let err = with_certs(
        "app_private_pkcs8.txt",
        "certs/app.crt",
        "certs/alipay.crt",
        "content_basic.txt",
    )
    .unwrap_err();
    assert!(err.source().is_none(), "no cause behind a missing block");
}
