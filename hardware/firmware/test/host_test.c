/* Host build of the firmware codec, checked against the byte-exact examples in
 * hardware/PROTOCOL.md (the same lines the C# tests read): encode each documented message and
 * compare byte for byte, decode each example and compare the fields, then show that damaged
 * frames are dropped. Usage: host_test path/to/PROTOCOL.md */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../protocol/cobs.h"
#include "../protocol/crc32c.h"
#include "../protocol/wire.h"

#define MAX_EXAMPLES 16

typedef struct { char name[32]; uint8_t bytes[WIRE_MAX_WIRE]; size_t len; } example_t;

static example_t examples[MAX_EXAMPLES];
static int n_examples, failures, checks;

#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void load(const char *path)
{
    char line[2048];
    FILE *f = fopen(path, "r");
    if (!f) { printf("cannot open %s\n", path); exit(2); }
    while (fgets(line, sizeof line, f)) {
        char *eq, *p;
        example_t *e;
        if (strncmp(line, "example-", 8) != 0 || !(eq = strstr(line, " = "))) continue;
        if (n_examples == MAX_EXAMPLES) { printf("too many examples\n"); exit(2); }
        e = &examples[n_examples++];
        memcpy(e->name, line + 8, (size_t)(eq - line - 8));
        e->name[eq - line - 8] = 0;
        for (p = eq + 3; *p && *p != '\n';) {
            char *end;
            unsigned long v = strtoul(p, &end, 16);
            if (end == p) break;
            e->bytes[e->len++] = (uint8_t)v;
            p = end;
        }
    }
    fclose(f);
}

static const example_t *get(const char *name)
{
    int i;
    for (i = 0; i < n_examples; i++) if (strcmp(examples[i].name, name) == 0) return &examples[i];
    printf("FAIL: PROTOCOL.md has no example-%s\n", name);
    exit(1);
}

static void check_bytes(const char *name, const uint8_t *got, size_t n)
{
    const example_t *e = get(name);
    int same = n == e->len && memcmp(got, e->bytes, n) == 0;
    CHECK(same, "encoding %s differs from PROTOCOL.md (%zu vs %zu bytes)", name, n, e->len);
}

/* Feeds an example through a fresh decoder; returns the frame or NULL. */
static const uint8_t *decode(wire_decoder_t *d, const char *name, size_t *len)
{
    const example_t *e = get(name);
    size_t i;
    int got = 0;
    wire_decoder_init(d);
    for (i = 0; i < e->len; i++) got += wire_decoder_push(d, e->bytes[i]);
    CHECK(got == 1, "example-%s did not decode to exactly one frame", name);
    *len = d->frame_len;
    return got == 1 ? d->frame : NULL;
}

