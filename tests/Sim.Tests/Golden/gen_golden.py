"""Golden data for the Sim tests, computed by real NumPy over Gymnasium 1.x's classic-control code.

Run with Debian's interpreter and python3-numpy (NumPy 1.24, the 1.x promotion rules):
    /usr/bin/python3 tests/Sim.Tests/Golden/gen_golden.py
It rewrites the *.txt / *.txt.gz files next to it; the C# tests read them and need no Python.

The environment classes below are Gymnasium 1.x's step/reset/observation code transcribed expression for
expression (Gymnasium itself is not installed here): the same NumPy scalar types flow through the same
operators, so NumPy decides every promotion (np.float32 ** 2 -> float64 under 1.x) and every `** 2` on a
float64 goes through libm pow() exactly as in Gymnasium. Seeding is NumPy's own
Generator(PCG64(SeedSequence(seed))), as gymnasium.utils.seeding.np_random builds it.

One deliberate choice: NumPy builds for x86-64 dispatch float64 sin/cos to SVML on AVX-512 (AVX512_SKX)
CPUs, which disagrees with the C library in the last bit for most inputs, so Gymnasium's own trajectories
depend on the CPU. The goldens encode the C library's sin/cos (what NumPy uses on every other CPU, what
Python's math module uses, and what .NET calls), so the AVX-512 dispatch is switched off below before NumPy
is imported. NumPy's own float32 sin/cos (used on Acrobot's float32 reset state) is CPU-independent on x86-64
with FMA3 and is kept.

Numbers are written as IEEE-754 bit patterns in hex (16 digits for float64, 8 for float32).
"""
import gzip
import os
import struct
import sys

