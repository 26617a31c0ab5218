/* atlwho_config.h: atlwho's trimmed mbedTLS 3.6 configuration, used through
 * MBEDTLS_CONFIG_FILE. A TLS 1.2/1.3 client and nothing else: every enabled
 * group says in one line why the client needs it. */
#ifndef ATLWHO_MBEDTLS_CONFIG_H
#define ATLWHO_MBEDTLS_CONFIG_H

/* --- platform --- */
#define MBEDTLS_HAVE_ASM                 /* bignum multiply and AES-NI in assembly */
#define MBEDTLS_HAVE_TIME                /* certificate validity needs the clock */
#define MBEDTLS_HAVE_TIME_DATE           /* validity compares calendar dates (gmtime_r) */
#define MBEDTLS_PLATFORM_C               /* mbedtls_calloc hooks, so tests can count heap */
#define MBEDTLS_PLATFORM_MEMORY          /* ditto: mbedtls_platform_set_calloc_free */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO fmt_snprintf /* atlwho's small formatter: libc's vfprintf is 12 KB */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT    /* atlwho's UTC calendar: musl's gmtime_r links time-zone code */
#include <stddef.h>
int fmt_snprintf(char *dst, size_t cap, const char *f, ...); /* src/fmt.h */
#define MBEDTLS_DEPRECATED_REMOVED       /* no compatibility shims */
#define MBEDTLS_X509_REMOVE_INFO         /* size: we print our own certificate lines, not x509_crt_info */

/* --- randomness: the kernel's getrandom(2), nothing else --- */
#define MBEDTLS_PSA_CRYPTO_C             /* TLS 1.3 in 3.6 runs on PSA */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG  /* PSA draws from atlwho's getrandom source (sys.c), not /dev/random */

/* --- symmetric ciphers: AES-GCM and ChaCha20-Poly1305, the AEADs servers offer --- */
#define MBEDTLS_CIPHER_C                 /* the TLS record layer goes through the cipher API */
#define MBEDTLS_AES_C                    /* AES-GCM suites */
#define MBEDTLS_AES_FEWER_TABLES        /* size and RAM: 6 KB less; AES-NI does the work on x86-64 */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT  /* GCM only ever encrypts blocks: no AES decryption code (-2.2 KB) or tables (-1.3 KB RAM) */
#define MBEDTLS_AESNI_C                  /* AES-NI and PCLMULQDQ on x86-64 (runtime-detected) */
#define MBEDTLS_AESCE_C                  /* ARMv8 crypto extensions on aarch64 (runtime-detected) */
#define MBEDTLS_GCM_C                    /* AES-GCM, offered by every modern server */
#define MBEDTLS_CHACHA20_C               /* ChaCha20-Poly1305: fast where there is no AES hardware */
#define MBEDTLS_POLY1305_C               /* ditto */
#define MBEDTLS_CHACHAPOLY_C             /* ditto */

/* --- hashes --- */
#define MBEDTLS_MD_C                     /* HMAC and the TLS PRF / HKDF go through md */
#define MBEDTLS_HKDF_C                   /* TLS 1.3 key schedule (PSA HKDF-Extract/Expand) */
#define MBEDTLS_SHA1_C                   /* parsing SHA-1-signed roots: without it ~32 Debian roots are silently skipped */
#define MBEDTLS_SHA224_C                 /* sha256.c is built with SHA-224: roots signed with it must parse */
#define MBEDTLS_SHA256_C                 /* TLS 1.3 SHA-256 suites, certificate signatures */
#define MBEDTLS_SHA384_C                 /* TLS AES-256-GCM-SHA384 suites, P-384 certificates */
#define MBEDTLS_SHA512_C                 /* SHA-512-signed certificates in the wild */
#define MBEDTLS_SHA256_SMALLER           /* size: -1.5 KB; hashing is not where the time goes */
#define MBEDTLS_SHA512_SMALLER           /* size: -1.4 KB; ditto */

