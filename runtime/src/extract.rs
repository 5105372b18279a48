//! Splitting a raw gateway response body into the part the signature covers
//! and the signature itself.
//!
//! An Alipay gateway answers with a JSON object such as
//!
//! ```text
//! {"alipay_fund_coupon_order_refund_response":{"code":"10000","msg":"Success"},"sign":"BASE64","alipay_cert_sn":"..."}
//! ```
//!
//! The signature covers the exact raw bytes of the value of the top-level key
//! `<method with dots replaced by underscores>_response` (or, when that key is
//! absent, of `error_response`): from its `{` to the matching `}`, or, for an
//! encrypted response whose value is a JSON string, from its opening `"` to its
//! closing `"`, quotes included. That text must never be re-serialised, so
//! [`extract`] finds it with a small JSON scanner that walks the members of the
//! top-level object and skips each value as one complete JSON value (strings
//! and their escapes, nested objects and arrays, numbers, literals), and hands
//! back borrowed slices of the body.
//!
//! Only top-level keys count: a `"sign"` or `"..._response"` nested in the data,
//! or inside a string, is never picked up. A body in which the chosen response
//! key, `sign` or `alipay_cert_sn` appears more than once at top level is
//! rejected, so that a second node spliced next to the signed one cannot be
//! smuggled past verification.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

/// The fallback node the gateway uses when it could not even route the call.
const ERROR_RESPONSE_KEY: &str = "error_response";
/// The top-level key holding the signature.
const SIGN_KEY: &str = "sign";
/// The top-level key holding the serial number of the certificate that signed.
const CERT_SN_KEY: &str = "alipay_cert_sn";
/// The longest excerpt of the body quoted in an error message, in chars.
const EXCERPT_CHARS: usize = 80;

/// The parts of a response body needed to verify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSpan<'a> {
    /// Which key held the node: the method's `<method>_response` key, or
    /// `error_response`.
    ///
    /// This is the key as written in the body, between its quotes. Keys are
    /// compared after decoding their escapes, so in the (never seen in
    /// practice) case where the gateway spelled the key with escapes, this is
    /// the escaped spelling.
    pub key: &'a str,
    /// The exact raw text of the node's value: what the signature covers.
    ///
    /// Either an object (`{` … `}`) or, for an encrypted response, a JSON
    /// string with both of its quotes.
    pub content: &'a str,
    /// The top-level `sign` value, unescaped (None if absent).
    pub sign: Option<String>,
    /// The top-level `alipay_cert_sn` value, unescaped (None if absent).
    pub cert_sn: Option<String>,
}