int main(int argc, char **argv)
{
    uint8_t out[WIRE_MAX_WIRE];
    wire_decoder_t d;
    const uint8_t *f;
    size_t len, i;

    if (argc != 2) { printf("usage: %s PROTOCOL.md\n", argv[0]); return 2; }
    load(argv[1]);
    CHECK(n_examples == 7, "expected 7 examples in PROTOCOL.md, found %d", n_examples);
    CHECK(crc32c((const uint8_t *)"123456789", 9) == 0xE3069283UL, "CRC-32C check value");

    { /* HELLO */
        wire_hello_t m = { 1, 42 }, r;
        check_bytes("hello", out, wire_encode_hello(&m, 0, out));
        f = decode(&d, "hello", &len);
        CHECK(f && wire_frame_seq(f) == 0 && wire_parse_hello(f, len, &r) && r.version == 1 && r.seed == 42, "hello fields");
    }
    { /* HANDSHAKE */
        wire_handshake_t m, r;
        memset(&m, 0, sizeof m);
        m.version = 1; m.obs_dim = 3; m.act_dim = 1; m.period_us = 20000; m.watchdog_ms = 100;
        m.angle_limit = INFINITY; m.velocity_limit = 40.0f; m.act_low[0] = -2.0f; m.act_high[0] = 2.0f;
        m.id_len = 15; memcpy(m.id, "direct-drive-01", 15);
        check_bytes("handshake", out, wire_encode_handshake(&m, 0, out));
        f = decode(&d, "handshake", &len);
        CHECK(f && wire_parse_handshake(f, len, &r) && r.obs_dim == 3 && r.act_dim == 1 && r.period_us == 20000
              && r.watchdog_ms == 100 && isinf(r.angle_limit) && r.velocity_limit == 40.0f && r.act_low[0] == -2.0f
              && r.act_high[0] == 2.0f && r.id_len == 15 && memcmp(r.id, "direct-drive-01", 15) == 0, "handshake fields");
    }
    { /* STATE, twice */
        wire_state_t m = { 1234567UL, 0, 0, -9.5f, 3, { -1.0f, 0.0f, 0.25f } }, r;
        check_bytes("state", out, wire_encode_state(&m, 1, out));
        f = decode(&d, "state", &len);
        CHECK(f && wire_frame_seq(f) == 1 && wire_parse_state(f, len, &r) && r.time_us == 1234567UL && r.ack_seq == 0
              && r.flags == 0 && r.reward == -9.5f && r.obs_dim == 3 && r.obs[0] == -1.0f && r.obs[1] == 0.0f
              && r.obs[2] == 0.25f, "state fields");
        m.time_us = 1334567UL; m.ack_seq = 1; m.flags = WIRE_FLAG_WATCHDOG | WIRE_FLAG_CLIPPED;
        check_bytes("state-watchdog", out, wire_encode_state(&m, 6, out));
        f = decode(&d, "state-watchdog", &len);
        CHECK(f && wire_frame_seq(f) == 6 && wire_parse_state(f, len, &r) && r.flags == 0x09 && r.ack_seq == 1, "state-watchdog fields");
    }
    { /* ACTION */
        wire_action_t m = { 1, 1, { -1.5f } }, r;
        check_bytes("action", out, wire_encode_action(&m, 1, out));
        f = decode(&d, "action", &len);
        CHECK(f && wire_parse_action(f, len, &r) && r.state_seq == 1 && r.act_dim == 1 && r.cmd[0] == -1.5f, "action fields");
        CHECK(f && !wire_parse_state(f, len, (wire_state_t *)out), "an ACTION frame must not parse as a STATE");
    }
    { /* STOP */
        wire_stop_t m = { 0 }, r = { 9 };
        check_bytes("stop", out, wire_encode_stop(&m, 2, out));
        f = decode(&d, "stop", &len);
        CHECK(f && wire_frame_seq(f) == 2 && wire_parse_stop(f, len, &r) && r.reason == 0, "stop fields");
    }
    { /* FAULT */
        wire_fault_t m, r;
        m.code = WIRE_FAULT_WATCHDOG; m.detail_len = 20; memcpy(m.detail, "no ACTION for 100 ms", 20);
        check_bytes("fault", out, wire_encode_fault(&m, 7, out));
        f = decode(&d, "fault", &len);
        CHECK(f && wire_frame_seq(f) == 7 && wire_parse_fault(f, len, &r) && r.code == 1 && r.detail_len == 20
              && memcmp(r.detail, "no ACTION for 100 ms", 20) == 0, "fault fields");
    }
    { /* every single-bit flip of the ACTION example is dropped, and the decoder recovers */
        const example_t *e = get("action");
        size_t bit, k;
        int decoded = 0;
        wire_decoder_init(&d);
        for (bit = 0; bit < e->len * 8; bit++) {
            uint8_t bad[WIRE_MAX_WIRE];
            memcpy(bad, e->bytes, e->len);
            bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            for (k = 0; k < e->len; k++) decoded += wire_decoder_push(&d, bad[k]);
            decoded += wire_decoder_push(&d, 0);
        }
        CHECK(decoded == 0, "%d bit-flipped ACTION frames decoded", decoded);
        CHECK(d.crc_errors + d.framing_errors + d.malformed + d.bad_version >= e->len * 8, "every flip counted (a flip to 0x00 splits a frame in two)");
        for (k = 0; k < e->len; k++) decoded += wire_decoder_push(&d, e->bytes[k]);
        CHECK(decoded == 1, "the intact frame after the damaged ones decodes");
    }
    { /* garbage without a delimiter overflows, is counted once, and the next frame decodes */
        const example_t *e = get("stop");
        int decoded = 0;
        wire_decoder_init(&d);
        for (i = 0; i < 100000; i++) decoded += wire_decoder_push(&d, (uint8_t)(1 + i % 251));
        decoded += wire_decoder_push(&d, 0);
        for (i = 0; i < e->len; i++) decoded += wire_decoder_push(&d, e->bytes[i]);
        CHECK(decoded == 1 && d.oversize == 1, "oversize garbage then a frame");
    }
    { /* in-place COBS encoding of a 254-byte frame (one full block) equals out-of-place */
        uint8_t a[WIRE_MAX_WIRE], b[WIRE_MAX_WIRE];
        size_t na, nb;
        for (i = 0; i < WIRE_MAX_FRAME; i++) a[2 + i] = b[i] = (uint8_t)(1 + i % 255);
        na = cobs_encode(a + 2, WIRE_MAX_FRAME, a);
        nb = cobs_encode(b, WIRE_MAX_FRAME, out);
        CHECK(na == nb && na == WIRE_MAX_ENCODED && memcmp(a, out, na) == 0, "in-place COBS");
    }

    printf("%s: %d checks, %d failures, %d examples from %s\n", failures ? "FAILED" : "OK", checks, failures, n_examples, argv[1]);
    return failures ? 1 : 0;
}
