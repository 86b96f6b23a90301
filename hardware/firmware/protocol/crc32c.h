/* CRC-32C (Castagnoli), reflected poly 0x82F63B78, init/xorout 0xFFFFFFFF;
 * check("123456789") = 0xE3069283. See hardware/PROTOCOL.md for why not CRC-16. */
#ifndef TRPOEDGE_CRC32C_H
#define TRPOEDGE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(const uint8_t *data, size_t len);

#endif
