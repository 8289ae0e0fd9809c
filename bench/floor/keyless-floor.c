/*
 * keyless-floor: the least a server can do for the Keyless signing exchange our keyserver serves
 * (issue 13's floor measurement). A measuring tool, not a product: see README.md here.
 *
 *   keyless-floor --port PORT --cert server.crt --key server.key --ca ca.crt \
 *                 --sign-key demo-ecdsa-p256.key [--sign-key demo-rsa2048.key ...]
 *
 * One thread, one level-triggered epoll loop, non-blocking sockets, mutual TLS 1.3 only (client
 * certificates required and verified against --ca), listening on 127.0.0.1:PORT (0 picks a free
 * port; the ready line on stdout names it). Per request: parse the frame's items, find the key by
 * SKI, sign the payload digest with that key's pre-made EVP_PKEY_CTX, write the response with one
 * SSL_write. Ping gets pong. Nothing is allocated per request beyond what OpenSSL allocates
 * itself. At SIGTERM/SIGINT it prints its own CPU time (getrusage) per answered operation, so a
 * benchmark can cross-check what it read from /proc.
 *
 * Served: ECDSA SHA-256 (opcode 0x15) and RSA PKCS#1 v1.5 SHA-256 (0x05) by SKI (item 0x04), the
 * requests the LoadGen sends; other opcodes get "bad opcode", an unknown SKI "key not found".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

enum {
    HEADER = 8,
    ITEM_HEADER = 3,
    MAX_BODY = 65535,
    MAX_FRAME = HEADER + MAX_BODY,
    /* Room for one whole frame after any partial one, so a read never starves on a full buffer. */
    IN_CAPACITY = 2 * MAX_FRAME,
    /* Response: header, opcode item (3 + 1), payload item header; the payload follows. */
    REPLY_PAYLOAD = HEADER + ITEM_HEADER + 1 + ITEM_HEADER,
    MAX_KEYS = 8,
    MAX_EVENTS = 64,
    SKI_LENGTH = 20,
    DIGEST_LENGTH = 32,
};

enum { TAG_SKI = 0x04, TAG_OPCODE = 0x11, TAG_PAYLOAD = 0x12 };
enum {
    OP_RSA_SIGN_SHA256 = 0x05,
    OP_ECDSA_SIGN_SHA256 = 0x15,
    OP_RESPONSE = 0xF0,
    OP_PING = 0xF1,
    OP_PONG = 0xF2,
    OP_ERROR = 0xFF,
};
enum {
    ERR_CRYPTO = 0x01,
    ERR_KEY_NOT_FOUND = 0x02,
    ERR_VERSION = 0x04,
    ERR_BAD_OPCODE = 0x05,
    ERR_UNEXPECTED_OPCODE = 0x06,
    ERR_FORMAT = 0x07,
};

struct sign_key {
    unsigned char ski[SKI_LENGTH];
    int type; /* EVP_PKEY_EC or EVP_PKEY_RSA */
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *sign; /* initialised once, reused for every signature */
};

struct conn {
    int fd;
    SSL *ssl;
    int handshaken;
    int closing; /* a version mismatch makes the stream unreadable: answer it, then close */
    uint32_t events;
    size_t in_start, in_end;
    size_t out_length; /* a response SSL_write could not take yet (retried with the same buffer) */
    unsigned char out[MAX_FRAME];
    unsigned char in[IN_CAPACITY];
};

static struct sign_key keys[MAX_KEYS];
static int key_count;
static int epoll_fd;
static volatile sig_atomic_t stopping;
static unsigned long long signed_count, pong_count, error_count;

static void on_signal(int signal_number) { (void)signal_number; stopping = 1; }

static void print_openssl_errors(const char *what)
{
    fprintf(stderr, "keyless-floor: %s\n", what);
    ERR_print_errors_fp(stderr);
}