os.environ["NPY_DISABLE_CPU_FEATURES"] = "AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512F AVX512CD"
import numpy as np  # noqa: E402
from numpy import cos, pi, sin  # noqa: E402  (Acrobot imports these names from numpy)
import math  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def d(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def f(x):
    return "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(x)))[0]


def gymnasium_rng(seed):
    """gymnasium.utils.seeding.np_random(seed)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


# ---------------------------------------------------------------- Pendulum-v1
def angle_normalize(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi


class Pendulum:
    max_speed, max_torque, dt, g, m, l = 8, 2.0, 0.05, 10.0, 1.0, 1.0

    def reset(self, seed):
        self.np_random = gymnasium_rng(seed)
        high = np.array([np.pi, 1.0])
        low = -high
        self.state = self.np_random.uniform(low=low, high=high)
        return self._get_obs()

    def step(self, u):
        th, thdot = self.state
        g, m, l, dt = self.g, self.m, self.l, self.dt
        u = np.clip(u, -self.max_torque, self.max_torque)[0]
        costs = angle_normalize(th) ** 2 + 0.1 * thdot**2 + 0.001 * (u**2)
        newthdot = thdot + (3 * g / (2 * l) * np.sin(th) + 3.0 / (m * l**2) * u) * dt
        newthdot = np.clip(newthdot, -self.max_speed, self.max_speed)
        newth = th + newthdot * dt
        self.state = np.array([newth, newthdot])
        return self._get_obs(), -costs, False

    def _get_obs(self):
        theta, thetadot = self.state
        return np.array([np.cos(theta), np.sin(theta), thetadot], dtype=np.float32)


# ---------------------------------------------------------------- CartPole-v1
class CartPole:
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    theta_threshold_radians = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def reset(self, seed):
        self.np_random = gymnasium_rng(seed)
        self.state = self.np_random.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps_beyond_terminated = None
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        temp = (force + self.polemass_length * np.square(theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
        terminated = bool(x < -self.x_threshold or x > self.x_threshold
                          or theta < -self.theta_threshold_radians or theta > self.theta_threshold_radians)
        if not terminated:
            reward = 1.0
        elif self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0
            reward = 1.0
        else:
            self.steps_beyond_terminated += 1
            reward = 0.0
        return np.array(self.state, dtype=np.float32), reward, terminated


# ---------------------------------------------------------------- Acrobot-v1
def wrap(x, m, M):
    diff = M - m
    while x > M:
        x = x - diff
    while x < m:
        x = x + diff
    return x


def bound(x, m, M=None):
    if M is None:
        M = m[1]
        m = m[0]
    return min(max(x, m), M)


def rk4(derivs, y0, t):
    try:
        Ny = len(y0)
    except TypeError:
        yout = np.zeros((len(t),), np.float64)
    else:
        yout = np.zeros((len(t), Ny), np.float64)
    yout[0] = y0
    for i in np.arange(len(t) - 1):
        this = t[i]
        dt = t[i + 1] - this
        dt2 = dt / 2.0
        y0 = yout[i]
        k1 = np.asarray(derivs(y0))
        k2 = np.asarray(derivs(y0 + dt2 * k1))
        k3 = np.asarray(derivs(y0 + dt2 * k2))
        k4 = np.asarray(derivs(y0 + dt * k3))
        yout[i + 1] = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return yout[-1][:4]


class Acrobot:
    dt = 0.2
    LINK_LENGTH_1 = 1.0
    LINK_LENGTH_2 = 1.0
    LINK_MASS_1 = 1.0
    LINK_MASS_2 = 1.0
    LINK_COM_POS_1 = 0.5
    LINK_COM_POS_2 = 0.5
    LINK_MOI = 1.0
    MAX_VEL_1 = 4 * pi
    MAX_VEL_2 = 9 * pi
    AVAIL_TORQUE = [-1.0, 0.0, +1]
    torque_noise_max = 0.0
    book_or_nips = "book"

    def reset(self, seed):
        self.np_random = gymnasium_rng(seed)
        low, high = -0.1, 0.1
        self.state = self.np_random.uniform(low=low, high=high, size=(4,)).astype(np.float32)
        return self._get_ob()

    def step(self, a):
        s = self.state
        torque = self.AVAIL_TORQUE[a]
        s_augmented = np.append(s, torque)
        ns = rk4(self._dsdt, s_augmented, [0, self.dt])
        ns[0] = wrap(ns[0], -pi, pi)
        ns[1] = wrap(ns[1], -pi, pi)
        ns[2] = bound(ns[2], -self.MAX_VEL_1, self.MAX_VEL_1)
        ns[3] = bound(ns[3], -self.MAX_VEL_2, self.MAX_VEL_2)
        self.state = ns
        terminated = self._terminal()
        reward = -1.0 if not terminated else 0.0
        return self._get_ob(), reward, terminated

    def _get_ob(self):
        s = self.state
        return np.array([cos(s[0]), sin(s[0]), cos(s[1]), sin(s[1]), s[2], s[3]], dtype=np.float32)

    def _terminal(self):
        s = self.state
        return bool(-cos(s[0]) - cos(s[1] + s[0]) > 1.0)

    def _dsdt(self, s_augmented):
        m1 = self.LINK_MASS_1
        m2 = self.LINK_MASS_2
        l1 = self.LINK_LENGTH_1
        lc1 = self.LINK_COM_POS_1
        lc2 = self.LINK_COM_POS_2
        I1 = self.LINK_MOI
        I2 = self.LINK_MOI
        g = 9.8
        a = s_augmented[-1]
        s = s_augmented[:-1]
        theta1 = s[0]
        theta2 = s[1]
        dtheta1 = s[2]
        dtheta2 = s[3]
        d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * cos(theta2)) + I1 + I2
        d2 = m2 * (lc2**2 + l1 * lc2 * cos(theta2)) + I2
        phi2 = m2 * lc2 * g * cos(theta1 + theta2 - pi / 2.0)
        phi1 = (-m2 * l1 * lc2 * dtheta2**2 * sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
                + (m1 * lc1 + m2 * l1) * g * cos(theta1 - pi / 2)
                + phi2)
        ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * sin(theta2) - phi2) / (
            m2 * lc2**2 + I2 - d2**2 / d1)
        ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0


# ---------------------------------------------------------------- MountainCarContinuous-v0
class MountainCarContinuous:
    min_action, max_action, min_position, max_position = -1.0, 1.0, -1.2, 0.6
    max_speed, goal_position, goal_velocity, power = 0.07, 0.45, 0.0, 0.0015

    def reset(self, seed):
        self.np_random = gymnasium_rng(seed)
        self.state = np.array([self.np_random.uniform(low=-0.6, high=-0.4), 0])
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        position = self.state[0]
        velocity = self.state[1]
        force = min(max(action[0], self.min_action), self.max_action)
        velocity += force * self.power - 0.0025 * math.cos(3 * position)
        if velocity > self.max_speed:
            velocity = self.max_speed
        if velocity < -self.max_speed:
            velocity = -self.max_speed
        position += velocity
        if position > self.max_position:
            position = self.max_position
        if position < self.min_position:
            position = self.min_position
        if position == self.min_position and velocity < 0:
            velocity = 0
        terminated = bool(position >= self.goal_position and velocity >= self.goal_velocity)
        reward = 0
        if terminated:
            reward = 100.0
        reward -= math.pow(action[0], 2) * 0.1
        self.state = np.array([position, velocity], dtype=np.float32)
        return self.state, reward, terminated


ENVS = {"Pendulum-v1": Pendulum, "CartPole-v1": CartPole, "Acrobot-v1": Acrobot,
        "MountainCarContinuous-v0": MountainCarContinuous}
TIME_LIMIT = {"Pendulum-v1": 200, "CartPole-v1": 500, "Acrobot-v1": 500, "MountainCarContinuous-v0": 999}
SEEDS = list(range(0, 64)) + [100, 1000, 12345, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**40 + 7,
                              2**53 + 1, 2**63 - 1, 2**63, 2**64 - 2, 2**64 - 1]


def state_bits(env):
    return " ".join(d(v) for v in np.asarray(env.state, dtype=np.float64))


def write(name, lines):
    path = os.path.join(HERE, name)
    data = ("\n".join(lines) + "\n").encode()
    if name.endswith(".gz"):
        with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime 0: the same bytes on every run
            fh.write(data)
    else:
        with open(path, "wb") as fh:
            fh.write(data)
    print(f"wrote {name}: {len(lines)} lines", file=sys.stderr)


def header(what):
    return [f"# {what}", f"# NumPy {np.__version__} (1.x promotion rules), generated by gen_golden.py; numbers are IEEE bits in hex"]


def gen_random():
    lines = header("SeedSequence / PCG64 / Generator: seed, pool[4] (u32), generate_state(4, u64), PCG64 state and inc "
                   "(hi lo each), 16 raw u64 outputs, 8 Generator.random() doubles, 4 uniform(-3.5, 2.25) doubles")
    for seed in SEEDS:
        ss = np.random.SeedSequence(seed)
        pool = " ".join("%08x" % v for v in ss.pool)
        gs = " ".join("%016x" % v for v in ss.generate_state(4, np.uint64))
        bg = np.random.PCG64(np.random.SeedSequence(seed))
        st = bg.state["state"]
        s, inc = st["state"], st["inc"]
        pcg = "%016x %016x %016x %016x" % (s >> 64, s & (2**64 - 1), inc >> 64, inc & (2**64 - 1))
        raw = " ".join("%016x" % v for v in bg.random_raw(16))
        g = gymnasium_rng(seed)
        rnd = " ".join(d(v) for v in g.random(8))
        uni = " ".join(d(v) for v in g.uniform(-3.5, 2.25, size=4))
        lines.append(f"{seed} | {pool} | {gs} | {pcg} | {raw} | {rnd} | {uni}")
    write("numpy_random.txt", lines)


def gen_resets():
    lines = header("reset(seed): env seed | float64 state | float32 observation")
    for env_id, cls in ENVS.items():
        for seed in SEEDS + list(range(64, 1000)):
            env = cls()
            obs = env.reset(seed)
            lines.append(f"{env_id} {seed} | {state_bits(env)} | {' '.join(f(v) for v in obs)}")
    write("gymnasium_resets.txt.gz", lines)


def pinned_states(env_id, r):
    """Start states spread over (and beyond) each env's reachable region, with float32 actions."""
    if env_id == "Pendulum-v1":
        s = [r.uniform(-20, 20), r.uniform(-9, 9)]
        if r.random() < 0.05:
            s[0] = float(r.choice([-3 * pi, -pi, 0.0, pi, 3 * pi, 7 * pi]))
        return s, np.float32(r.choice([r.uniform(-3, 3), 2.0, -2.0, 0.0]) if r.random() < 0.1 else r.uniform(-3, 3))
    if env_id == "CartPole-v1":
        return [r.uniform(-2.5, 2.5), r.uniform(-3, 3), r.uniform(-0.25, 0.25), r.uniform(-3, 3)], int(r.integers(0, 2))
    if env_id == "Acrobot-v1":
        return [r.uniform(-pi, pi), r.uniform(-pi, pi), r.uniform(-13, 13), r.uniform(-29, 29)], int(r.integers(0, 3))
    p, v = r.uniform(-1.25, 0.6), r.uniform(-0.08, 0.08)
    if r.random() < 0.5:  # states after the first step are float32
        p, v = float(np.float32(p)), float(np.float32(v))
    if r.random() < 0.05:
        p, v = -1.2, -0.01
    return [p, v], np.float32(r.uniform(-2, 2))


def action_text(env_id, a):
    return f(a) if env_id in ("Pendulum-v1", "MountainCarContinuous-v0") else str(a)


def as_env_action(env_id, a):
    return np.array([a], dtype=np.float32) if env_id in ("Pendulum-v1", "MountainCarContinuous-v0") else a


def gen_steps():
    lines = header("one step from a pinned float64 state: env | state | action | new state | reward | terminated | observation")
    r = np.random.default_rng(20261206)
    for env_id, cls in ENVS.items():
        for _ in range(2500):
            s, a = pinned_states(env_id, r)
            env = cls()
            env.np_random = gymnasium_rng(0)
            env.steps_beyond_terminated = None
            env.state = np.array(s, dtype=np.float64)
            obs, rew, term = env.step(as_env_action(env_id, a))
            lines.append(f"{env_id} | {' '.join(d(v) for v in s)} | {action_text(env_id, a)} | {state_bits(env)} | "
                         f"{d(rew)} | {int(term)} | {' '.join(f(v) for v in obs)}")
    write("gymnasium_steps.txt.gz", lines)


def gen_replays():
    lines = header("open-loop replays: 'episode env seed' then one line per step: action | reward | terminated | truncated "
                   "| observation | float64 state; an episode ends at termination or the time limit")
    r = np.random.default_rng(7)
    for env_id, cls in ENVS.items():
        for seed in [0, 1, 2, 3, 4, 5, 6, 7, 123, 2**32 + 5]:
            env = cls()
            obs = env.reset(seed)
            lines.append(f"episode {env_id} {seed} | {' '.join(f(v) for v in obs)}")
            for t in range(TIME_LIMIT[env_id]):
                if env_id == "Pendulum-v1":
                    a = np.float32(r.uniform(-2.5, 2.5))
                elif env_id == "MountainCarContinuous-v0":
                    a = np.float32(r.uniform(-1.2, 1.2) if t % 100 < 60 else -r.uniform(-1.2, 1.2))
                elif env_id == "CartPole-v1":
                    a = int(r.integers(0, 2))
                else:
                    a = int(t // 8 % 3) if seed % 2 == 0 else int(r.integers(0, 3))
                obs, rew, term = env.step(as_env_action(env_id, a))
                trunc = t + 1 >= TIME_LIMIT[env_id]
                lines.append(f"{action_text(env_id, a)} | {d(rew)} | {int(term)} | {int(trunc)} | "
                             f"{' '.join(f(v) for v in obs)} | {state_bits(env)}")
                if term or trunc:
                    break
    write("gymnasium_replays.txt.gz", lines)


def gen_float32_trig():
    lines = header("NumPy's float32 cos and sin (its own SIMD polynomial, not the C library's) on float32 inputs in "
                   "[-0.1, 0.1], the range of Acrobot's float32 reset state: x | cos(x) | sin(x)")
    r = np.random.default_rng(32)
    xs = r.uniform(-0.1, 0.1, 200_000).astype(np.float32)
    xs = np.concatenate([xs, np.array([0.0, -0.0, 0.1, -0.1, 1e-30, -1e-30, 2e-38], dtype=np.float32)])
    # Keep every input where NumPy's float32 result differs from the rounded double one, plus a thinned rest.
    c32, s32 = np.cos(xs), np.sin(xs)
    c64, s64 = np.cos(xs.astype(np.float64)).astype(np.float32), np.sin(xs.astype(np.float64)).astype(np.float32)
    keep = (c32 != c64) | (s32 != s64) | (np.arange(len(xs)) % 20 == 0) | (np.arange(len(xs)) >= 200_000)
    for x in xs[keep]:
        lines.append(f"{f(x)} | {f(cos(x))} | {f(sin(x))}")  # scalar calls, as Acrobot._get_ob makes them
    write("numpy_float32_trig.txt.gz", lines)


if __name__ == "__main__":
    if not np.__version__.startswith("1."):
        sys.exit(f"NumPy {np.__version__}: the goldens encode NumPy 1.x promotion; run Debian's /usr/bin/python3 with python3-numpy 1.x")
    probe = np.random.default_rng(1).uniform(-40, 40, 20_000)
    if any(np.sin(x) != math.sin(x) or np.cos(x) != math.cos(x) for x in probe):
        sys.exit("NumPy's float64 sin/cos differ from the C library's here although AVX-512 dispatch is off; see the docstring")
    gen_random()
    gen_resets()
    gen_steps()
    gen_replays()
    gen_float32_trig()
