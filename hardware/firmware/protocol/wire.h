/* TrpoEdge rig wire protocol v1 (hardware/PROTOCOL.md): message structs, encoders, parsers and a
 * streaming decoder. Portable C99 (the AVR firmware and the host test build the same file),
 * no allocation, little-endian on the wire whatever the CPU. */
#ifndef TRPOEDGE_WIRE_H
#define TRPOEDGE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION 1
#define WIRE_HEADER_LEN 3
#define WIRE_CRC_LEN 4
#define WIRE_MAX_FRAME 254                 /* before COBS: header + payload + CRC */
#define WIRE_MAX_ENCODED 255               /* COBS_MAX_ENCODED(WIRE_MAX_FRAME) */
#define WIRE_MAX_WIRE 256                  /* encoded + delimiter: size every output buffer so */
#define WIRE_MAX_OBS 16
#define WIRE_MAX_ACT 8
#define WIRE_MAX_RIG_ID 32
#define WIRE_MAX_DETAIL 64

enum wire_type {
    WIRE_HELLO = 1, WIRE_HANDSHAKE = 2, WIRE_STATE = 3, WIRE_ACTION = 4, WIRE_STOP = 5, WIRE_FAULT = 6
};

enum wire_flag {
    WIRE_FLAG_WATCHDOG = 1 << 0, WIRE_FLAG_ESTOP = 1 << 1, WIRE_FLAG_LIMIT = 1 << 2,
    WIRE_FLAG_CLIPPED = 1 << 3, WIRE_FLAG_LATE = 1 << 4, WIRE_FLAG_OVERRUN = 1 << 5,
    WIRE_FLAG_TRUNCATED = 1 << 6
};

enum wire_fault_code {
    WIRE_FAULT_WATCHDOG = 1, WIRE_FAULT_ESTOP = 2, WIRE_FAULT_LIMIT = 3, WIRE_FAULT_VERSION = 4,
    WIRE_FAULT_BAD_ACTION = 5, WIRE_FAULT_OVERRUN = 6, WIRE_FAULT_NOT_READY = 7
};

typedef struct { uint8_t version; uint32_t seed; } wire_hello_t;

typedef struct {
    uint8_t version, obs_dim, act_dim;
    uint32_t period_us;
    uint16_t watchdog_ms;
    float angle_limit, velocity_limit;
    float act_low[WIRE_MAX_ACT], act_high[WIRE_MAX_ACT];
    uint8_t id_len;
    char id[WIRE_MAX_RIG_ID];
} wire_handshake_t;

typedef struct {
    uint32_t time_us;
    uint16_t ack_seq;
    uint8_t flags;
    float reward;
    uint8_t obs_dim;
    float obs[WIRE_MAX_OBS];
} wire_state_t;

typedef struct { uint16_t state_seq; uint8_t act_dim; float cmd[WIRE_MAX_ACT]; } wire_action_t;

typedef struct { uint8_t reason; } wire_stop_t;

typedef struct { uint8_t code, detail_len; char detail[WIRE_MAX_DETAIL]; } wire_fault_t;

/* Encoders: write the complete wire form (COBS frame + 0x00) into out (WIRE_MAX_WIRE bytes) and
 * return its length, or 0 when a count is out of range. */
size_t wire_encode_hello(const wire_hello_t *m, uint16_t seq, uint8_t *out);
size_t wire_encode_handshake(const wire_handshake_t *m, uint16_t seq, uint8_t *out);
size_t wire_encode_state(const wire_state_t *m, uint16_t seq, uint8_t *out);
size_t wire_encode_action(const wire_action_t *m, uint16_t seq, uint8_t *out);
size_t wire_encode_stop(const wire_stop_t *m, uint16_t seq, uint8_t *out);
size_t wire_encode_fault(const wire_fault_t *m, uint16_t seq, uint8_t *out);

/* Streaming decoder. Push bytes one at a time (from the UART ISR's ring buffer); a return of 1
 * means a frame that passed COBS, CRC, version, type and length checks is in frame[0..frame_len)
 * until the next push. Every other chunk is dropped and counted. 255 + a few bytes of RAM:
 * COBS is decoded in place. */
typedef struct {
    uint8_t buf[WIRE_MAX_ENCODED];
    uint16_t count;
    uint8_t overflow;
    uint8_t frame_len;
    const uint8_t *frame;
    uint32_t decoded, crc_errors, framing_errors, oversize, malformed, bad_version;
} wire_decoder_t;

void wire_decoder_init(wire_decoder_t *d);
int wire_decoder_push(wire_decoder_t *d, uint8_t byte);

uint8_t wire_frame_type(const uint8_t *frame);
uint16_t wire_frame_seq(const uint8_t *frame);

/* Parsers for a frame the decoder accepted: return 1 when the frame is of that type. */
int wire_parse_hello(const uint8_t *frame, size_t len, wire_hello_t *m);
int wire_parse_handshake(const uint8_t *frame, size_t len, wire_handshake_t *m);
int wire_parse_state(const uint8_t *frame, size_t len, wire_state_t *m);
int wire_parse_action(const uint8_t *frame, size_t len, wire_action_t *m);
int wire_parse_stop(const uint8_t *frame, size_t len, wire_stop_t *m);
int wire_parse_fault(const uint8_t *frame, size_t len, wire_fault_t *m);

#endif