/* The SKI as the Keyless protocol defines it: SHA-1 of the subjectPublicKey bit string's contents. */
static int compute_ski(EVP_PKEY *pkey, unsigned char *ski)
{
    X509_PUBKEY *public_key = NULL;
    const unsigned char *bits;
    int bits_length;
    int ok = X509_PUBKEY_set(&public_key, pkey) == 1 &&
             X509_PUBKEY_get0_param(NULL, &bits, &bits_length, NULL, public_key) == 1 &&
             EVP_Digest(bits, (size_t)bits_length, ski, NULL, EVP_sha1(), NULL) == 1;
    X509_PUBKEY_free(public_key);
    return ok;
}

/* Signs and verifies one digest at start-up, so a wrong set-up fails before any load arrives. */
static int self_check(struct sign_key *key)
{
    unsigned char digest[DIGEST_LENGTH] = {1, 2, 3};
    unsigned char signature[1024];
    size_t length = sizeof signature;
    EVP_PKEY_CTX *verify = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    int ok = verify != NULL && EVP_PKEY_sign(key->sign, signature, &length, digest, sizeof digest) == 1 &&
             EVP_PKEY_verify_init(verify) == 1 &&
             (key->type != EVP_PKEY_RSA || EVP_PKEY_CTX_set_rsa_padding(verify, RSA_PKCS1_PADDING) == 1) &&
             EVP_PKEY_CTX_set_signature_md(verify, EVP_sha256()) == 1 &&
             EVP_PKEY_verify(verify, signature, length, digest, sizeof digest) == 1;
    EVP_PKEY_CTX_free(verify);
    return ok;
}

static int load_sign_key(const char *path)
{
    if (key_count == MAX_KEYS) {
        fprintf(stderr, "keyless-floor: at most %d --sign-key files\n", MAX_KEYS);
        return 0;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        fprintf(stderr, "keyless-floor: --sign-key %s: %s\n", path, strerror(errno));
        return 0;
    }
    struct sign_key *key = &keys[key_count];
    key->pkey = PEM_read_PrivateKey(file, NULL, NULL, NULL);
    fclose(file);
    if (key->pkey == NULL) {
        fprintf(stderr, "keyless-floor: --sign-key %s: not a PEM private key\n", path);
        return 0;
    }
    key->type = EVP_PKEY_get_base_id(key->pkey);
    if (key->type != EVP_PKEY_EC && key->type != EVP_PKEY_RSA) {
        fprintf(stderr, "keyless-floor: --sign-key %s: only EC and RSA keys are served\n", path);
        return 0;
    }
    key->sign = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (key->sign == NULL || EVP_PKEY_sign_init(key->sign) != 1 ||
        (key->type == EVP_PKEY_RSA && EVP_PKEY_CTX_set_rsa_padding(key->sign, RSA_PKCS1_PADDING) != 1) ||
        EVP_PKEY_CTX_set_signature_md(key->sign, EVP_sha256()) != 1 || !compute_ski(key->pkey, key->ski) ||
        !self_check(key)) {
        print_openssl_errors("cannot prepare a signing context for a --sign-key file");
        return 0;
    }
    key_count++;
    return 1;
}

static const struct sign_key *find_key(const unsigned char *ski)
{
    for (int i = 0; i < key_count; i++) {
        if (memcmp(keys[i].ski, ski, SKI_LENGTH) == 0) {
            return &keys[i];
        }
    }
    return NULL;
}

/* Header and items of a reply whose payload (payload_length bytes) is already at out + REPLY_PAYLOAD. */
static size_t put_reply(unsigned char *out, const unsigned char *id, unsigned char opcode, size_t payload_length)
{
    size_t body = ITEM_HEADER + 1 + ITEM_HEADER + payload_length;
    out[0] = 1;
    out[1] = 0;
    out[2] = (unsigned char)(body >> 8);
    out[3] = (unsigned char)body;
    memcpy(out + 4, id, 4);
    out[8] = TAG_OPCODE;
    out[9] = 0;
    out[10] = 1;
    out[11] = opcode;
    out[12] = TAG_PAYLOAD;
    out[13] = (unsigned char)(payload_length >> 8);
    out[14] = (unsigned char)payload_length;
    return HEADER + body;
}

