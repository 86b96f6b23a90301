// A C interface over Box2D 2.4 (C++ only), exposing what the Box2D environments need and nothing more:
// a world with a contact listener, bodies with polygon/box/edge/circle fixtures, revolute joints with motors
// and limits, forces and impulses, ray casts, and the per-body state the environments observe.
// Built by sim/TrpoEdge.Sim.csproj with g++ against Debian's libbox2d-dev into libtrpoedge_box2d.so.
//
// Contact semantics are Gymnasium's ContactDetector: a contact that begins touching a body tagged
// TB2_GAME_OVER sets the world's game-over flag; a body tagged TB2_TRACK_CONTACT gets its contact flag set
// when any contact with it begins and cleared when any contact with it ends (a flag, not a count, as there).
#include <box2d/box2d.h>
#include <cstdint>

namespace {

constexpr uintptr_t kGameOver = 1, kTrackContact = 2, kInContact = 4;

class Listener final : public b2ContactListener {
public:
    int gameOver = 0;

    void BeginContact(b2Contact* contact) override {
        Mark(contact->GetFixtureA()->GetBody(), true);
        Mark(contact->GetFixtureB()->GetBody(), true);
    }

    void EndContact(b2Contact* contact) override {
        Mark(contact->GetFixtureA()->GetBody(), false);
        Mark(contact->GetFixtureB()->GetBody(), false);
    }

private:
    void Mark(b2Body* body, bool begin) {
        uintptr_t& tags = body->GetUserData().pointer;
        if (begin && (tags & kGameOver)) gameOver = 1;
        if (tags & kTrackContact) tags = begin ? (tags | kInContact) : (tags & ~kInContact);
    }
};

struct World {
    b2World world;
    Listener listener;
    explicit World(b2Vec2 gravity) : world(gravity) { world.SetContactListener(&listener); }
};

// Gymnasium's lidar callback: fixtures without category bit 1 are ignored (-1), every other hit clips the ray,
// so the last fraction reported is the closest hit's.
class ClosestHit final : public b2RayCastCallback {
public:
    uint16_t category;
    float fraction = 1.0f;
    explicit ClosestHit(uint16_t c) : category(c) {}
    float ReportFixture(b2Fixture* fixture, const b2Vec2&, const b2Vec2&, float f) override {
        if ((fixture->GetFilterData().categoryBits & category) == 0) return -1.0f;
        fraction = f;
        return f;
    }
};

b2Fixture* AddFixture(b2Body* body, const b2Shape& shape, float density, float friction, float restitution,
                      uint16_t category, uint16_t mask) {
    b2FixtureDef fd;
    fd.shape = &shape;
    fd.density = density;
    fd.friction = friction;
    fd.restitution = restitution;
    fd.filter.categoryBits = category;
    fd.filter.maskBits = mask;
    return body->CreateFixture(&fd);
}

} // namespace