/* --- public key: ECDHE key exchange, RSA and ECDSA signature verification --- */
#define MBEDTLS_BIGNUM_C                 /* RSA and ECC arithmetic */
#define MBEDTLS_ECP_C                    /* elliptic curves */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED /* P-256: ECDHE and the most common ECDSA certificates */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED /* P-384: ECDSA CAs (Let's Encrypt E-roots, DigiCert G3) */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED /* x25519: the key share most servers pick first */
#define MBEDTLS_ECP_NIST_OPTIM           /* fast reduction for the NIST primes */
#define MBEDTLS_ECDH_C                   /* ECDHE key exchange */
#define MBEDTLS_ECDSA_C                  /* ECDSA server signatures and certificates */
#define MBEDTLS_RSA_C                    /* RSA server signatures and certificates */
#define MBEDTLS_PKCS1_V15                /* RSA PKCS#1 v1.5 certificate signatures */
#define MBEDTLS_PKCS1_V21                /* RSA-PSS: TLS 1.3 and OpenSSL TLS 1.2 ServerKeyExchange */
#define MBEDTLS_PK_C                     /* public-key abstraction used by X.509 and TLS */
#define MBEDTLS_PK_PARSE_C               /* SubjectPublicKeyInfo and --key client keys */
#define ATLWHO_PK_RSA_NO_ENCRYPT         /* size: no RSA encryption or decryption (ECDHE only; patch 0104) */
/* No MBEDTLS_PK_PARSE_EC_EXTENDED: EC keys and certificates that spell out
 * their curve instead of naming it (RFC 5480 section 2.1.1 forbids them in
 * certificates; OpenSSL writes named curves since 1.1.0) are refused with a
 * message that says so; -1.2 KB. */
#define MBEDTLS_ASN1_PARSE_C             /* DER */
#define MBEDTLS_ASN1_WRITE_C             /* ECDSA signature conversion between PSA and TLS */
#define MBEDTLS_OID_C                    /* algorithm identifiers */

/* --- X.509 --- */
#define MBEDTLS_X509_USE_C               /* common X.509 code */
#define MBEDTLS_X509_CRT_PARSE_C         /* certificates */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT  /* PSS-signed certificates */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK /* lazy CA loading: only the issuer's certificates are parsed */
/* No MBEDTLS_PEM_PARSE_C and MBEDTLS_BASE64_C: atlwho's own PEM scanner
 * (src/pem.c) reads CA files, --cert and --key and hands mbedTLS DER; -2 KB. */

/* --- TLS client --- */
#define MBEDTLS_SSL_TLS_C                /* TLS */
#define MBEDTLS_SSL_CLI_C                /* client side only */
#define MBEDTLS_SSL_PROTO_TLS1_2         /* TLS 1.2: still most Data Center front ends */
#define MBEDTLS_SSL_PROTO_TLS1_3         /* TLS 1.3 */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED /* TLS 1.3 (EC)DHE handshakes */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE /* middlebox compatibility: corporate proxies break without it */
/* No MBEDTLS_SSL_SESSION_TICKETS: one request per run never resumes; without
 * it mbedTLS ignores TLS 1.3 NewSessionTicket messages (ssl_msg.c), -2 KB. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED /* TLS 1.2 with ECDSA certificates */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED   /* TLS 1.2 with RSA certificates */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION /* SNI: virtual hosts and CDNs need it */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET /* RFC 7627 for TLS 1.2 */
#define MBEDTLS_SSL_RENEGOTIATION        /* TLS 1.2 server-initiated (RFC 5746): Apache asks for per-location client certificates so; +0.8 KB */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* the pin and -v read the server certificate after the handshake */

/* Record buffers: a server may send full 16 KiB records, and reassembles
 * handshake messages of up to that size (a bigger one is a named limit);
 * our own handshake messages must fit the output buffer whole (mbedTLS
 * does not fragment them): a client certificate chain of up to 16 KiB. */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384 /* RFC 8446 maximum: servers are free to use it */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384 /* client chains up to 16 KiB (6 RSA-4096 certificates); +12 KiB heap */

#endif