static size_t put_error(unsigned char *out, const unsigned char *id, unsigned char code)
{
    error_count++;
    out[REPLY_PAYLOAD] = code;
    return put_reply(out, id, OP_ERROR, 1);
}

/* Answers one whole request frame into out; returns the response's length. */
static size_t answer(const unsigned char *frame, size_t body_length, unsigned char *out)
{
    const unsigned char *id = frame + 4;
    const unsigned char *item = frame + HEADER, *end = item + body_length;
    const unsigned char *payload = NULL, *ski = NULL;
    size_t payload_length = 0;
    int opcode = -1;
    while (item < end) {
        if (end - item < ITEM_HEADER) {
            return put_error(out, id, ERR_FORMAT);
        }
        unsigned char tag = item[0];
        size_t length = (size_t)item[1] << 8 | item[2];
        item += ITEM_HEADER;
        if (length > (size_t)(end - item)) {
            return put_error(out, id, ERR_FORMAT);
        }
        if (tag == TAG_OPCODE) {
            if (length != 1) {
                return put_error(out, id, ERR_FORMAT);
            }
            opcode = item[0];
        } else if (tag == TAG_PAYLOAD) {
            payload = item;
            payload_length = length;
        } else if (tag == TAG_SKI) {
            if (length != SKI_LENGTH) {
                return put_error(out, id, ERR_FORMAT);
            }
            ski = item;
        }
        item += length;
    }

    if (opcode == OP_PING) {
        /* A body holds the ping's payload item, so the pong (same items) fits a body too. */
        if (payload_length > 0) {
            memcpy(out + REPLY_PAYLOAD, payload, payload_length);
        }
        pong_count++;
        return put_reply(out, id, OP_PONG, payload_length);
    }
    if (opcode < 0) {
        return put_error(out, id, ERR_FORMAT);
    }
    if (opcode == OP_RESPONSE || opcode == OP_PONG || opcode == OP_ERROR) {
        return put_error(out, id, ERR_UNEXPECTED_OPCODE);
    }
    if (opcode != OP_ECDSA_SIGN_SHA256 && opcode != OP_RSA_SIGN_SHA256) {
        return put_error(out, id, ERR_BAD_OPCODE);
    }
    const struct sign_key *key = ski != NULL ? find_key(ski) : NULL;
    if (key == NULL) {
        return put_error(out, id, ERR_KEY_NOT_FOUND);
    }
    if (key->type != (opcode == OP_ECDSA_SIGN_SHA256 ? EVP_PKEY_EC : EVP_PKEY_RSA)) {
        return put_error(out, id, ERR_BAD_OPCODE);
    }
    if (payload == NULL || payload_length != DIGEST_LENGTH) {
        return put_error(out, id, ERR_FORMAT);
    }
    size_t signature_length = MAX_FRAME - REPLY_PAYLOAD;
    if (EVP_PKEY_sign(key->sign, out + REPLY_PAYLOAD, &signature_length, payload, payload_length) != 1) {
        ERR_clear_error();
        return put_error(out, id, ERR_CRYPTO);
    }
    signed_count++;
    return put_reply(out, id, OP_RESPONSE, signature_length);
}

static void close_conn(struct conn *c)
{
    SSL_free(c->ssl);
    close(c->fd); /* also leaves the epoll set */
    free(c);
}

static void want(struct conn *c, uint32_t events)
{
    if (c->events != events) {
        struct epoll_event event = {.events = events, .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &event);
        c->events = events;
    }
}

/* After an SSL call failed: wait for the socket (1) or close the connection (0). */
static int wait_for_socket(struct conn *c, int result)
{
    switch (SSL_get_error(c->ssl, result)) {
    case SSL_ERROR_WANT_READ:
        want(c, EPOLLIN);
        return 1;
    case SSL_ERROR_WANT_WRITE:
        want(c, EPOLLOUT);
        return 1;
    default:
        ERR_clear_error();
        close_conn(c);
        return 0;
    }
}