/// Why a body could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtractError {
    /// The body (after leading whitespace) does not start with `{`: it is
    /// empty, or some other JSON value, or not JSON at all (an HTML error page,
    /// say).
    NotAnObject {
        /// The start of the body after leading whitespace, at most about 80
        /// chars.
        excerpt: String,
    },
    /// The body is not well-formed JSON.
    Malformed {
        /// Byte offset in the body where the problem was found.
        offset: usize,
        /// What was wrong there.
        reason: &'static str,
        /// The body from `offset` on, at most about 80 chars (empty at the end
        /// of the body).
        excerpt: String,
    },
    /// Neither the method's response key nor `error_response` is a top-level
    /// key of the body.
    MissingNode {
        /// The method's response key that was looked for, e.g.
        /// `alipay_trade_pay_response`.
        expected: String,
    },
    /// A top-level key that must be unique (the chosen response key, `sign` or
    /// `alipay_cert_sn`) appears more than once: the body may have been spliced.
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// Byte offset of its second occurrence (the key's opening quote).
        offset: usize,
    },
    /// The value of the response node is neither a JSON object nor a JSON
    /// string.
    NodeNotObjectOrString {
        /// The key holding the node.
        key: String,
        /// Byte offset of the value.
        offset: usize,
        /// The value's start, at most about 80 chars.
        excerpt: String,
    },
    /// The value of `sign` or `alipay_cert_sn` is not a JSON string.
    NotAString {
        /// `sign` or `alipay_cert_sn`.
        key: &'static str,
        /// Byte offset of the value.
        offset: usize,
        /// The value's start, at most about 80 chars.
        excerpt: String,
    },
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::NotAnObject { excerpt } if excerpt.is_empty() => {
                f.write_str("response body is empty, expected a JSON object")
            }
            ExtractError::NotAnObject { excerpt } => {
                write!(
                    f,
                    "response body is not a JSON object: it starts with {excerpt:?}"
                )
            }
            ExtractError::Malformed {
                offset,
                reason,
                excerpt,
            } if excerpt.is_empty() => {
                write!(
                    f,
                    "malformed JSON in response body at byte {offset} (end of body): {reason}"
                )
            }
            ExtractError::Malformed {
                offset,
                reason,
                excerpt,
            } => write!(
                f,
                "malformed JSON in response body at byte {offset}: {reason}, near {excerpt:?}"
            ),
            ExtractError::MissingNode { expected } => write!(
                f,
                "response body has neither a top-level `{expected}` key nor a top-level \
                 `{ERROR_RESPONSE_KEY}` key"
            ),
            ExtractError::DuplicateKey { key, offset } => write!(
                f,
                "top-level key `{key}` appears more than once in the response body (again at \
                 byte {offset}); refusing a possibly spliced body"
            ),
            ExtractError::NodeNotObjectOrString {
                key,
                offset,
                excerpt,
            } => write!(
                f,
                "value of top-level `{key}` at byte {offset} is neither a JSON object nor a \
                 string: {excerpt:?}"
            ),
            ExtractError::NotAString {
                key,
                offset,
                excerpt,
            } => write!(
                f,
                "value of top-level `{key}` at byte {offset} is not a JSON string: {excerpt:?}"
            ),
        }
    }
}

impl Error for ExtractError {}

/// Splits a gateway response `body` into the signed node and its signature.
///
/// `method` is like `alipay.fund.coupon.order.refund`; the node looked for is
/// the top-level key `alipay_fund_coupon_order_refund_response`, or
/// `error_response` when that key is absent.
///
/// The whole body is checked to be one well-formed JSON object (whitespace
/// may follow it, nothing else). The node's value must be an object or a
/// string; `sign` and `alipay_cert_sn`, when present, must be strings. The
/// chosen node key, `sign` and `alipay_cert_sn` must each appear at most once
/// at top level.
///
/// # Errors
///
/// [`ExtractError::NotAnObject`] or [`ExtractError::Malformed`] if the body is
/// not one well-formed JSON object; [`ExtractError::MissingNode`] if neither
/// node is present; [`ExtractError::DuplicateKey`] if the chosen node, `sign`
/// or `alipay_cert_sn` is repeated at top level;
/// [`ExtractError::NodeNotObjectOrString`] or [`ExtractError::NotAString`] if a
/// value has the wrong type; [`ExtractError::Malformed`] also if `sign` or
/// `alipay_cert_sn` holds an unpaired UTF-16 surrogate escape.
///
/// ```text
/// let body = r#"{"alipay_trade_pay_response":{"code":"10000"},"sign":"c2ln"}"#;
/// let span = extract(body, "alipay.trade.pay")?;
/// assert_eq!(span.content, r#"{"code":"10000"}"#);
/// assert_eq!(span.sign.as_deref(), Some("c2ln"));
/// ```
pub fn extract<'a>(body: &'a str, method: &str) -> Result<SignedSpan<'a>, ExtractError> {
    let method_key = format!("{}_response", method.replace('.', "_"));
    let members = top_level_members(body)?;

    let mut method_node = Seen::default();
    let mut error_node = Seen::default();
    let mut sign = Seen::default();
    let mut cert_sn = Seen::default();
    for member in &members {
        // A key whose escapes do not decode (an unpaired surrogate) cannot
        // name any of the keys looked for.
        let Some(name) = member.name(body) else {
            continue;
        };
        let slot = if name == method_key {
            &mut method_node
        } else if name == ERROR_RESPONSE_KEY {
            &mut error_node
        } else if name == SIGN_KEY {
            &mut sign
        } else if name == CERT_SN_KEY {
            &mut cert_sn
        } else {
            continue;
        };
        slot.record(member);
    }

    let chosen = if method_node.first.is_some() {
        method_node
    } else {
        error_node
    };
    let Some(node_member) = chosen.unique(body)? else {
        return Err(ExtractError::MissingNode {
            expected: method_key,
        });
    };
    let sign_member = sign.unique(body)?;
    let cert_sn_member = cert_sn.unique(body)?;

    let content = node_member.value(body);
    if !content.starts_with(['{', '"']) {
        return Err(ExtractError::NodeNotObjectOrString {
            key: node_member.raw_key(body).to_owned(),
            offset: node_member.value_start,
            excerpt: excerpt(body, node_member.value_start),
        });
    }

    Ok(SignedSpan {
        key: node_member.raw_key(body),
        content,
        sign: sign_member
            .map(|m| string_value(body, m, SIGN_KEY))
            .transpose()?,
        cert_sn: cert_sn_member
            .map(|m| string_value(body, m, CERT_SN_KEY))
            .transpose()?,
    })
}

