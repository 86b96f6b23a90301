#include "wire.h"

#include <string.h>

#include "cobs.h"
#include "crc32c.h"

static void put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void put_f32(uint8_t *p, float f) { uint32_t u; memcpy(&u, &f, 4); put_u32(p, u); }
static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (uint16_t)p[1] << 8); }
static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static float get_f32(const uint8_t *p) { uint32_t u = get_u32(p); float f; memcpy(&f, &u, 4); return f; }

/* The raw frame is built at out + 2 and COBS-encoded in place to out (see cobs.h), so one
 * WIRE_MAX_WIRE buffer is all the firmware needs for sending. */
#define RAW(out) ((out) + 2)

static size_t finish(uint8_t *out, uint8_t type, uint16_t seq, size_t payload_len)
{
    uint8_t *raw = RAW(out);
    size_t body = WIRE_HEADER_LEN + payload_len, n;
    raw[0] = (uint8_t)(WIRE_VERSION << 4 | type);
    put_u16(raw + 1, seq);
    put_u32(raw + body, crc32c(raw, body));
    n = cobs_encode(raw, body + WIRE_CRC_LEN, out);
    out[n] = 0;
    return n + 1;
}

size_t wire_encode_hello(const wire_hello_t *m, uint16_t seq, uint8_t *out)
{
    uint8_t *p = RAW(out) + WIRE_HEADER_LEN;
    p[0] = m->version;
    put_u32(p + 1, m->seed);
    return finish(out, WIRE_HELLO, seq, 5);
}

size_t wire_encode_handshake(const wire_handshake_t *m, uint16_t seq, uint8_t *out)
{
    uint8_t *p = RAW(out) + WIRE_HEADER_LEN;
    size_t o = 17, i;
    if (m->obs_dim < 1 || m->obs_dim > WIRE_MAX_OBS || m->act_dim < 1 || m->act_dim > WIRE_MAX_ACT
        || m->id_len < 1 || m->id_len > WIRE_MAX_RIG_ID)
        return 0;
    p[0] = m->version; p[1] = m->obs_dim; p[2] = m->act_dim;
    put_u32(p + 3, m->period_us);
    put_u16(p + 7, m->watchdog_ms);
    put_f32(p + 9, m->angle_limit);
    put_f32(p + 13, m->velocity_limit);
    for (i = 0; i < m->act_dim; i++, o += 8) {
        put_f32(p + o, m->act_low[i]);
        put_f32(p + o + 4, m->act_high[i]);
    }
    p[o] = m->id_len;
    memcpy(p + o + 1, m->id, m->id_len);
    return finish(out, WIRE_HANDSHAKE, seq, o + 1 + m->id_len);
}

size_t wire_encode_state(const wire_state_t *m, uint16_t seq, uint8_t *out)
{
    uint8_t *p = RAW(out) + WIRE_HEADER_LEN;
    size_t i;
    if (m->obs_dim < 1 || m->obs_dim > WIRE_MAX_OBS) return 0;
    put_u32(p, m->time_us);
    put_u16(p + 4, m->ack_seq);
    p[6] = m->flags;
    put_f32(p + 7, m->reward);
    p[11] = m->obs_dim;
    for (i = 0; i < m->obs_dim; i++) put_f32(p + 12 + 4 * i, m->obs[i]);
    return finish(out, WIRE_STATE, seq, 12 + 4 * (size_t)m->obs_dim);
}

size_t wire_encode_action(const wire_action_t *m, uint16_t seq, uint8_t *out)
{
    uint8_t *p = RAW(out) + WIRE_HEADER_LEN;
    size_t i;
    if (m->act_dim < 1 || m->act_dim > WIRE_MAX_ACT) return 0;
    put_u16(p, m->state_seq);
    p[2] = m->act_dim;
    for (i = 0; i < m->act_dim; i++) put_f32(p + 3 + 4 * i, m->cmd[i]);
    return finish(out, WIRE_ACTION, seq, 3 + 4 * (size_t)m->act_dim);
}

size_t wire_encode_stop(const wire_stop_t *m, uint16_t seq, uint8_t *out)
{
    RAW(out)[WIRE_HEADER_LEN] = m->reason;
    return finish(out, WIRE_STOP, seq, 1);
}

size_t wire_encode_fault(const wire_fault_t *m, uint16_t seq, uint8_t *out)
{
    uint8_t *p = RAW(out) + WIRE_HEADER_LEN;
    if (m->detail_len > WIRE_MAX_DETAIL) return 0;
    p[0] = m->code;
    p[1] = m->detail_len;
    memcpy(p + 2, m->detail, m->detail_len);
    return finish(out, WIRE_FAULT, seq, 2 + (size_t)m->detail_len);
}

/* Exact payload length check per type: a frame is handed out only if its parser cannot misread it. */
static int well_formed(uint8_t type, const uint8_t *p, size_t n)
{
    switch (type) {
    case WIRE_HELLO: return n == 5;
    case WIRE_HANDSHAKE: {
        size_t id_at;
        if (n < 17 + 8 + 2) return 0;
        if (p[1] < 1 || p[1] > WIRE_MAX_OBS || p[2] < 1 || p[2] > WIRE_MAX_ACT) return 0;
        id_at = 17 + 8 * (size_t)p[2];
        if (n <= id_at) return 0;
        return p[id_at] >= 1 && p[id_at] <= WIRE_MAX_RIG_ID && n == id_at + 1 + p[id_at];
    }
    case WIRE_STATE: return n >= 12 && p[11] >= 1 && p[11] <= WIRE_MAX_OBS && n == 12 + 4 * (size_t)p[11];
    case WIRE_ACTION: return n >= 3 && p[2] >= 1 && p[2] <= WIRE_MAX_ACT && n == 3 + 4 * (size_t)p[2];
    case WIRE_STOP: return n == 1;
    case WIRE_FAULT: return n >= 2 && p[1] <= WIRE_MAX_DETAIL && n == 2 + (size_t)p[1];
    default: return 0;
    }
}