/* Writes the pending response; 1 when it went out, 0 when the connection waits or was closed. */
static int flush(struct conn *c)
{
    int written = SSL_write(c->ssl, c->out, (int)c->out_length);
    if (written > 0) {
        c->out_length = 0;
        return 1;
    }
    wait_for_socket(c, written);
    return 0;
}

/* Answers every whole frame in the input; 0 when the connection waits for a write or was closed. */
static int answer_frames(struct conn *c)
{
    while (c->in_end - c->in_start >= HEADER) {
        const unsigned char *frame = c->in + c->in_start;
        if (frame[0] != 1) {
            c->out_length = put_error(c->out, frame + 4, ERR_VERSION);
            c->closing = 1;
            return flush(c);
        }
        size_t body_length = (size_t)frame[2] << 8 | frame[3];
        if (c->in_end - c->in_start < HEADER + body_length) {
            break;
        }
        c->out_length = answer(frame, body_length, c->out);
        c->in_start += HEADER + body_length;
        if (!flush(c)) {
            return 0;
        }
    }
    return 1;
}

/*
 * Runs a connection as far as its socket allows. With read-ahead, one read() takes everything the
 * socket holds; the loop reads again only while OpenSSL still buffers records, and otherwise goes
 * back to epoll (level-triggered), so a request costs one read and no EAGAIN read.
 */
static void drive(struct conn *c)
{
    if (!c->handshaken) {
        int result = SSL_accept(c->ssl);
        if (result != 1) {
            wait_for_socket(c, result);
            return;
        }
        c->handshaken = 1;
    }
    int read_more = 1;
    for (;;) {
        if (c->out_length > 0 && !flush(c)) {
            return;
        }
        if (c->closing) {
            close_conn(c);
            return;
        }
        if (!answer_frames(c)) {
            return;
        }
        if (c->closing) {
            continue;
        }
        if (!read_more) {
            want(c, EPOLLIN);
            return;
        }
        if (c->in_start == c->in_end) {
            c->in_start = c->in_end = 0;
        } else if (IN_CAPACITY - c->in_end < MAX_FRAME) {
            memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
            c->in_end -= c->in_start;
            c->in_start = 0;
        }
        int got = SSL_read(c->ssl, c->in + c->in_end, (int)(IN_CAPACITY - c->in_end));
        if (got <= 0) {
            wait_for_socket(c, got);
            return;
        }
        c->in_end += (size_t)got;
        read_more = SSL_has_pending(c->ssl);
    }
}

static void accept_all(int listener, SSL_CTX *tls)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return; /* EAGAIN, or a transient error the next readiness retries */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        SSL *ssl = c != NULL ? SSL_new(tls) : NULL;
        if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
            SSL_free(ssl);
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->ssl = ssl;
        c->events = EPOLLIN;
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
            close_conn(c);
        }
    }
}

