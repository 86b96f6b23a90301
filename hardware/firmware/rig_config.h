/* One rig's constants. They must agree with the rig's model file (hardware/rigs/direct-drive.yaml) that the
 * policy was trained on; the HANDSHAKE sends them to the host, which refuses a mismatch. */
#ifndef TRPOEDGE_RIG_CONFIG_H
#define TRPOEDGE_RIG_CONFIG_H

#define RIG_ID "direct-drive-01"
#define RIG_BAUD 115200UL

/* 50 Hz: Timer1 at F_CPU/8 = 2 MHz counts CONTROL_PERIOD_US * 2 per period. */
#define CONTROL_PERIOD_US 20000UL
#define WATCHDOG_MS 100U

/* Pendulum encoder on the motor shaft (direct drive), read in quadrature: 4 counts per line. */
#define ENCODER_LINES 2048L
#define ENCODER_COUNTS_PER_REV (4L * ENCODER_LINES)

/* Observation: cos(theta), sin(theta), theta_dot, theta = 0 upright (Gymnasium Pendulum-v1 layout).
 * The pendulum hangs down (theta = pi) when the board powers up. */
#define OBS_DIM 3
#define ACT_DIM 1

/* Command units are the model's (normalised torque); full scale maps to full PWM duty. */
#define ACTION_LOW (-2.0f)
#define ACTION_HIGH (2.0f)
#define PWM_FULL_SCALE 255

/* Limits: a swing-up rig turns freely, so no angle limit; the velocity limit protects the bearings. */
#define ANGLE_LIMIT_RAD INFINITY
#define VELOCITY_LIMIT_RAD_S 40.0f

/* Velocity estimate: finite difference through a first-order low-pass, cutoff 50 rad/s
 * (what the Quanser drivers use). alpha = wc*T / (1 + wc*T) at T = 20 ms. */
#define VELOCITY_FILTER_ALPHA 0.5f

#endif
