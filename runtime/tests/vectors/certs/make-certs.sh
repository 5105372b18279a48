#!/usr/bin/env bash
# Test-only certificates for certificate mode, and their SNs computed with the
# openssl command line (the oracle the Rust code is tested against):
#   SN      = md5_hex(issuer DN in RFC 2253 form + decimal serial)
#   root SN = SNs of the RSA-signed certs in the root bundle, joined with `_`
# Re-runnable: keys and certificates are made only when absent.
set -euo pipefail
cd "$(dirname "$0")"
V=..

mk_root() { # name subject
  [ -f "$1.crt" ] && return
  openssl req -x509 -new -key "$2" -subj "$3" -days 36500 -sha256 -set_serial "$4" -out "$1.crt" 2>/dev/null
}
mk_leaf() { # name key issuer-crt issuer-key subject serial
  [ -f "$1.crt" ] && return
  openssl req -new -key "$2" -subj "$5" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$3" -CAkey "$4" -set_serial "$6" -days 36500 -sha256 -out "$1.crt" 2>/dev/null
  rm -f "$1.csr"
}

[ -f root_key.pem ] || openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root_key.pem
[ -f root2_key.pem ] || openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root2_key.pem
[ -f ec_key.pem ] || openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec_key.pem

mk_root root root_key.pem "/C=CN/O=Ant Financial/OU=Certification Authority/CN=Ant Financial Certification Authority Class 1 R1" 1
mk_root root2 root2_key.pem "/C=CN/O=Test Root/CN=Second RSA Root" 987654321987654321
mk_root ec_root ec_key.pem "/C=CN/O=Test Root/CN=EC Root (skipped in the root SN)" 7
mk_leaf alipay "$V/alipay_private_pkcs8.pem" root.crt root_key.pem "/C=CN/O=Alipay Test/CN=Alipay Public Key Test" 123456789012345678901234567890
mk_leaf app "$V/app_private_pkcs8.pem" root.crt root_key.pem "/C=CN/O=Merchant Test/CN=2014072300007148" 4242
mk_leaf stranger "$V/stranger_private_pkcs8.pem" root2.crt root2_key.pem "/C=CN/O=Stranger/CN=Not Alipay" 99

# The root bundle as Alipay ships it: several roots, not all RSA.
cat root.crt ec_root.crt root2.crt > alipay_root_bundle.crt

sn() {
  local issuer serial_hex
  issuer=$(openssl x509 -in "$1" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
  serial_hex=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//')
  printf '%s%s' "$issuer" "$(python3 -c "print(int('$serial_hex', 16))")" | md5sum | cut -d' ' -f1
}
printf '%s' "$(sn app.crt)" > app_cert_sn.txt
printf '%s' "$(sn alipay.crt)" > alipay_cert_sn.txt
printf '%s' "$(sn root.crt)_$(sn root2.crt)" > alipay_root_cert_sn.txt
