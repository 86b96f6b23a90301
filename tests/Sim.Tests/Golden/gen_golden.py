"""Golden single steps for the Sim tests, from a plain-Python transcription of Gymnasium 0.29's
classic-control step functions (math module = the C library; float32 rounding via struct).
Run: python3 gen_golden.py > ../GoldenValues.txt  (the tests embed the printed literals)."""
import math, struct

def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0]

pi = math.pi

def angle_normalize(x):
    return ((x + pi) % (2 * pi)) - pi

def pendulum(th, thdot, a):
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05
    u = min(max(f32(a), -2.0), 2.0)  # np.clip of a float32 array stays float32 (exact)
    u2 = f32(u * u)                  # float32 ** 2
    cost = angle_normalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u2
    newthdot = thdot + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l ** 2) * u) * dt
    newthdot = min(max(newthdot, -8.0), 8.0)
    newth = th + newthdot * dt
    obs = [f32(math.cos(newth)), f32(math.sin(newth)), f32(newthdot)]
    return [newth, newthdot], -cost, obs

def cartpole(s, action):
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    x, x_dot, theta, theta_dot = s
    force = force_mag if action == 1 else -force_mag
    costheta = math.cos(theta); sintheta = math.sin(theta)
    temp = (force + polemass_length * theta_dot ** 2 * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - masspole * costheta ** 2 / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x = x + tau * x_dot; x_dot = x_dot + tau * xacc; theta = theta + tau * theta_dot; theta_dot = theta_dot + tau * thetaacc
    thr = 12 * 2 * math.pi / 360
    term = x < -2.4 or x > 2.4 or theta < -thr or theta > thr
    return [x, x_dot, theta, theta_dot], term

def dsdt(s):
    m1 = m2 = 1.0; l1 = 1.0; lc1 = lc2 = 0.5; I1 = I2 = 1.0; g = 9.8
    a = s[-1]; theta1, theta2, dtheta1, dtheta2 = s[:4]
    d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * math.cos(theta2)) + I1 + I2
    d2 = m2 * (lc2 ** 2 + l1 * lc2 * math.cos(theta2)) + I2
    phi2 = m2 * lc2 * g * math.cos(theta1 + theta2 - pi / 2.0)
    phi1 = (-m2 * l1 * lc2 * dtheta2 ** 2 * math.sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * math.sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * math.cos(theta1 - pi / 2) + phi2)
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1)
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0]

def acrobot(s, action):
    torque = [-1.0, 0.0, 1.0][action]
    y0 = list(s) + [torque]
    dt = 0.2 - 0; dt2 = dt / 2.0
    add = lambda y, h, k: [yi + h * ki for yi, ki in zip(y, k)]
    k1 = dsdt(y0); k2 = dsdt(add(y0, dt2, k1)); k3 = dsdt(add(y0, dt2, k2)); k4 = dsdt(add(y0, dt, k3))
    ns = [y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) for i in range(4)]
    def wrap(x, m, M):
        diff = M - m
        while x > M: x = x - diff
        while x < m: x = x + diff
        return x
    ns[0] = wrap(ns[0], -pi, pi); ns[1] = wrap(ns[1], -pi, pi)
    ns[2] = min(max(ns[2], -4 * pi), 4 * pi); ns[3] = min(max(ns[3], -9 * pi), 9 * pi)
    term = -math.cos(ns[0]) - math.cos(ns[1] + ns[0]) > 1.0
    return ns, term

def mountaincar(position, velocity, a):
    a = f32(a)
    force = min(max(a, -1.0), 1.0)
    velocity += force * 0.0015 - 0.0025 * math.cos(3 * position)
    if velocity > 0.07: velocity = 0.07
    if velocity < -0.07: velocity = -0.07
    position += velocity
    if position > 0.6: position = 0.6
    if position < -1.2: position = -1.2
    if position == -1.2 and velocity < 0: velocity = 0
    term = position >= 0.45 and velocity >= 0
    reward = 100.0 if term else 0
    reward -= math.pow(a, 2) * 0.1
    return [f32(position), f32(velocity)], reward, term

def r(x):
    return repr(float(x))

print("# Pendulum: th thdot action -> newth newthdot reward obs0 obs1 obs2")
for th, thdot, a in [(0.5, -0.3, 1.0), (0.5, -0.3, 3.5), (-2.0, 0.7, -7.0), (1.2, 7.9, 2.0), (-1.0, -7.95, -2.0),
                     (10.0, 1.5, 0.3), (-7.0, -2.5, -0.3), (math.pi, 0.0, 0.0), (-9.5, 4.0, 1.7)]:
    (nth, nthd), rew, obs = pendulum(th, thdot, a)
    print(f"[InlineData({r(th)}, {r(thdot)}, {r(f32(a))}f, {r(nth)}, {r(nthd)}, {r(rew)}, {r(obs[0])}f, {r(obs[1])}f, {r(obs[2])}f)]")
print("# CartPole: state action -> state terminated")
for s, a in [((0.01, -0.02, 0.03, 0.04), 1), ((0.01, -0.02, 0.03, 0.04), 0), ((2.39, 1.0, 0.0, 0.0), 1), ((0.0, 0.0, 0.2094, 0.1), 0), ((-2.39, -1.0, -0.1, -0.5), 0)]:
    ns, t = cartpole(s, a)
    print(f"[InlineData({', '.join(r(v) for v in s)}, {a}, {', '.join(r(v) for v in ns)}, {str(t).lower()})]")
print("# Acrobot: state action -> state terminated")
for s, a in [((0.1, -0.2, 0.3, -0.4), 0), ((0.1, -0.2, 0.3, -0.4), 1), ((0.1, -0.2, 0.3, -0.4), 2), ((3.1, 0.5, 5.0, -3.0), 2),
             ((0.5, 1.0, 12.5, 28.0), 2), ((-0.5, -1.0, -12.5, -28.0), 0), ((pi - 0.05, 0.0, 0.0, 0.0), 1)]:
    ns, t = acrobot(s, a)
    print(f"[InlineData({', '.join(r(v) for v in s)}, {a}, {', '.join(r(v) for v in ns)}, {str(t).lower()})]")
print("# MountainCarContinuous: position velocity action -> position velocity reward terminated")
for p, v, a in [(-0.5, 0.0, 0.5), (-0.5, 0.01, 3.0), (-0.3, -0.01, -2.0), (-1.19, -0.02, -1.0), (0.449, 0.05, 0.25), (0.0, 0.0699, 1.0), (0.59, 0.07, 1.0)]:
    (np_, nv), rew, t = mountaincar(p, v, a)
    print(f"[InlineData({r(p)}, {r(v)}, {r(f32(a))}f, {r(np_)}, {r(nv)}, {r(rew)}, {str(t).lower()})]")