extern "C" {

// 10000·major + 100·minor + revision of the Box2D the shim runs against (20401 for 2.4.1).
int tb2_version(void) { return 10000 * b2_version.major + 100 * b2_version.minor + b2_version.revision; }

void* tb2_world_create(float gx, float gy) { return new World(b2Vec2(gx, gy)); }

void tb2_world_destroy(void* w) { delete static_cast<World*>(w); }

void tb2_world_step(void* w, float dt, int velocityIterations, int positionIterations) {
    static_cast<World*>(w)->world.Step(dt, velocityIterations, positionIterations);
}

int tb2_world_game_over(void* w) { return static_cast<World*>(w)->listener.gameOver; }

// type: 0 static, 2 dynamic (b2BodyType). tags: 1 game over on contact, 2 track ground contact.
void* tb2_body_create(void* w, int type, float x, float y, float angle, int tags) {
    b2BodyDef def;
    def.type = static_cast<b2BodyType>(type);
    def.position.Set(x, y);
    def.angle = angle;
    def.userData.pointer = static_cast<uintptr_t>(tags) & (kGameOver | kTrackContact);
    return static_cast<World*>(w)->world.CreateBody(&def);
}

// xy: n vertex pairs (3 <= n <= 8); returns 0 for any other count.
int tb2_fixture_polygon(void* b, const float* xy, int n, float density, float friction, float restitution,
                        int category, int mask) {
    if (n < 3 || n > b2_maxPolygonVertices) return 0;
    b2Vec2 v[b2_maxPolygonVertices];
    for (int i = 0; i < n; i++) v[i].Set(xy[2 * i], xy[2 * i + 1]);
    b2PolygonShape shape;
    shape.Set(v, n); // a degenerate hull becomes a 2 x 2 box in Box2D 2.4 (its own fallback)
    AddFixture(static_cast<b2Body*>(b), shape, density, friction, restitution, (uint16_t)category, (uint16_t)mask);
    return 1;
}

int tb2_fixture_box(void* b, float halfWidth, float halfHeight, float density, float friction, float restitution,
                    int category, int mask) {
    b2PolygonShape shape;
    shape.SetAsBox(halfWidth, halfHeight);
    AddFixture(static_cast<b2Body*>(b), shape, density, friction, restitution, (uint16_t)category, (uint16_t)mask);
    return 1;
}

int tb2_fixture_edge(void* b, float x1, float y1, float x2, float y2, float density, float friction,
                     float restitution, int category, int mask) {
    b2EdgeShape shape;
    shape.SetTwoSided(b2Vec2(x1, y1), b2Vec2(x2, y2));
    AddFixture(static_cast<b2Body*>(b), shape, density, friction, restitution, (uint16_t)category, (uint16_t)mask);
    return 1;
}

int tb2_fixture_circle(void* b, float radius, float x, float y, float density, float friction, float restitution,
                       int category, int mask) {
    b2CircleShape shape;
    shape.m_radius = radius;
    shape.m_p.Set(x, y);
    AddFixture(static_cast<b2Body*>(b), shape, density, friction, restitution, (uint16_t)category, (uint16_t)mask);
    return 1;
}

// A revolute joint from local anchors (no Initialize: the reference angle is given, 0 in Gymnasium's defs).
void* tb2_revolute_create(void* w, void* a, void* b, float ax, float ay, float bx, float by, float referenceAngle,
                          int enableMotor, float maxMotorTorque, float motorSpeed, int enableLimit, float lower,
                          float upper) {
    b2RevoluteJointDef def;
    def.bodyA = static_cast<b2Body*>(a);
    def.bodyB = static_cast<b2Body*>(b);
    def.localAnchorA.Set(ax, ay);
    def.localAnchorB.Set(bx, by);
    def.referenceAngle = referenceAngle;
    def.enableMotor = enableMotor != 0;
    def.maxMotorTorque = maxMotorTorque;
    def.motorSpeed = motorSpeed;
    def.enableLimit = enableLimit != 0;
    def.lowerAngle = lower;
    def.upperAngle = upper;
    return static_cast<World*>(w)->world.CreateJoint(&def);
}

// Setting the motor speed wakes both bodies when it changes (Box2D's SetMotorSpeed).
void tb2_revolute_set_motor(void* j, float motorSpeed, float maxMotorTorque) {
    auto* joint = static_cast<b2RevoluteJoint*>(j);
    joint->SetMotorSpeed(motorSpeed);
    joint->SetMaxMotorTorque(maxMotorTorque);
}

// out: [angle, speed]
void tb2_revolute_get(void* j, float* out) {
    auto* joint = static_cast<b2RevoluteJoint*>(j);
    out[0] = joint->GetJointAngle();
    out[1] = joint->GetJointSpeed();
}

// out: [x, y, angle, vx, vy, angular velocity, awake (0|1), contact flag (0|1)]
void tb2_body_get(void* b, float* out) {
    auto* body = static_cast<b2Body*>(b);
    const b2Vec2& p = body->GetPosition();
    const b2Vec2& v = body->GetLinearVelocity();
    out[0] = p.x;
    out[1] = p.y;
    out[2] = body->GetAngle();
    out[3] = v.x;
    out[4] = v.y;
    out[5] = body->GetAngularVelocity();
    out[6] = body->IsAwake() ? 1.0f : 0.0f;
    out[7] = (body->GetUserData().pointer & kInContact) ? 1.0f : 0.0f;
}

void tb2_body_apply_force_to_center(void* b, float fx, float fy, int wake) {
    static_cast<b2Body*>(b)->ApplyForceToCenter(b2Vec2(fx, fy), wake != 0);
}

void tb2_body_apply_linear_impulse(void* b, float ix, float iy, float px, float py, int wake) {
    static_cast<b2Body*>(b)->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), wake != 0);
}

void tb2_body_apply_torque(void* b, float torque, int wake) {
    static_cast<b2Body*>(b)->ApplyTorque(torque, wake != 0);
}

// The fraction along p1 -> p2 of the closest fixture with a category bit in `category`; 1 when none is hit.
float tb2_raycast(void* w, float x1, float y1, float x2, float y2, int category) {
    ClosestHit hit(static_cast<uint16_t>(category));
    static_cast<World*>(w)->world.RayCast(&hit, b2Vec2(x1, y1), b2Vec2(x2, y2));
    return hit.fraction;
}

} // extern "C"
