import Foundation

/// Model files written before statements existed hold a DP-SGD-shaped record (ε, δ, noise, clip,
/// sample rate, steps, sampling, accountant, note, and `mechanism` for output perturbation); they
/// still open, their record read as the events it describes.
extension PrivacyStatement {
    enum CodingKeys: String, CodingKey {
        case epsilon, delta, accountant, event, notes, dataDependentEpsilon
    }

    enum LegacyKeys: String, CodingKey {
        case noise, clip, sampleRate, steps, sampling, note, mechanism
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let epsilon = try c.decode(Double.self, forKey: .epsilon)
        let delta = try c.decode(Double.self, forKey: .delta)
        if c.contains(.event) {
            self.init(epsilon: epsilon, delta: delta, accountant: try c.decodeIfPresent(AccountantKind.self, forKey: .accountant),
                      event: try c.decode(PrivacyEvent.self, forKey: .event), notes: try c.decode([String].self, forKey: .notes),
                      dataDependentEpsilon: try c.decodeIfPresent(Double.self, forKey: .dataDependentEpsilon))
            return
        }
        let l = try decoder.container(keyedBy: LegacyKeys.self)
        let noise = try l.decode(Double.self, forKey: .noise), clip = try l.decode(Double.self, forKey: .clip)
        let notes = try l.decodeIfPresent(String.self, forKey: .note).map { [$0] } ?? []
        if try l.decodeIfPresent(String.self, forKey: .mechanism) == "output_perturbation" {
            // The old record did not keep the dimension of the noise; the note states it.
            self.init(epsilon: epsilon, delta: 0, accountant: nil,
                      event: .pure(epsilon: epsilon, mechanism: .outputPerturbation(scale: noise, clip: clip, dimension: 0)), notes: notes)
            return
        }
        let phase = PrivacyPhase(sampleRate: try l.decode(Double.self, forKey: .sampleRate), noise: noise, steps: try l.decode(Int.self, forKey: .steps))
        self.init(epsilon: epsilon, delta: delta, accountant: try c.decodeIfPresent(AccountantKind.self, forKey: .accountant),
                  event: .dpSGD([phase], clip: clip, sampling: try l.decode(DPSampling.self, forKey: .sampling)), notes: notes)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(delta, forKey: .delta)
        try c.encodeIfPresent(accountant, forKey: .accountant)
        try c.encode(event, forKey: .event)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(dataDependentEpsilon, forKey: .dataDependentEpsilon)
    }
}
