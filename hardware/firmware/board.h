/* ATmega328P (Arduino Uno) pins and peripherals. Pin map:
 *   D2 (PD2, INT0)   encoder A        D3 (PD3, INT1)  encoder B
 *   D11 (PB3, OC2A)  motor PWM        D4 (PD4)        motor direction
 *   D7 (PD7, PCINT23) e-stop: normally-closed to ground, internal pull-up; high = stop
 *   D0/D1            UART to the USB bridge
 * Timer1: control tick (CTC) and device clock; Timer2: 62.5 kHz PWM (inaudible). */
#ifndef TRPOEDGE_BOARD_H
#define TRPOEDGE_BOARD_H

#include <stdint.h>

void board_init(void);

/* Device time in µs since power-up (wraps every 71.6 min, as the protocol says). */
uint32_t board_micros(void);

/* Encoder count, read atomically. */
int32_t board_encoder(void);

/* Duty -255..255; sign selects the direction pin. Zero also forces the PWM pin low. */
void board_motor(int16_t duty);

/* 1 while the e-stop input reads high (pressed or wire broken). */
uint8_t board_estop_active(void);

/* Set by the Timer1 ISR every control period; board_take_tick clears it and reports overruns. */
uint8_t board_take_tick(uint8_t *overrun);

/* UART: -1 when nothing is buffered. Writes block while the TX ring is full. */
int16_t board_uart_read(void);
void board_uart_write(const uint8_t *data, uint16_t len);

#endif
