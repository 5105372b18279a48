//! SHA1withRSA signing for apps still configured for the legacy `RSA` sign
//! type (feature `legacy-rsa`).
//!
//! aws-lc-rs's safe API verifies SHA-1 signatures but deliberately offers no
//! SHA-1 signing. This is the one place that reaches into aws-lc directly:
//! hash with SHA-1 (safe API), then `RSA_sign(NID_sha1, …)` on the key pair's
//! own RSA object. It is tested byte for byte against `openssl dgst -sha1`.

use aws_lc_rs::digest;
use aws_lc_rs::rsa::KeyPair;

/// Signs `message` with RSASSA-PKCS1-v1_5 over SHA-1.
#[allow(unsafe_code)]
pub(crate) fn sign_sha1(pair: &KeyPair, message: &[u8]) -> Vec<u8> {
    use aws_lc_rs::encoding::AsDer;
    let hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, message);
    // The key pair's private key as PKCS#8, parsed into an aws-lc RSA object
    // owned here (aws-lc-rs does not expose its own pointer).
    let pkcs8 = zeroize::Zeroizing::new(
        pair.as_der()
            .expect("an RSA key pair serializes to PKCS#8")
            .as_ref()
            .to_vec(),
    );
    let mut out = vec![0u8; pair.public_modulus_len()];
    let mut out_len: std::os::raw::c_uint = 0;
    // SAFETY: `cbs` borrows `pkcs8`, which outlives every use. `EVP_parse_
    // private_key` returns an owned EVP_PKEY or null (checked); the RSA pointer
    // from `EVP_PKEY_get0_RSA` is borrowed from it and used before it is freed.
    // `RSA_sign` writes at most `RSA_size` = the modulus length bytes to `out`,
    // which has exactly that length, and reports the length in `out_len`.
    let ok = unsafe {
        let mut cbs = std::mem::zeroed::<aws_lc_sys::CBS>();
        aws_lc_sys::CBS_init(&mut cbs, pkcs8.as_ptr(), pkcs8.len());
        let pkey = aws_lc_sys::EVP_parse_private_key(&mut cbs);
        assert!(!pkey.is_null(), "aws-lc re-reads its own PKCS#8 output");
        let rsa = aws_lc_sys::EVP_PKEY_get0_RSA(pkey);
        let ok = !rsa.is_null()
            && aws_lc_sys::RSA_sign(
                aws_lc_sys::NID_sha1,
                hash.as_ref().as_ptr(),
                hash.as_ref().len(),
                out.as_mut_ptr(),
                &mut out_len,
                rsa,
            ) == 1;
        aws_lc_sys::EVP_PKEY_free(pkey);
        ok
    };
    assert!(ok, "RSA_sign with SHA-1 failed on a valid key");
    out.truncate(out_len as usize);
    out
}
