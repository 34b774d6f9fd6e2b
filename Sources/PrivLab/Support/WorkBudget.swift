/// Long engine work stops between steps when its host asks: a script's time limit has passed (a
/// graded question's, `privlab run --time-limit`) or the user pressed Ctrl-C. The engine knows
/// nothing of Lua; the host installs `stopReason`, and the loops that can run long — training steps,
/// PLD composition, clustering and solver iterations, boosting stages — call `checkpoint()` once
/// per step, so a limit interrupts an epoch count of 10⁵ as surely as a Lua `while true do end`.
public enum WorkBudget {
    /// Why work must stop now, or nil to go on. Installed by the host; called from any thread and
    /// often (once per training step), so it must be cheap and thread-safe.
    public nonisolated(unsafe) static var stopReason: (@Sendable () -> String?)? = nil

    /// Throws `PrivLabError.stopped` when the host asks work to stop.
    @inline(__always)
    public static func checkpoint() throws {
        if let check = stopReason, let why = check() { throw PrivLabError.stopped(why) }
    }
}
