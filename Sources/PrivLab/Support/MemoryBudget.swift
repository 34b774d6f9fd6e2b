import Foundation

/// The most memory the engine allocates for one object a script asks for — a network, a data set,
/// a release — estimated from the shapes *before* allocating, so an oversized request is an error
/// naming what and how much instead of a failed allocation that kills the process. By default half
/// the machine's physical memory; the grader lowers it to the question's memory limit.
public enum MemoryBudget {
    nonisolated(unsafe) public static var limit: Double = Double(ProcessInfo.processInfo.physicalMemory) / 2
    /// Where the limit comes from, for the message.
    nonisolated(unsafe) public static var source = "half of this machine's memory"

    /// Throws when `bytes` (computed in Double, so huge products do not overflow) exceed the budget.
    public static func check(_ bytes: Double, _ what: String) throws {
        guard bytes.isFinite, bytes <= limit else {
            throw PrivLabError.invalidArgument("memory limit: \(what) needs \(format(bytes)), more than the \(format(limit)) allowed (\(source))")
        }
    }

    public static func format(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "an unbounded amount of memory" }
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(Int(v)) bytes" : String(format: "%.1f %@", v, units[i])
    }
}
