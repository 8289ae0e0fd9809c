/*
 * engine-probe: drives the keylessgeo engine through OpenSSL's own API, the way a TLS server
 * does, for the two things nginx cannot show on its own (tests/KeylessGeo.EdgeTls.Tests,
 * EngineProbeTests):
 *
 *   engine-probe fork ENGINE SOCKET RSA_CERT EC_CERT
 *     The parent loads the engine and both keys (starting the .NET runtime), then forks, as
 *     nginx's master does. The child allocates heavily through the engine (failing key loads,
 *     each building managed error strings, enough for many garbage collections), prints its
 *     resident set before and after, then signs with both keys and verifies the signatures.
 *
 *   engine-probe decrypt ENGINE SOCKET RSA_CERT
 *     TLS 1.2 RSA key exchange through EVP (RSA_PKCS1_WITH_TLS_PADDING): a well-formed
 *     premaster comes back intact; a block with bad padding comes back as success with 48
 *     random bytes, different each time (no padding oracle).
 *
 * Prints "ok ..." lines and exits 0, or prints the failure and exits 1.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

static int fail(const char *what)
{
    printf("FAIL %s\n", what);
    ERR_print_errors_fp(stdout);
    return 1;
}

static ENGINE *load_engine(const char *so_path, const char *socket_path)
{
    ENGINE *e;
    ENGINE_load_dynamic();
    e = ENGINE_by_id("dynamic");
    if (e == NULL
        || !ENGINE_ctrl_cmd_string(e, "SO_PATH", so_path, 0)
        || !ENGINE_ctrl_cmd_string(e, "LIST_ADD", "2", 0)
        || !ENGINE_ctrl_cmd_string(e, "LOAD", NULL, 0)
        || !ENGINE_ctrl_cmd_string(e, "SOCKET_PATH", socket_path, 0)
        || !ENGINE_ctrl_cmd_string(e, "DEADLINE_MS", "10000", 0)
        || !ENGINE_init(e))
        return NULL;
    return e;
}

static EVP_PKEY *certificate_key(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x;
    EVP_PKEY *k;
    if (f == NULL)
        return NULL;
    x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (x == NULL)
        return NULL;
    k = X509_get_pubkey(x);
    X509_free(x);
    return k;
}

static long resident_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    return kib;
}

/* Signs "probe" with SHA-256 (PSS when pss is set) and verifies it with the certificate's key. */
static int sign_and_verify(EVP_PKEY *key, EVP_PKEY *pub, int pss)
{
    unsigned char sig[1024];
    size_t siglen = sizeof(sig);
    const unsigned char msg[] = "probe";
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    int ok = EVP_DigestSignInit(m, &p, EVP_sha256(), NULL, key) == 1
        && (!pss || (EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1
                     && EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_DIGEST) == 1))
        && EVP_DigestSign(m, sig, &siglen, msg, sizeof(msg)) == 1;
    EVP_MD_CTX_free(m);
    if (!ok)
        return 0;
    m = EVP_MD_CTX_new();
    p = NULL;
    ok = EVP_DigestVerifyInit(m, &p, EVP_sha256(), NULL, pub) == 1
        && (!pss || (EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1
                     && EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_DIGEST) == 1))
        && EVP_DigestVerify(m, sig, siglen, msg, sizeof(msg)) == 1;
    EVP_MD_CTX_free(m);
    return ok;
}

static int probe_fork(ENGINE *e, const char *rsa_cert, const char *ec_cert, long rounds)
{
    EVP_PKEY *rsa = ENGINE_load_private_key(e, rsa_cert, NULL, NULL);
    EVP_PKEY *ec = ENGINE_load_private_key(e, ec_cert, NULL, NULL);
    EVP_PKEY *rsa_pub = certificate_key(rsa_cert), *ec_pub = certificate_key(ec_cert);
    pid_t child;
    int status;
    if (rsa == NULL || ec == NULL || rsa_pub == NULL || ec_pub == NULL)
        return fail("loading the keys in the parent");

    child = fork();
    if (child == 0) {
        long before = resident_kib(), after, i;
        for (i = 0; i < rounds; i++) {
            if (ENGINE_load_private_key(e, "/nonexistent/keylessgeo-probe.pem", NULL, NULL) != NULL)
                _exit(fail("a key loaded from a missing file"));
            ERR_clear_error();
        }
        after = resident_kib();
        if (!sign_and_verify(ec, ec_pub, 0) || !sign_and_verify(rsa, rsa_pub, 1) || !sign_and_verify(rsa, rsa_pub, 0))
            _exit(fail("signing in the forked child"));
        printf("ok child rounds=%ld rss_before_kib=%ld rss_after_kib=%ld\n", rounds, before, after);
        fflush(stdout);
        _exit(0);
    }
    if (child < 0 || waitpid(child, &status, 0) != child)
        return fail("fork");
    return WIFEXITED(status) ? WEXITSTATUS(status) : fail("the child crashed");
}

