import Foundation

/// What a private thing spent, in one shape for every mechanism: (ε, δ), the accountant that
/// composed it, the accounted event (`PrivacyEvent`) and the events in plain words. DP-SGD
/// networks, output-perturbed regression, PATE, pipelines, SISA ensembles and synthetic releases
/// all answer `privacy` with it.
public struct PrivacyStatement: Codable, Equatable, Sendable {
    public var epsilon: Double
    public var delta: Double
    /// The accountant that composed the event; nil when none was needed (pure ε-DP releases,
    /// whose ε add up: basic composition, Dwork & Roth 2014, Thm 3.14).
    public var accountant: AccountantKind?
    public var event: PrivacyEvent
    /// Caveats a report must show (shuffling accounted as Poisson; parallel composition; …).
    public var notes: [String]
    /// PATE's data-dependent ε (Papernot et al. 2018, Thm 6): known to the curator, not a released
    /// guarantee (publishing it needs smooth sensitivity, §4.3). nil for other mechanisms.
    public var dataDependentEpsilon: Double?

    public init(epsilon: Double, delta: Double, accountant: AccountantKind?, event: PrivacyEvent, notes: [String] = [],
                dataDependentEpsilon: Double? = nil) {
        self.epsilon = epsilon
        self.delta = delta
        self.accountant = accountant
        self.event = event
        self.notes = notes
        self.dataDependentEpsilon = dataDependentEpsilon
    }

    /// The event's ε at `delta` under `accountant`.
    public init(accounting event: PrivacyEvent, delta: Double, accountant: any PrivacyAccountant, notes: [String] = []) throws {
        self.init(epsilon: try accountant.epsilon(event, delta: delta), delta: delta, accountant: accountant.kind, event: event, notes: notes)
    }

    /// Statements of mechanisms run on the same data, by basic composition (Σε, Σδ; Dwork & Roth
    /// 2014, Thm 3.16): their events in turn, no accountant, their notes and `notes` after them.
    public init(basicComposition parts: [PrivacyStatement], notes extra: [String] = []) {
        self.init(epsilon: parts.reduce(0) { $0 + $1.epsilon }, delta: parts.reduce(0) { $0 + $1.delta }, accountant: nil,
                  event: .composed(parts.flatMap(\.event.plainParts)), notes: parts.flatMap(\.notes) + extra)
    }

    /// A pure ε-DP release: ε is the event's pure ε, δ = 0, no accountant.
    public init(pure event: PrivacyEvent, notes: [String] = []) throws {
        guard let e = event.pureEpsilon else { throw PrivLabError.invalidArgument("the event is not a pure ε-DP release: \(event.description)") }
        self.init(epsilon: e, delta: 0, accountant: nil, event: event, notes: notes)
    }

    /// The events in plain words, one line each (what reports list).
    public var events: [String] { event.plainWords }

    /// The worst-off part's event: the first shard of a parallel statement (`parallel` puts the
    /// worst first), the whole event otherwise.
    public var worstPart: PrivacyEvent {
        if case .parallel(let parts) = event, let first = parts.first { return first }
        return event
    }

    /// The notes as one line, nil when there are none.
    public var note: String? { notes.isEmpty ? nil : notes.joined(separator: "; ") }

    /// Statements of disjoint shards (parallel composition, McSherry 2009, Thm 4): the worst
    /// shard's ε and δ, the shards' events side by side (the worst first), and `note`. A shard
    /// without a statement (trained without privacy) makes the whole non-private; nil when no shard
    /// has a statement.
    public static func parallel(_ shards: [PrivacyStatement?], note: String) -> PrivacyStatement? {
        let stated = shards.compactMap { $0 }
        guard let w = stated.indices.max(by: { stated[$0].epsilon < stated[$1].epsilon }) else { return nil }
        var worst = stated[w]
        var events = [worst.event] + stated.indices.filter { $0 != w }.map { stated[$0].event }
        if stated.count < shards.count {
            events.append(.nonPrivate("a shard trained without privacy"))
            worst.epsilon = .infinity
        }
        worst.event = .parallel(events)
        // Each bound holds shard by shard: the data-dependent one is the largest shard's too,
        // which need not be the shard with the largest data-independent ε (PATE constituents).
        let dependent = stated.compactMap(\.dataDependentEpsilon)
        worst.dataDependentEpsilon = dependent.count == shards.count ? dependent.max() : nil
        worst.notes.append(note)
        return worst
    }
}

/// Anything that may have been trained or released privately answers with one statement.
public protocol PrivacyStating {
    /// What was spent, or nil when nothing was done privately.
    var privacy: PrivacyStatement? { get }
}
