#!/usr/bin/env bash
# Regenerates the TEST-ONLY RSA keys, sign contents and expected signatures in
# this directory. Keys are generated only when absent, so re-running is stable:
# everything else is derived deterministically (PKCS#1 v1.5 signatures are
# deterministic). Delete *_private_pkcs8.pem to force new keys.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Strip PEM armour and join the base64 body onto one line, no trailing newline.
bare() { grep -v -- '-----' "$1" | tr -d '\r\n'; }

# ---------------------------------------------------------------- keys
# `stranger`: a third, unrelated key pair, for wrong-key tests.
for name in app alipay stranger; do
  if [ ! -f "${name}_private_pkcs8.pem" ]; then
    openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
      -out "${name}_private_pkcs8.pem"
  fi
  openssl pkey -in "${name}_private_pkcs8.pem" -traditional -out "${name}_private_pkcs1.pem"
  openssl pkey -in "${name}_private_pkcs8.pem" -pubout -out "${name}_public.pem"

  bare "${name}_private_pkcs8.pem" > "${name}_private_pkcs8.txt"
  bare "${name}_private_pkcs1.pem" > "${name}_private_pkcs1.txt"
  bare "${name}_public.pem"        > "${name}_public.txt"

  # Sanity: armour headers and bare base64 == DER of the key.
  # (Note: in OpenSSL 3.0 `openssl pkey -outform DER` writes PKCS#1 for RSA,
  # so PKCS#8 DER comes from `openssl pkcs8 -topk8 -nocrypt`.)
  grep -q -- '-----BEGIN PRIVATE KEY-----'     "${name}_private_pkcs8.pem"
  grep -q -- '-----BEGIN RSA PRIVATE KEY-----' "${name}_private_pkcs1.pem"
  grep -q -- '-----BEGIN PUBLIC KEY-----'      "${name}_public.pem"
  cmp <(base64 -d "${name}_private_pkcs8.txt") \
      <(openssl pkcs8 -topk8 -nocrypt -in "${name}_private_pkcs8.pem" -outform DER)
  cmp <(base64 -d "${name}_private_pkcs1.txt") \
      <(openssl rsa -in "${name}_private_pkcs8.pem" -traditional -outform DER 2>/dev/null)
  cmp <(base64 -d "${name}_public.txt") \
      <(openssl pkey -in "${name}_private_pkcs8.pem" -pubout -outform DER)
  [ "$(openssl pkey -in "${name}_private_pkcs8.pem" -noout -text | head -1)" \
    = "Private-Key: (2048 bit, 2 primes)" ]
done

# Truncated key: first 600 characters of the bare PKCS#8 base64.
head -c 600 app_private_pkcs8.txt > app_private_truncated.txt

# ---------------------------------------------------------------- contents
# UTF-8, no trailing newline (printf '%s', not echo).
printf '%s' 'app_id=2014072300007148&biz_content={"auth_no":"2017122810002001950287006752","out_request_no":"refund20171228254","amount":"0.01","remark":"红包退款"}&charset=utf-8&format=JSON&method=alipay.fund.coupon.order.refund&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0' > content_basic.txt
printf '%s' 'a=1&b=x&y=z%20&c=中文 值&d={"k":"v=1&w=2"}' > content_special.txt
printf '%s' '{"code":"10000","msg":"Success","amount":"0.01","auth_no":"2017122810002001950287006752","gmt_trans":"2017-12-28 10:39:25","operation_id":"20171228312616259502","out_request_no":"refund20171228254","status":"SUCCESS"}' > content_response.txt

# Notification check contents (what Alipay signs, as its Java SDK's
# getSignCheckContentV1/V2 builds them): sorted, `sign` left out (and
# `sign_type` for V1), the empty `buyer_logon_id` KEPT.
printf '%s' 'amount=0.01&app_id=2014072300007148&auth_no=2017122810002001950287006752&buyer_logon_id=&charset=utf-8&gmt_trans=2017-12-28 10:39:25&notify_id=2017122800222103925001451000538212&notify_time=2017-12-28 10:39:26&notify_type=fund_stdtrustee_refund.success&operation_id=20171228312616259502&out_request_no=refund20171228254&status=SUCCESS&version=1.0' > content_notify_empty_v1.txt
printf '%s' 'amount=0.01&app_id=2014072300007148&auth_no=2017122810002001950287006752&buyer_logon_id=&charset=utf-8&gmt_trans=2017-12-28 10:39:25&notify_id=2017122800222103925001451000538212&notify_time=2017-12-28 10:39:26&notify_type=fund_stdtrustee_refund.success&operation_id=20171228312616259502&out_request_no=refund20171228254&sign_type=RSA2&status=SUCCESS&version=1.0' > content_notify_empty_v2.txt

# A page call (alipay.trade.page.pay): the form, URL and order string all
# carry this content's signature. The subject holds `&`, quotes and a
# character reference, which the form must escape and the queries encode.
printf '%s' 'app_id=2014072300007148&biz_content={"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G & \"蓝色\" A&lt;B","product_code":"FAST_INSTANT_TRADE_PAY"}&charset=utf-8&format=JSON&method=alipay.trade.page.pay&notify_url=https://merchant.example/notify?a=1&b=2&return_url=https://merchant.example/return&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0' > content_page.txt

# ---------------------------------------------------------------- signatures
# sign <content> <rsa2|rsa> <key name>
sign() {
  local content="$1" alg="$2" key="$3" md out
  case "$alg" in
    rsa2) md=-sha256 ;;
    rsa)  md=-sha1 ;;
    *) echo "bad alg $alg" >&2; exit 1 ;;
  esac
  out="sig_${content}_${alg}_${key}.txt"

  openssl dgst "$md" -sign "${key}_private_pkcs8.pem" -out "$TMP/p8.bin" "content_${content}.txt"
  openssl dgst "$md" -sign "${key}_private_pkcs1.pem" -out "$TMP/p1.bin" "content_${content}.txt"
  # PKCS#1 v1.5 is deterministic: both key encodings must give the same bytes.
  cmp "$TMP/p8.bin" "$TMP/p1.bin"

  base64 -w0 "$TMP/p8.bin" > "$out"

  # Verify from the written base64 with the public key.
  base64 -d "$out" > "$TMP/sig.bin"
  openssl dgst "$md" -verify "${key}_public.pem" -signature "$TMP/sig.bin" \
    "content_${content}.txt" >/dev/null
  echo "ok  $out"
}

for content in basic special response; do
  for alg in rsa2 rsa; do
    sign "$content" "$alg" app
  done
done
sign response rsa2 alipay
sign response rsa  alipay
sign notify_empty_v1 rsa2 alipay
sign notify_empty_v2 rsa2 alipay
sign page rsa2 app

# Negative sanity: an app signature must NOT verify with the alipay key.
base64 -d sig_response_rsa2_app.txt > "$TMP/sig.bin"
if openssl dgst -sha256 -verify alipay_public.pem -signature "$TMP/sig.bin" \
     content_response.txt >/dev/null 2>&1; then
  echo "cross-key verification unexpectedly succeeded" >&2; exit 1
fi

echo "generated with: $(openssl version)"