/// One member of the top-level object, as byte ranges of the body.
#[derive(Debug, Clone, Copy)]
struct Member {
    /// Offset of the key's opening quote.
    key_start: usize,
    /// Offset just past the key's closing quote.
    key_end: usize,
    /// Whether the key contains a backslash escape.
    key_escaped: bool,
    /// Offset of the value's first byte.
    value_start: usize,
    /// Offset just past the value's last byte.
    value_end: usize,
}

impl Member {
    /// The key as written, without its quotes.
    fn raw_key<'a>(&self, body: &'a str) -> &'a str {
        &body[self.key_start + 1..self.key_end - 1]
    }

    /// The decoded key, or `None` if its escapes do not decode.
    fn name<'a>(&self, body: &'a str) -> Option<Cow<'a, str>> {
        let raw = self.raw_key(body);
        if self.key_escaped {
            unescape(raw).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(raw))
        }
    }

    /// The raw text of the value.
    fn value<'a>(&self, body: &'a str) -> &'a str {
        &body[self.value_start..self.value_end]
    }
}

/// The occurrences of one top-level key of interest.
#[derive(Debug, Default)]
struct Seen {
    /// Its first occurrence.
    first: Option<Member>,
    /// Where its second occurrence starts, if any.
    again_at: Option<usize>,
}

impl Seen {
    /// Notes one more occurrence.
    fn record(&mut self, member: &Member) {
        if self.first.is_none() {
            self.first = Some(*member);
        } else if self.again_at.is_none() {
            self.again_at = Some(member.key_start);
        }
    }

    /// The single occurrence, `None` if there is none, an error if there are
    /// several.
    fn unique(self, body: &str) -> Result<Option<Member>, ExtractError> {
        match (self.first, self.again_at) {
            (Some(first), Some(offset)) => Err(ExtractError::DuplicateKey {
                key: first.raw_key(body).to_owned(),
                offset,
            }),
            (first, _) => Ok(first),
        }
    }
}

/// Decodes a top-level value that must be a JSON string.
fn string_value(body: &str, member: Member, key: &'static str) -> Result<String, ExtractError> {
    let raw = member.value(body);
    if !raw.starts_with('"') {
        return Err(ExtractError::NotAString {
            key,
            offset: member.value_start,
            excerpt: excerpt(body, member.value_start),
        });
    }
    // The scanner has checked the string, so it ends with its closing quote.
    let inner = &raw[1..raw.len() - 1];
    unescape(inner).map_err(|(at, reason)| {
        let offset = member.value_start + 1 + at;
        ExtractError::Malformed {
            offset,
            reason,
            excerpt: excerpt(body, offset),
        }
    })
}

