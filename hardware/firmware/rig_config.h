/* One rig's constants. They must agree with the rig's model file (hardware/rigs/direct-drive.yaml) that the
 * policy was trained on; the HANDSHAKE sends them to the host, which refuses a mismatch. */
#ifndef TRPOEDGE_RIG_CONFIG_H
#define TRPOEDGE_RIG_CONFIG_H

#define RIG_ID "direct-drive-01"
#define RIG_BAUD 115200UL

/* 20 Hz, as hardware/rigs/direct-drive.yaml (control.period 0.05). Timer1 runs at F_CPU/8 = 2 MHz and
 * counts 2 * CONTROL_PERIOD_US per period, so periods up to 32 767 us fit its 16 bits: at 50 ms the
 * prescaler is 64 (see board.c). Watchdog: four periods, as the virtual rig. */
#define CONTROL_PERIOD_US 50000UL
#define WATCHDOG_MS 200U

/* Pendulum encoder on the motor shaft (direct drive), read in quadrature: 4 counts per line. */
#define ENCODER_LINES 1024L /* 4096 counts/rev: sensor.encoder_counts_per_rev */
#define ENCODER_COUNTS_PER_REV (4L * ENCODER_LINES)

/* Observation: cos(theta), sin(theta), theta_dot, theta = 0 upright (Gymnasium Pendulum-v1 layout).
 * The pendulum hangs down (theta = pi) when the board powers up. */
#define OBS_DIM 3
#define ACT_DIM 1

/* Command in [-1, 1] sets the motor voltage as a fraction of the supply (the rig model's command):
 * full scale is full PWM duty. */
#define ACTION_LOW (-1.0f)
#define ACTION_HIGH (1.0f)
#define PWM_FULL_SCALE 255

/* Limits: a swing-up rig turns freely, so no angle limit; the velocity limit protects the bearings. */
#define ANGLE_LIMIT_RAD INFINITY
#define VELOCITY_LIMIT_RAD_S 20.0f /* limits.max_velocity */

/* Velocity estimate: finite difference through a first-order low-pass, cutoff 50 rad/s
 * (what the Quanser drivers use): alpha = wc*T / (1 + wc*T) = 2.5 / 3.5 at T = 50 ms. */
#define VELOCITY_FILTER_ALPHA 0.714f

/* Reward as the rig model: cost uses (ACTION_SCALE * u)^2 (reward.action_scale). */
#define REWARD_ACTION_SCALE 2.0f

#endif
