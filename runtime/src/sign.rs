//! The v2 gateway's signing protocol, byte for byte.
//!
//! A request's sign content is every parameter except `sign`, empty values
//! dropped, keys sorted by byte, joined as `k=v` with `&`, values raw (not
//! URL-encoded, not trimmed), UTF-8. A notification's check content keeps
//! empty values (see [`crate::notify`]). The signature is RSASSA-PKCS1-v1_5 over it with
//! SHA-256 (`RSA2`) or SHA-1 (legacy `RSA`), in standard base64.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::keys::{PrivateKey, PublicKey};

/// The signature algorithm, as the `sign_type` parameter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SignType {
    /// SHA256withRSA: what Alipay recommends and the default here.
    #[default]
    Rsa2,
    /// SHA1withRSA: legacy apps only (feature `legacy-rsa`).
    #[cfg(feature = "legacy-rsa")]
    Rsa,
}

impl SignType {
    /// The value of the `sign_type` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Rsa2 => "RSA2",
            #[cfg(feature = "legacy-rsa")]
            SignType::Rsa => "RSA",
        }
    }

    /// The sign type a `sign_type` value names, if this build supports it.
    pub fn parse(value: &str) -> Option<SignType> {
        match value {
            "RSA2" => Some(SignType::Rsa2),
            #[cfg(feature = "legacy-rsa")]
            "RSA" => Some(SignType::Rsa),
            _ => None,
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string a request signs: every parameter but `sign` whose value is not
/// empty, sorted by key (byte order), `k=v` joined with `&`, values raw.
///
/// Dropping empty values is Alipay's rule for requests only; notifications
/// are checked over every parameter ([`crate::notify::check_content`]).
pub fn sign_content<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    join_sorted(
        params
            .into_iter()
            .filter(|(k, v)| *k != "sign" && !v.is_empty()),
    )
}

/// `params` sorted by key (byte order), `k=v` joined with `&`, values raw.
pub(crate) fn join_sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let sorted: BTreeMap<&str, &str> = params.into_iter().collect();
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Signs `content` and returns the signature in standard base64.
pub fn sign(key: &PrivateKey, sign_type: SignType, content: &str) -> String {
    STANDARD.encode(key.sign(sign_type, content.as_bytes()))
}

/// Whether `signature` (standard base64) is `content` signed by `key`'s
/// private half. Malformed base64 is simply not a valid signature.
pub fn verify(key: &PublicKey, sign_type: SignType, content: &str, signature: &str) -> bool {
    match STANDARD.decode(signature.trim()) {
        Ok(bytes) => key.verify(sign_type, content.as_bytes(), &bytes),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_content_sorts_drops_empty_and_sign_and_keeps_values_raw() {
        let content = sign_content([
            ("timestamp", "2014-07-24 03:07:50"),
            ("sign", "ignored"),
            ("app_id", "2014072300007148"),
            ("notify_url", ""),
            ("biz_content", r#"{"remark":"红包退款","x":"a&b=c%20"}"#),
            ("Zed", "upper case sorts first"),
        ]);
        assert_eq!(
            content,
            r#"Zed=upper case sorts first&app_id=2014072300007148&biz_content={"remark":"红包退款","x":"a&b=c%20"}&timestamp=2014-07-24 03:07:50"#
        );
    }

    #[test]
    fn sign_content_of_nothing_is_empty() {
        assert_eq!(sign_content([("sign", "x"), ("a", "")]), "");
    }

    #[test]
    fn sign_type_names() {
        assert_eq!(SignType::default().as_str(), "RSA2");
        assert_eq!(SignType::parse("RSA2"), Some(SignType::Rsa2));
        assert_eq!(SignType::parse("SM2"), None);
        #[cfg(not(feature = "legacy-rsa"))]
        assert_eq!(SignType::parse("RSA"), None);
    }
}