/// Decodes the escapes of the text between a JSON string's quotes, which the
/// scanner has already checked to be well-formed. Fails, with the offset of
/// the escape within `inner`, on an unpaired UTF-16 surrogate.
fn unescape(inner: &str) -> Result<String, (usize, &'static str)> {
    const UNPAIRED: &str = "unpaired UTF-16 surrogate in a \\u escape";
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut pos = 0;
    while let Some(found) = inner[pos..].find('\\') {
        let at = pos + found;
        out.push_str(&inner[pos..at]);
        let escape = bytes.get(at + 1).copied();
        pos = at + 2;
        let decoded = match escape {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = hex4(inner, at + 2).ok_or((at, "invalid \\u escape"))?;
                pos = at + 6;
                let code = match high {
                    0xD800..=0xDBFF => {
                        let low = inner[pos..]
                            .strip_prefix("\\u")
                            .and_then(|_| hex4(inner, pos + 2))
                            .filter(|low| (0xDC00..=0xDFFF).contains(low))
                            .ok_or((at, UNPAIRED))?;
                        pos += 6;
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err((at, UNPAIRED)),
                    _ => u32::from(high),
                };
                char::from_u32(code).ok_or((at, UNPAIRED))?
            }
            _ => return Err((at, "invalid escape sequence")),
        };
        out.push(decoded);
    }
    out.push_str(&inner[pos..]);
    Ok(out)
}

/// The four hex digits at `at` in `text`, as a number.
fn hex4(text: &str, at: usize) -> Option<u16> {
    let digits = text.get(at..at + 4)?;
    if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        u16::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// At most [`EXCERPT_CHARS`] chars of `body` from `offset` (moved back to a
/// char boundary), with `…` when cut.
fn excerpt(body: &str, offset: usize) -> String {
    let mut start = offset.min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let rest = &body[start..];
    match rest.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &rest[..cut]),
        None => rest.to_owned(),
    }
}

/// Scans the whole body as one JSON object followed only by whitespace, and
/// returns its members in order.
fn top_level_members(body: &str) -> Result<Vec<Member>, ExtractError> {
    let mut scanner = Scanner {
        body,
        bytes: body.as_bytes(),
        pos: 0,
    };
    scanner.skip_whitespace();
    if scanner.peek() != Some(b'{') {
        return Err(ExtractError::NotAnObject {
            excerpt: excerpt(body, scanner.pos),
        });
    }
    scanner.pos += 1;
    scanner.skip_whitespace();

    let mut members = Vec::new();
    if scanner.peek() == Some(b'}') {
        scanner.pos += 1;
    } else {
        loop {
            scanner.skip_whitespace();
            let key_start = scanner.pos;
            let (key_escaped, key_end) = scanner.key()?;
            scanner.skip_whitespace();
            let value_start = scanner.pos;
            scanner.value()?;
            members.push(Member {
                key_start,
                key_end,
                key_escaped,
                value_start,
                value_end: scanner.pos,
            });
            scanner.skip_whitespace();
            match scanner.peek() {
                Some(b',') => scanner.pos += 1,
                Some(b'}') => {
                    scanner.pos += 1;
                    break;
                }
                _ => {
                    return Err(scanner
                        .malformed(scanner.pos, "expected ',' or '}' after an object member"));
                }
            }
        }
    }

    scanner.skip_whitespace();
    if scanner.pos < body.len() {
        return Err(scanner.malformed(scanner.pos, "unexpected data after the top-level object"));
    }
    Ok(members)
}

/// A cursor over the body that recognises JSON tokens.
struct Scanner<'a> {
    /// The whole body, for excerpts.
    body: &'a str,
    /// The body's bytes; every token boundary is an ASCII byte, so every
    /// offset the scanner stops at is a char boundary.
    bytes: &'a [u8],
    /// The current offset.
    pos: usize,
}

