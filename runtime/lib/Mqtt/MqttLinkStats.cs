namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The host's view of a rig link over MQTT, for the run summary. Round trips are in nanoseconds, from
/// publishing an ACTION to reading the first STATE that acknowledges it (for a timed rig this includes waiting for
/// the rig's next control tick).</summary>
public readonly record struct MqttLinkStats(
    long StatesReceived,
    long MissedStates,
    long StaleStates,
    long SkippedStates,
    long Faults,
    long WatchdogStates,
    long ForeignMessages,
    long RoundTrips,
    double RoundTripP50Ns,
    double RoundTripP99Ns,
    long ActionsNotApplied = 0,
    long LateStates = 0,
    long Takeovers = 0)
{
    public override string ToString() =>
        $"{StatesReceived} states ({MissedStates} missed, {SkippedStates} skipped as late, {StaleStates} stale, {ForeignMessages} of other sessions), " +
        $"{Faults} faults, {WatchdogStates} with the watchdog tripped, {ActionsNotApplied} actions not applied, {LateStates} late states, {Takeovers} session takeovers; round trip p50 {RoundTripP50Ns / 1e6:F3} ms, p99 {RoundTripP99Ns / 1e6:F3} ms over {RoundTrips}";
}