/* Legacy (engine) keys take a modulus-sized output buffer; the answer is 48 bytes. */
static int decrypt_tls(EVP_PKEY *key, const unsigned char *in, size_t inlen, unsigned char *out)
{
    unsigned char buffer[512];
    size_t outlen = sizeof(buffer);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(key, NULL);
    int ok = c != NULL && EVP_PKEY_decrypt_init(c) == 1
        && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_WITH_TLS_PADDING) == 1
        && EVP_PKEY_decrypt(c, buffer, &outlen, in, inlen) == 1 && outlen == 48;
    EVP_PKEY_CTX_free(c);
    memcpy(out, buffer, 48);
    return ok;
}

static int encrypt(EVP_PKEY *pub, int padding, const unsigned char *in, size_t inlen, unsigned char *out, size_t *outlen)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pub, NULL);
    int ok = c != NULL && EVP_PKEY_encrypt_init(c) == 1 && EVP_PKEY_CTX_set_rsa_padding(c, padding) == 1
        && EVP_PKEY_encrypt(c, out, outlen, in, inlen) == 1;
    EVP_PKEY_CTX_free(c);
    return ok;
}

static int probe_decrypt(ENGINE *e, const char *rsa_cert)
{
    EVP_PKEY *key = ENGINE_load_private_key(e, rsa_cert, NULL, NULL);
    EVP_PKEY *pub = certificate_key(rsa_cert);
    unsigned char premaster[48], block[512], ct[512], first[48], second[48];
    size_t ctlen = sizeof(ct), n;
    if (key == NULL || pub == NULL)
        return fail("loading the RSA key");
    n = (size_t)EVP_PKEY_get_size(pub);

    premaster[0] = 3;
    premaster[1] = 3;
    RAND_bytes(premaster + 2, 46);
    if (!encrypt(pub, RSA_PKCS1_PADDING, premaster, 48, ct, &ctlen) || !decrypt_tls(key, ct, ctlen, first))
        return fail("decrypting a well-formed premaster");
    if (memcmp(first, premaster, 48) != 0)
        return fail("the premaster came back changed");
    printf("ok premaster decrypted\n");

    /* A block without PKCS#1 type 2 padding (leading 00 01), encrypted raw. */
    memset(block, 0xAB, n);
    block[0] = 0;
    block[1] = 1;
    ctlen = sizeof(ct);
    if (!encrypt(pub, RSA_NO_PADDING, block, n, ct, &ctlen))
        return fail("encrypting the bad block");
    if (!decrypt_tls(key, ct, ctlen, first) || !decrypt_tls(key, ct, ctlen, second))
        return fail("a bad block was reported as an error: that is a padding oracle");
    if (memcmp(first, second, 48) == 0 || memcmp(first, block + n - 48, 48) == 0)
        return fail("a bad block did not come back as fresh random bytes");
    printf("ok bad padding answered with random bytes\n");
    return 0;
}

int main(int argc, char **argv)
{
    ENGINE *e;
    if (argc < 5)
        return fail("usage: engine-probe fork|decrypt ENGINE SOCKET RSA_CERT [EC_CERT ROUNDS]");
    e = load_engine(argv[2], argv[3]);
    if (e == NULL)
        return fail("loading the engine");
    if (strcmp(argv[1], "fork") == 0 && argc == 7)
        return probe_fork(e, argv[4], argv[5], strtol(argv[6], NULL, 10));
    if (strcmp(argv[1], "decrypt") == 0)
        return probe_decrypt(e, argv[4]);
    return fail("unknown mode");
}