impl Scanner<'_> {
    /// The byte at the cursor.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// A [`ExtractError::Malformed`] at `offset`.
    fn malformed(&self, offset: usize, reason: &'static str) -> ExtractError {
        ExtractError::Malformed {
            offset,
            reason,
            excerpt: excerpt(self.body, offset),
        }
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Scans an object key and the `:` after it (with whitespace between);
    /// returns whether the key contains escapes and the offset just past its
    /// closing quote.
    fn key(&mut self) -> Result<(bool, usize), ExtractError> {
        if self.peek() != Some(b'"') {
            return Err(self.malformed(self.pos, "expected a string key"));
        }
        let escaped = self.string()?;
        let end = self.pos;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.malformed(self.pos, "expected ':' after an object key"));
        }
        self.pos += 1;
        Ok((escaped, end))
    }

    /// Scans a string starting at its opening quote; returns whether it
    /// contains escapes.
    fn string(&mut self) -> Result<bool, ExtractError> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.malformed(start, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    match self.bytes.get(self.pos + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 2;
                        }
                        Some(b'u') => {
                            let digits = self.bytes.get(self.pos + 2..self.pos + 6);
                            if digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit)) {
                                self.pos += 6;
                            } else {
                                return Err(self.malformed(
                                    self.pos,
                                    "invalid \\u escape: expected four hex digits",
                                ));
                            }
                        }
                        None => return Err(self.malformed(start, "unterminated string")),
                        Some(_) => {
                            return Err(self.malformed(self.pos, "invalid escape sequence"));
                        }
                    }
                }
                Some(0x00..=0x1F) => {
                    return Err(self.malformed(self.pos, "unescaped control character in a string"));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Skips ASCII digits.
    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// Requires at least one ASCII digit, then skips them all.
    fn required_digits(&mut self, reason: &'static str) -> Result<(), ExtractError> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.malformed(self.pos, reason));
        }
        self.digits();
        Ok(())
    }

    /// Scans a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), ExtractError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.malformed(self.pos, "invalid number: expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits("invalid number: expected a digit after '.'")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.required_digits("invalid number: expected a digit in the exponent")?;
        }
        Ok(())
    }

    /// Scans the literal `word` (`true`, `false` or `null`).
    fn literal(&mut self, word: &[u8]) -> Result<(), ExtractError> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.malformed(self.pos, "invalid literal: expected true, false or null"))
        }
    }

    /// Skips one complete JSON value starting at the cursor (no leading
    /// whitespace), leaving the cursor just past its last byte.
    ///
    /// Iterative, with an explicit stack of open containers, so that deeply
    /// nested input cannot overflow the call stack.
    fn value(&mut self) -> Result<(), ExtractError> {
        // The closing byte of each open container, innermost last.
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value starts here.
            self.skip_whitespace();
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        self.key()?;
                        open.push(b'}');
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(b']');
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(self.malformed(self.pos, "expected a JSON value")),
            }
            // A value ended: close containers until another value is due.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if close == b'}' {
                            self.skip_whitespace();
                            self.key()?;
                        }
                        break;
                    }
                    Some(b) if b == close => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ if close == b'}' => {
                        return Err(
                            self.malformed(self.pos, "expected ',' or '}' after an object member")
                        );
                    }
                    _ => {
                        return Err(
                            self.malformed(self.pos, "expected ',' or ']' after an array element")
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHOD: &str = "alipay.fund.coupon.order.refund";
    const KEY: &str = "alipay_fund_coupon_order_refund_response";

    /// Extracts, expecting success.
    fn ok(body: &str) -> SignedSpan<'_> {
        match extract(body, METHOD) {
            Ok(span) => span,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    /// Extracts, expecting failure.
    fn err(body: &str) -> ExtractError {
        match extract(body, METHOD) {
            Ok(span) => panic!("unexpected success: {span:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn plain_success_body() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000","msg":"Success","amount":"8.88"},"sign":"QUJD","alipay_cert_sn":"abc123"}"#;
        let span = ok(body);
        assert_eq!(span.key, KEY);
        assert_eq!(
            span.content,
            r#"{"code":"10000","msg":"Success","amount":"8.88"}"#
        );
        assert_eq!(span.sign.as_deref(), Some("QUJD"));
        assert_eq!(span.cert_sn.as_deref(), Some("abc123"));
    }

    #[test]
    fn braces_and_quotes_inside_strings() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000","remark":"a}b{\"c\"","x":"\\"},"sign":"S"}"#;
        let span = ok(body);
        assert_eq!(
            span.content,
            r#"{"code":"10000","remark":"a}b{\"c\"","x":"\\"}"#
        );
        assert_eq!(span.sign.as_deref(), Some("S"));
    }

    #[test]
    fn escaped_slash_kept_raw_in_content() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"url":"https:\/\/example.com\/a"},"sign":"a\/b+c="}"#;
        let span = ok(body);
        assert_eq!(span.content, r#"{"url":"https:\/\/example.com\/a"}"#);
        assert_eq!(span.sign.as_deref(), Some("a/b+c="));
    }

    #[test]
    fn pretty_printed_body() {
        let body = "\r\n  {\n  \"alipay_fund_coupon_order_refund_response\" :\t{\n    \"code\" : \"10000\",\n    \"list\" : [ 1 , -2.5e+3 , true , false , null , { } , [ ] ]\n  }\n  ,\n  \"sign\"\n  :\n  \"S\"\n}\n\n";
        let span = ok(body);
        assert_eq!(
            span.content,
            "{\n    \"code\" : \"10000\",\n    \"list\" : [ 1 , -2.5e+3 , true , false , null , { } , [ ] ]\n  }"
        );
        assert_eq!(span.sign.as_deref(), Some("S"));
    }

    #[test]
    fn error_response_fallback() {
        let body = r#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"},"sign":"E"}"#;
        let span = ok(body);
        assert_eq!(span.key, "error_response");
        assert_eq!(
            span.content,
            r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}"#
        );
        assert_eq!(span.sign.as_deref(), Some("E"));
        assert_eq!(span.cert_sn, None);
    }

    #[test]
    fn method_node_preferred_over_error_response() {
        let body = r#"{"error_response":{"code":"40004"},"alipay_fund_coupon_order_refund_response":{"code":"10000"},"sign":"S"}"#;
        let span = ok(body);
        assert_eq!(span.key, KEY);
        assert_eq!(span.content, r#"{"code":"10000"}"#);
    }

    #[test]
    fn duplicate_error_response_ignored_when_method_node_present() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000"},"error_response":{},"error_response":{}}"#;
        assert_eq!(ok(body).content, r#"{"code":"10000"}"#);
    }

    #[test]
    fn encrypted_string_value_includes_quotes() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":"p8Xq+\/AbC==","sign":"S"}"#;
        let span = ok(body);
        assert_eq!(span.content, r#""p8Xq+\/AbC==""#);
    }

    #[test]
    fn nested_sign_and_node_keys_ignored() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"sign":"FAKE","note":"\"sign\":\"FAKE2\"","inner":{"sign":"FAKE3","error_response":{}},"arr":[{"sign":"FAKE4"}]},"other":{"sign":"FAKE5","alipay_fund_coupon_order_refund_response":{}},"sign":"REAL"}"#;
        let span = ok(body);
        assert_eq!(
            span.content,
            r#"{"sign":"FAKE","note":"\"sign\":\"FAKE2\"","inner":{"sign":"FAKE3","error_response":{}},"arr":[{"sign":"FAKE4"}]}"#
        );
        assert_eq!(span.sign.as_deref(), Some("REAL"));
    }

    #[test]
    fn sign_before_node() {
        let body = r#"{"sign":"FIRST","alipay_cert_sn":"sn","alipay_fund_coupon_order_refund_response":{"code":"10000"}}"#;
        let span = ok(body);
        assert_eq!(span.content, r#"{"code":"10000"}"#);
        assert_eq!(span.sign.as_deref(), Some("FIRST"));
        assert_eq!(span.cert_sn.as_deref(), Some("sn"));
    }

    #[test]
    fn spliced_second_node_rejected() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000"},"sign":"S","alipay_fund_coupon_order_refund_response":{"code":"10000","amount":"9999"}}"#;
        let second = body.rfind("\"alipay_fund").unwrap();
        assert_eq!(
            err(body),
            ExtractError::DuplicateKey {
                key: KEY.to_owned(),
                offset: second
            }
        );
    }

    #[test]
    fn duplicate_error_response_rejected() {
        let body = r#"{"error_response":{"code":"40004"},"error_response":{"code":"10000"}}"#;
        assert!(
            matches!(err(body), ExtractError::DuplicateKey { key, .. } if key == "error_response")
        );
    }

    #[test]
    fn duplicate_sign_rejected() {
        let body = r#"{"sign":"A","alipay_fund_coupon_order_refund_response":{},"sign":"B"}"#;
        assert!(matches!(err(body), ExtractError::DuplicateKey { key, .. } if key == "sign"));
    }

    #[test]
    fn missing_node_names_expected_keys() {
        let body = r#"{"alipay_trade_pay_response":{"code":"10000"},"sign":"S"}"#;
        let e = err(body);
        assert_eq!(
            e,
            ExtractError::MissingNode {
                expected: KEY.to_owned()
            }
        );
        let message = e.to_string();
        assert!(message.contains(KEY), "{message}");
        assert!(message.contains("error_response"), "{message}");
    }

    #[test]
    fn unterminated_string_reports_offset() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000}"#;
        let e = err(body);
        assert_eq!(
            e,
            ExtractError::Malformed {
                offset: 52,
                reason: "unterminated string",
                excerpt: "\"10000}".to_owned(),
            }
        );
        assert!(e.to_string().contains("byte 52"), "{e}");
    }

    #[test]
    fn trailing_garbage_reports_offset() {
        let body = "{\"alipay_fund_coupon_order_refund_response\":{},\"sign\":\"S\"} \n x";
        let e = err(body);
        assert_eq!(
            e,
            ExtractError::Malformed {
                offset: body.len() - 1,
                reason: "unexpected data after the top-level object",
                excerpt: "x".to_owned(),
            }
        );
        // Trailing whitespace alone is fine.
        let fine = "{\"alipay_fund_coupon_order_refund_response\":{}}\r\n\t ";
        assert_eq!(ok(fine).content, "{}");
    }

    #[test]
    fn other_malformed_json_rejected() {
        for (body, reason) in [
            (r#"{"a":1,}"#, "expected a string key"),
            (r#"{"a" 1}"#, "expected ':' after an object key"),
            (
                r#"{"a":[1 2]}"#,
                "expected ',' or ']' after an array element",
            ),
            (
                r#"{"a":{"b":1"c":2}}"#,
                "expected ',' or '}' after an object member",
            ),
            (r#"{"a":01}"#, "expected ',' or '}' after an object member"),
            (r#"{"a":1.}"#, "invalid number: expected a digit after '.'"),
            (
                r#"{"a":tru}"#,
                "invalid literal: expected true, false or null",
            ),
            (r#"{"a":"\x"}"#, "invalid escape sequence"),
            (
                r#"{"a":"\u12G4"}"#,
                "invalid \\u escape: expected four hex digits",
            ),
            (
                "{\"a\":\"line\nbreak\"}",
                "unescaped control character in a string",
            ),
            (r#"{"a":}"#, "expected a JSON value"),
            (r#"{"a":[1,2"#, "expected ',' or ']' after an array element"),
        ] {
            match extract(body, METHOD) {
                Err(ExtractError::Malformed { reason: got, .. }) => {
                    assert_eq!(got, reason, "body {body:?}");
                }
                other => panic!("body {body:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn not_an_object() {
        assert_eq!(
            err("  <html>502 Bad Gateway</html>"),
            ExtractError::NotAnObject {
                excerpt: "<html>502 Bad Gateway</html>".to_owned()
            }
        );
        assert_eq!(
            err(""),
            ExtractError::NotAnObject {
                excerpt: String::new()
            }
        );
        assert!(matches!(err("[{}]"), ExtractError::NotAnObject { .. }));
        assert!(matches!(err("{}"), ExtractError::MissingNode { .. }));
    }

    #[test]
    fn node_that_is_not_object_or_string_rejected() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":[1,2],"sign":"S"}"#;
        assert_eq!(
            err(body),
            ExtractError::NodeNotObjectOrString {
                key: KEY.to_owned(),
                offset: body.find('[').unwrap(),
                excerpt: r#"[1,2],"sign":"S"}"#.to_owned(),
            }
        );
    }

    #[test]
    fn sign_that_is_not_a_string_rejected() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{},"sign":123}"#;
        assert!(matches!(
            err(body),
            ExtractError::NotAString { key: "sign", .. }
        ));
        let body = r#"{"alipay_fund_coupon_order_refund_response":{},"alipay_cert_sn":null}"#;
        assert!(matches!(
            err(body),
            ExtractError::NotAString {
                key: "alipay_cert_sn",
                ..
            }
        ));
    }

    #[test]
    fn chinese_content() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"code":"10000","msg":"成功","name":"张三（测试）}"},"sign":"S","alipay_cert_sn":"证书"}"#;
        let span = ok(body);
        assert_eq!(
            span.content,
            r#"{"code":"10000","msg":"成功","name":"张三（测试）}"}"#
        );
        assert_eq!(span.cert_sn.as_deref(), Some("证书"));
    }

    #[test]
    fn unicode_escapes_in_sign() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{"msg":"\u6210\u529f"},"sign":"A\u002BB\u003d\ud83d\ude00\u6210\n\"\\\/","alipay_cert_sn":"\u0041"}"#;
        let span = ok(body);
        assert_eq!(span.content, r#"{"msg":"\u6210\u529f"}"#);
        assert_eq!(span.sign.as_deref(), Some("A+B=😀成\n\"\\/"));
        assert_eq!(span.cert_sn.as_deref(), Some("A"));
    }

    #[test]
    fn unpaired_surrogate_in_sign_rejected() {
        let body = r#"{"alipay_fund_coupon_order_refund_response":{},"sign":"ab\ud83dx"}"#;
        let offset = body.find("\\ud83d").unwrap();
        assert!(matches!(
            err(body),
            ExtractError::Malformed { offset: o, .. } if o == offset
        ));
    }

    #[test]
    fn escaped_key_compared_decoded() {
        let body =
            r#"{"alipay_fund_coupon_order_refund\u005fresponse":{"code":"10000"},"si\u0067n":"S"}"#;
        let span = ok(body);
        assert_eq!(span.key, r"alipay_fund_coupon_order_refund\u005fresponse");
        assert_eq!(span.content, r#"{"code":"10000"}"#);
        assert_eq!(span.sign.as_deref(), Some("S"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!("{{\"{KEY}\":{{\"deep\":{inner}}}}}");
        let span = ok(&body);
        assert_eq!(span.content, format!("{{\"deep\":{inner}}}"));
    }

    #[test]
    fn excerpt_is_short_and_cut_on_char_boundary() {
        let body = format!("{}{}", "成".repeat(200), "x");
        let e = err(&body);
        let ExtractError::NotAnObject { excerpt } = &e else {
            panic!("unexpected {e:?}");
        };
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.ends_with('…'));
        assert!(!e.to_string().contains('\n'));
    }
}