void wire_decoder_init(wire_decoder_t *d) { memset(d, 0, sizeof *d); }

int wire_decoder_push(wire_decoder_t *d, uint8_t byte)
{
    size_t len, body;
    if (byte != 0) {
        if (d->count < sizeof d->buf) d->buf[d->count++] = byte;
        else d->overflow = 1;
        return 0;
    }
    len = d->count;
    d->count = 0;
    if (d->overflow) { d->overflow = 0; d->oversize++; return 0; }
    if (len == 0) return 0; /* idle line */
    if (cobs_decode(d->buf, len, d->buf, sizeof d->buf, &len) != 0 || len < WIRE_HEADER_LEN + WIRE_CRC_LEN) {
        d->framing_errors++;
        return 0;
    }
    body = len - WIRE_CRC_LEN;
    if (get_u32(d->buf + body) != crc32c(d->buf, body)) { d->crc_errors++; return 0; }
    if (d->buf[0] >> 4 != WIRE_VERSION) { d->bad_version++; return 0; }
    if (!well_formed(d->buf[0] & 0x0F, d->buf + WIRE_HEADER_LEN, body - WIRE_HEADER_LEN)) { d->malformed++; return 0; }
    d->decoded++;
    d->frame = d->buf;
    d->frame_len = (uint8_t)len;
    return 1;
}

uint8_t wire_frame_type(const uint8_t *frame) { return frame[0] & 0x0F; }
uint16_t wire_frame_seq(const uint8_t *frame) { return get_u16(frame + 1); }

#define PAYLOAD(frame) ((frame) + WIRE_HEADER_LEN)
#define PAYLOAD_LEN(len) ((len) < WIRE_HEADER_LEN + WIRE_CRC_LEN ? (size_t)0 : (len) - WIRE_HEADER_LEN - WIRE_CRC_LEN)

int wire_parse_hello(const uint8_t *frame, size_t len, wire_hello_t *m)
{
    const uint8_t *p = PAYLOAD(frame);
    if (wire_frame_type(frame) != WIRE_HELLO || len != WIRE_HEADER_LEN + 5 + WIRE_CRC_LEN) return 0;
    m->version = p[0];
    m->seed = get_u32(p + 1);
    return 1;
}

int wire_parse_handshake(const uint8_t *frame, size_t len, wire_handshake_t *m)
{
    const uint8_t *p = PAYLOAD(frame);
    size_t i, o = 17;
    if (wire_frame_type(frame) != WIRE_HANDSHAKE || !well_formed(WIRE_HANDSHAKE, p, PAYLOAD_LEN(len))) return 0;
    m->version = p[0]; m->obs_dim = p[1]; m->act_dim = p[2];
    m->period_us = get_u32(p + 3);
    m->watchdog_ms = get_u16(p + 7);
    m->angle_limit = get_f32(p + 9);
    m->velocity_limit = get_f32(p + 13);
    for (i = 0; i < m->act_dim; i++, o += 8) {
        m->act_low[i] = get_f32(p + o);
        m->act_high[i] = get_f32(p + o + 4);
    }
    m->id_len = p[o];
    memcpy(m->id, p + o + 1, m->id_len);
    return 1;
}

int wire_parse_state(const uint8_t *frame, size_t len, wire_state_t *m)
{
    const uint8_t *p = PAYLOAD(frame);
    size_t i;
    if (wire_frame_type(frame) != WIRE_STATE || !well_formed(WIRE_STATE, p, PAYLOAD_LEN(len))) return 0;
    m->time_us = get_u32(p);
    m->ack_seq = get_u16(p + 4);
    m->flags = p[6];
    m->reward = get_f32(p + 7);
    m->obs_dim = p[11];
    for (i = 0; i < m->obs_dim; i++) m->obs[i] = get_f32(p + 12 + 4 * i);
    return 1;
}

int wire_parse_action(const uint8_t *frame, size_t len, wire_action_t *m)
{
    const uint8_t *p = PAYLOAD(frame);
    size_t i;
    if (wire_frame_type(frame) != WIRE_ACTION || !well_formed(WIRE_ACTION, p, PAYLOAD_LEN(len))) return 0;
    m->state_seq = get_u16(p);
    m->act_dim = p[2];
    for (i = 0; i < m->act_dim; i++) m->cmd[i] = get_f32(p + 3 + 4 * i);
    return 1;
}

int wire_parse_stop(const uint8_t *frame, size_t len, wire_stop_t *m)
{
    if (wire_frame_type(frame) != WIRE_STOP || len != WIRE_HEADER_LEN + 1 + WIRE_CRC_LEN) return 0;
    m->reason = PAYLOAD(frame)[0];
    return 1;
}

int wire_parse_fault(const uint8_t *frame, size_t len, wire_fault_t *m)
{
    const uint8_t *p = PAYLOAD(frame);
    if (wire_frame_type(frame) != WIRE_FAULT || !well_formed(WIRE_FAULT, p, PAYLOAD_LEN(len))) return 0;
    m->code = p[0];
    m->detail_len = p[1];
    memcpy(m->detail, p + 2, m->detail_len);
    return 1;
}