static SSL_CTX *make_tls(const char *cert, const char *key, const char *ca)
{
    SSL_CTX *tls = SSL_CTX_new(TLS_server_method());
    STACK_OF(X509_NAME) *client_cas = SSL_load_client_CA_file(ca);
    if (tls == NULL || client_cas == NULL || SSL_CTX_set_min_proto_version(tls, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(tls, TLS1_3_VERSION) != 1 ||
        SSL_CTX_use_certificate_chain_file(tls, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(tls) != 1 ||
        SSL_CTX_load_verify_locations(tls, ca, NULL) != 1) {
        print_openssl_errors("cannot set up TLS from --cert, --key and --ca");
        exit(2);
    }
    SSL_CTX_set_client_CA_list(tls, client_cas);
    SSL_CTX_set_verify(tls, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    /* One read() per burst instead of one for the record header and one for its body. */
    SSL_CTX_set_read_ahead(tls, 1);
    /* Clients of a key server do not resume; no tickets, no session cache. */
    SSL_CTX_set_num_tickets(tls, 0);
    SSL_CTX_set_session_cache_mode(tls, SSL_SESS_CACHE_OFF);
    return tls;
}

static int listen_on(int port)
{
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
        fprintf(stderr, "keyless-floor: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        exit(1);
    }
    printf("keyless-floor: listening on 127.0.0.1:%d (pid %d, %d signing keys)\n", ntohs(address.sin_port),
           (int)getpid(), key_count);
    fflush(stdout);
    return listener;
}

static void print_usage(void)
{
    fprintf(stderr, "usage: keyless-floor --port PORT --cert server.crt --key server.key --ca ca.crt "
                    "--sign-key KEY.pem [--sign-key KEY.pem ...]\n");
}

static void report_cpu(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double user = (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
    double system = (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    unsigned long long answered = signed_count + pong_count + error_count;
    double per_op = answered > 0 ? (user + system) * 1e6 / (double)answered : 0;
    double switches = answered > 0 ? (double)(usage.ru_nvcsw + usage.ru_nivcsw) / (double)answered : 0;
    fprintf(stderr,
            "keyless-floor: answered=%llu signed=%llu pongs=%llu errors=%llu user_s=%.3f system_s=%.3f "
            "cpu_us_per_op=%.2f voluntary_switches=%ld involuntary_switches=%ld switches_per_op=%.3f\n",
            answered, signed_count, pong_count, error_count, user, system, per_op, usage.ru_nvcsw,
            usage.ru_nivcsw, switches);
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL, *ca = NULL, *port_text = NULL;
    const char *sign_keys[MAX_KEYS + 1];
    int sign_key_count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "keyless-floor: %s needs a value\n", argv[i]);
            bad = 1;
        } else if (strcmp(argv[i], "--port") == 0) {
            port_text = argv[++i];
        } else if (strcmp(argv[i], "--cert") == 0) {
            cert = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--ca") == 0) {
            ca = argv[++i];
        } else if (strcmp(argv[i], "--sign-key") == 0) {
            if (sign_key_count <= MAX_KEYS) {
                sign_keys[sign_key_count] = argv[i + 1];
            }
            sign_key_count++;
            i++;
        } else {
            fprintf(stderr, "keyless-floor: unknown option %s\n", argv[i]);
            bad = 1;
        }
    }
    /* Every configuration error at once, then exit 2. */
    char *port_end = NULL;
    long port = port_text != NULL ? strtol(port_text, &port_end, 10) : -1;
    if (port_text == NULL || *port_text == '\0' || *port_end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "keyless-floor: --port must be 0..65535, got '%s'\n", port_text ? port_text : "");
        bad = 1;
    }
    const char *names[] = {"--cert", "--key", "--ca"};
    const char *values[] = {cert, key, ca};
    for (int i = 0; i < 3; i++) {
        if (values[i] == NULL) {
            fprintf(stderr, "keyless-floor: %s is required\n", names[i]);
            bad = 1;
        }
    }
    if (sign_key_count == 0 || sign_key_count > MAX_KEYS) {
        fprintf(stderr, "keyless-floor: give 1..%d --sign-key files, got %d\n", MAX_KEYS, sign_key_count);
        bad = 1;
    }
    for (int i = 0; i < sign_key_count && i < MAX_KEYS; i++) {
        bad |= !load_sign_key(sign_keys[i]);
    }
    if (bad) {
        print_usage();
        return 2;
    }

    SSL_CTX *tls = make_tls(cert, key, ca);
    struct sigaction action = {.sa_handler = on_signal}; /* no SA_RESTART: epoll_wait returns EINTR */
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    int listener = listen_on((int)port);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event) != 0) {
        fprintf(stderr, "keyless-floor: epoll: %s\n", strerror(errno));
        return 1;
    }

    struct epoll_event events[MAX_EVENTS];
    while (!stopping) {
        int ready = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
        for (int i = 0; i < ready; i++) {
            if (events[i].data.ptr == NULL) {
                accept_all(listener, tls);
            } else {
                drive(events[i].data.ptr);
            }
        }
    }
    report_cpu();
    return 0;
}
