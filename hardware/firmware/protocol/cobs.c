#include "cobs.h"

size_t cobs_encode(const uint8_t *src, size_t len, uint8_t *dst)
{
    size_t code_at = 0, w = 1, i;
    uint8_t code = 1;
    for (i = 0; i < len; i++) {
        uint8_t b = src[i];
        if (b != 0) {
            dst[w++] = b;
            code++;
        }
        if (b == 0 || code == 0xFF) {
            dst[code_at] = code;
            code = 1;
            code_at = w;
            /* a full block that ends the input gets no trailing code byte (canonical COBS) */
            if (b == 0 || i + 1 < len) w++;
        }
    }
    if (code_at < w) dst[code_at] = code;
    return w;
}

int cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t *out_len)
{
    size_t r = 0, w = 0;
    while (r < len) {
        uint8_t code = src[r++];
        size_t run, k;
        if (code == 0) return -1;
        run = (size_t)code - 1;
        if (run > len - r || run > cap - w) return -1;
        for (k = 0; k < run; k++) {
            uint8_t b = src[r++];
            if (b == 0) return -1;
            dst[w++] = b;
        }
        if (code != 0xFF && r < len) {
            if (w >= cap) return -1;
            dst[w++] = 0;
        }
    }
    *out_len = w;
    return 0;
}
