#include "board.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

#include "rig_config.h"

#define BAUD RIG_BAUD
/* 115200 from 16 MHz is 2.1 % fast with U2X (117 647 baud), as on every Arduino Uno; the USB
 * bridge and PC UARTs accept up to ~3 %, setbaud.h's default tolerance is 2 %. */
#define BAUD_TOL 3
#include <util/setbaud.h>

/* Timer1 counts at F_CPU / 8 (2 counts per us) when the period fits 16 bits, else at F_CPU / 64
 * (4 us per count): 50 ms is 12 500 counts. */
#if CONTROL_PERIOD_US * 2UL <= 65536UL
#define TIMER1_PRESCALE_BITS _BV(CS11)
#define TIMER1_COUNT(us) ((us) * 2UL)
#define TIMER1_US(counts) ((uint32_t)(counts) / 2U)
#else
#define TIMER1_PRESCALE_BITS (_BV(CS11) | _BV(CS10))
#define TIMER1_COUNT(us) ((us) / 4UL)
#define TIMER1_US(counts) ((uint32_t)(counts) * 4U)
#endif
#if TIMER1_COUNT(CONTROL_PERIOD_US) > 65536UL
#error "CONTROL_PERIOD_US too long for Timer1 at prescaler 64 (max 262 ms)"
#endif
#define TIMER1_TOP ((uint16_t)(TIMER1_COUNT(CONTROL_PERIOD_US) - 1))

static volatile int32_t encoder_count;
static volatile uint8_t encoder_state;
static volatile uint32_t tick_count;
static volatile uint8_t tick_pending, tick_overrun;

#define RX_SIZE 64   /* powers of two: index wrap is a mask */
#define TX_SIZE 128
static volatile uint8_t rx_buf[RX_SIZE], tx_buf[TX_SIZE];
static volatile uint8_t rx_head, rx_tail, tx_head, tx_tail;

void board_init(void)
{
    /* motor off first: direction and PWM pins low, then outputs */
    PORTB &= (uint8_t)~_BV(PB3);
    PORTD &= (uint8_t)~_BV(PD4);
    DDRB |= _BV(PB3);
    DDRD |= _BV(PD4);
    /* encoder and e-stop inputs with pull-ups */
    DDRD &= (uint8_t)~(_BV(PD2) | _BV(PD3) | _BV(PD7));
    PORTD |= _BV(PD2) | _BV(PD3) | _BV(PD7);
    encoder_state = (uint8_t)((PIND >> PD2) & 0x03);
    EICRA = _BV(ISC00) | _BV(ISC10); /* any edge on INT0 and INT1 */
    EIMSK = _BV(INT0) | _BV(INT1);
    PCICR |= _BV(PCIE2);             /* e-stop: stop the motor from the ISR, not a period later */
    PCMSK2 |= _BV(PCINT23);
    /* Timer2: fast PWM on OC2A, prescaler 1 -> 62.5 kHz; output disconnected until a duty is set */
    TCCR2A = _BV(WGM21) | _BV(WGM20);
    TCCR2B = _BV(CS20);
    OCR2A = 0;
    /* Timer1: CTC at the control period, prescaler 8 */
    TCCR1A = 0;
    TCCR1B = _BV(WGM12) | TIMER1_PRESCALE_BITS;
    OCR1A = TIMER1_TOP;
    TIMSK1 = _BV(OCIE1A);
    /* UART 8N1 */
    UBRR0H = UBRRH_VALUE;
    UBRR0L = UBRRL_VALUE;
#if USE_2X
    UCSR0A |= _BV(U2X0);
#else
    UCSR0A &= (uint8_t)~_BV(U2X0);
#endif
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

/* Quadrature decoding by table: index = previous AB << 2 | current AB. Invalid transitions
 * (both lines changed: a missed edge) count 0 rather than guessing a direction. */
static const int8_t quadrature[16] = { 0, -1, 1, 0, 1, 0, 0, -1, -1, 0, 0, 1, 0, 1, -1, 0 };

static inline void encoder_edge(void)
{
    uint8_t ab = (uint8_t)((PIND >> PD2) & 0x03);
    encoder_count += quadrature[(uint8_t)(encoder_state << 2 | ab)];
    encoder_state = ab;
}

ISR(INT0_vect) { encoder_edge(); }
ISR(INT1_vect) { encoder_edge(); }

ISR(PCINT2_vect)
{
    if (PIND & _BV(PD7)) board_motor(0);
}

ISR(TIMER1_COMPA_vect)
{
    tick_count++;
    if (tick_pending) tick_overrun = 1;
    tick_pending = 1;
}

ISR(USART_RX_vect)
{
    uint8_t b = UDR0;
    uint8_t next = (uint8_t)((rx_head + 1) & (RX_SIZE - 1));
    if (next != rx_tail) { rx_buf[rx_head] = b; rx_head = next; }
    /* else: dropped; the frame it belonged to fails its CRC and is counted there */
}

ISR(USART_UDRE_vect)
{
    if (tx_head == tx_tail) { UCSR0B &= (uint8_t)~_BV(UDRIE0); return; }
    UDR0 = tx_buf[tx_tail];
    tx_tail = (uint8_t)((tx_tail + 1) & (TX_SIZE - 1));
}

uint32_t board_micros(void)
{
    uint32_t ticks;
    uint16_t sub;
    uint8_t pending;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        ticks = tick_count;
        sub = TCNT1;
        pending = (uint8_t)(TIFR1 & _BV(OCF1A));
    }
    if (pending && sub < TIMER1_TOP / 2) ticks++; /* the compare fired but its ISR has not run yet */
    return ticks * CONTROL_PERIOD_US + TIMER1_US(sub);
}

int32_t board_encoder(void)
{
    int32_t c;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { c = encoder_count; }
    return c;
}

void board_motor(int16_t duty)
{
    /* Atomic: the e-stop ISR also calls this, and TCCR2A is read-modify-written. */
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        if (duty == 0) {
            TCCR2A &= (uint8_t)~_BV(COM2A1); /* disconnect: the pin is a plain low output */
            OCR2A = 0;
            PORTB &= (uint8_t)~_BV(PB3);
        } else {
            if (duty > 0) PORTD &= (uint8_t)~_BV(PD4); else { PORTD |= _BV(PD4); duty = (int16_t)-duty; }
            OCR2A = (uint8_t)(duty > 255 ? 255 : duty);
            TCCR2A |= _BV(COM2A1);
        }
    }
}

uint8_t board_estop_active(void) { return (uint8_t)((PIND & _BV(PD7)) != 0); }

uint8_t board_take_tick(uint8_t *overrun)
{
    uint8_t t;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        t = tick_pending;
        tick_pending = 0;
        *overrun = tick_overrun;
        tick_overrun = 0;
    }
    return t;
}

int16_t board_uart_read(void)
{
    int16_t b = -1;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        if (rx_head != rx_tail) {
            b = rx_buf[rx_tail];
            rx_tail = (uint8_t)((rx_tail + 1) & (RX_SIZE - 1));
        }
    }
    return b;
}

void board_uart_write(const uint8_t *data, uint16_t len)
{
    uint16_t i;
    for (i = 0; i < len; i++) {
        uint8_t next = (uint8_t)((tx_head + 1) & (TX_SIZE - 1));
        while (next == tx_tail) { /* ring full: the UDRE ISR drains it */ }
        tx_buf[tx_head] = data[i];
        ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { tx_head = next; }
        UCSR0B |= _BV(UDRIE0);
    }
}
