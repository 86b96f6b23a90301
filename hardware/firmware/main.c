/* TrpoEdge rig firmware for an ATmega328P (Arduino Uno): a pendulum on a DC motor with a
 * quadrature encoder, speaking hardware/PROTOCOL.md over the UART.
 *
 * Safety, in the order it is enforced:
 *   1. the AVR hardware watchdog (60 ms) resets a hung loop; reset leaves the motor pins low;
 *   2. the e-stop input (normally closed) cuts the motor from its pin-change ISR, latched until a HELLO;
 *   3. the protocol watchdog zeroes the motor when no valid ACTION arrived for WATCHDOG_MS,
 *      checked on every pass of the main loop, not only once per period;
 *   4. angle and velocity limits zero the motor, latched until a HELLO;
 *   5. every command is clipped to the compiled-in limits, whatever the host sent. */
#include <avr/interrupt.h>
#include <avr/wdt.h>
#include <math.h>
#include <string.h>

#include "board.h"
#include "protocol/wire.h"
#include "rig_config.h"

#define WATCHDOG_US ((uint32_t)WATCHDOG_MS * 1000UL)

static wire_decoder_t decoder;
static uint8_t tx[WIRE_MAX_WIRE];

static uint8_t active;          /* between HELLO and STOP */
static uint16_t tx_seq;         /* our frame numbers, restart at the HANDSHAKE */
static uint16_t last_state_seq; /* seq of the last STATE sent */
static uint16_t host_seq;       /* last accepted host frame: HELLO or ACTION */
static uint8_t host_seq_valid;
static uint32_t last_action_us;
static float command[ACT_DIM];
static uint8_t flags;           /* sticky per period: CLIPPED, LATE, OVERRUN */
static uint8_t watchdog_tripped, estop_latched, limit_latched;
static float theta, theta_dot;
static int32_t last_count;

static void send(size_t n) { if (n) board_uart_write(tx, (uint16_t)n); }

static void send_fault(uint8_t code, const char *detail)
{
    wire_fault_t f;
    f.code = code;
    f.detail_len = (uint8_t)strlen(detail);
    memcpy(f.detail, detail, f.detail_len);
    send(wire_encode_fault(&f, tx_seq++, tx));
}

static void motor_zero(void)
{
    uint8_t i;
    for (i = 0; i < ACT_DIM; i++) command[i] = 0.0f;
    board_motor(0);
}

static void send_handshake(void)
{
    wire_handshake_t h;
    uint8_t i;
    memset(&h, 0, sizeof h);
    h.version = WIRE_VERSION;
    h.obs_dim = OBS_DIM;
    h.act_dim = ACT_DIM;
    h.period_us = CONTROL_PERIOD_US;
    h.watchdog_ms = WATCHDOG_MS;
    h.angle_limit = ANGLE_LIMIT_RAD;
    h.velocity_limit = VELOCITY_LIMIT_RAD_S;
    for (i = 0; i < ACT_DIM; i++) { h.act_low[i] = ACTION_LOW; h.act_high[i] = ACTION_HIGH; }
    h.id_len = (uint8_t)(sizeof RIG_ID - 1);
    memcpy(h.id, RIG_ID, h.id_len);
    send(wire_encode_handshake(&h, tx_seq++, tx));
}

static void on_hello(const uint8_t *f, size_t len)
{
    wire_hello_t m;
    if (!wire_parse_hello(f, len, &m)) return;
    if (m.version != WIRE_VERSION) { send_fault(WIRE_FAULT_VERSION, "protocol version 1 only"); return; }
    motor_zero();
    active = 1;
    tx_seq = 0;
    host_seq = wire_frame_seq(f);
    host_seq_valid = 1;
    last_action_us = board_micros(); /* the host gets one watchdog period for its first ACTION */
    watchdog_tripped = 0;
    limit_latched = 0;
    if (!board_estop_active()) estop_latched = 0;
    flags = 0;
    send_handshake();
}

