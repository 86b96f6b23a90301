/* COBS framing (hardware/PROTOCOL.md, "Framing"). Portable C99, no allocation. */
#ifndef TRPOEDGE_COBS_H
#define TRPOEDGE_COBS_H

#include <stddef.h>
#include <stdint.h>

/* Exact worst-case encoded length of n bytes (no delimiter). */
#define COBS_MAX_ENCODED(n) ((n) == 0 ? 1 : (n) + ((n) + 253) / 254)

/* Encodes src[0..len) into dst (canonical COBS, no delimiter); returns bytes written.
 * dst may start up to two bytes before src (in-place encoding of frames up to 254 bytes). */
size_t cobs_encode(const uint8_t *src, size_t len, uint8_t *dst);

/* Decodes src[0..len) into dst (capacity cap). Returns 0 and sets *out_len, or -1 for input no
 * encoder produces (a zero inside, a code running past the end) or output over cap.
 * dst may equal src (in-place decoding: the output never overtakes the input). */
int cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len);

#endif