static void on_action(const uint8_t *f, size_t len)
{
    wire_action_t m;
    uint16_t seq = wire_frame_seq(f);
    uint8_t i;
    if (!wire_parse_action(f, len, &m)) return;
    if (!active) { send_fault(WIRE_FAULT_NOT_READY, "ACTION before HELLO"); return; }
    if (host_seq_valid) {
        uint16_t ahead = (uint16_t)(seq - host_seq);
        if (ahead == 0 || ahead >= 0x8000U) return; /* duplicate or reordered: drop */
    }
    if (m.act_dim != ACT_DIM) { send_fault(WIRE_FAULT_BAD_ACTION, "wrong command count"); return; }
    for (i = 0; i < ACT_DIM; i++)
        if (!isfinite(m.cmd[i])) { send_fault(WIRE_FAULT_BAD_ACTION, "non-finite command"); return; }
    host_seq = seq;
    host_seq_valid = 1;
    for (i = 0; i < ACT_DIM; i++) {
        float c = m.cmd[i];
        if (c < ACTION_LOW) { c = ACTION_LOW; flags |= WIRE_FLAG_CLIPPED; }
        if (c > ACTION_HIGH) { c = ACTION_HIGH; flags |= WIRE_FLAG_CLIPPED; }
        command[i] = c;
    }
    if ((uint16_t)(last_state_seq - m.state_seq) > 1) flags |= WIRE_FLAG_LATE;
    last_action_us = board_micros();
    watchdog_tripped = 0; /* a valid command re-arms the watchdog: the host is back */
}

static void on_frame(const uint8_t *f, size_t len)
{
    switch (wire_frame_type(f)) {
    case WIRE_HELLO: on_hello(f, len); break;
    case WIRE_ACTION: on_action(f, len); break;
    case WIRE_STOP: motor_zero(); active = 0; break;
    default: break; /* rig-to-host types coming back (an echoing line): ignore */
    }
}

static float wrap_pi(float a)
{
    while (a > (float)M_PI) a -= 2.0f * (float)M_PI;
    while (a < -(float)M_PI) a += 2.0f * (float)M_PI;
    return a;
}

static void control_tick(uint8_t overrun)
{
    wire_state_t s;
    int32_t count = board_encoder();
    float dt = CONTROL_PERIOD_US * 1e-6f, u = 0.0f, th;
    uint8_t i;

    /* theta = pi at power-up (hanging); counts grow counter-clockwise */
    theta = wrap_pi((float)M_PI + 2.0f * (float)M_PI * (float)count / (float)ENCODER_COUNTS_PER_REV);
    theta_dot += VELOCITY_FILTER_ALPHA * (2.0f * (float)M_PI * (float)(count - last_count) / (float)ENCODER_COUNTS_PER_REV / dt - theta_dot);
    last_count = count;
    if (overrun) flags |= WIRE_FLAG_OVERRUN;
    if (!active) { motor_zero(); return; }

    if (fabsf(theta_dot) > VELOCITY_LIMIT_RAD_S || fabsf(theta) > ANGLE_LIMIT_RAD) {
        if (!limit_latched) send_fault(WIRE_FAULT_LIMIT, "angle or velocity limit");
        limit_latched = 1;
    }
    if (estop_latched || watchdog_tripped || limit_latched) motor_zero();
    else u = command[0];
    board_motor((int16_t)lrintf(u / ACTION_HIGH * PWM_FULL_SCALE));

    th = theta;
    s.time_us = board_micros();
    s.ack_seq = host_seq;
    s.flags = (uint8_t)(flags | (watchdog_tripped ? WIRE_FLAG_WATCHDOG : 0) | (estop_latched ? WIRE_FLAG_ESTOP : 0)
                        | (limit_latched ? WIRE_FLAG_LIMIT : 0));
    s.reward = -(th * th + 0.1f * theta_dot * theta_dot + 0.001f * (REWARD_ACTION_SCALE * u) * (REWARD_ACTION_SCALE * u));
    s.obs_dim = OBS_DIM;
    s.obs[0] = cosf(th);
    s.obs[1] = sinf(th);
    s.obs[2] = theta_dot;
    for (i = 3; i < WIRE_MAX_OBS; i++) s.obs[i] = 0.0f;
    last_state_seq = tx_seq;
    send(wire_encode_state(&s, tx_seq++, tx));
    flags = 0;
}

int main(void)
{
    motor_zero();
    board_init();
    wire_decoder_init(&decoder);
    wdt_enable(WDTO_60MS);
    sei();
    tx[0] = 0;
    board_uart_write(tx, 1); /* one delimiter so a half-received power-on glitch is not glued to our first frame */

    for (;;) {
        int16_t b;
        uint8_t overrun;
        wdt_reset();
        while ((b = board_uart_read()) >= 0)
            if (wire_decoder_push(&decoder, (uint8_t)b)) on_frame(decoder.frame, decoder.frame_len);

        if (board_estop_active() && !estop_latched) {
            board_motor(0);
            estop_latched = 1;
            if (active) send_fault(WIRE_FAULT_ESTOP, "e-stop input active");
        }
        if (active && !watchdog_tripped && board_micros() - last_action_us > WATCHDOG_US) {
            motor_zero();
            watchdog_tripped = 1;
            send_fault(WIRE_FAULT_WATCHDOG, "no valid ACTION within the watchdog period");
        }
        if (board_take_tick(&overrun)) control_tick(overrun);
    }
}
