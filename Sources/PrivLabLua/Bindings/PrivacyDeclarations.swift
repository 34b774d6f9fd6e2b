import PrivLab

/// How `pl.privacy.gaussian` and `gaussian_sigma` compute σ from (ε, δ).
enum GaussianCalibration: String, CaseIterable {
    /// Balle & Wang 2018, Algorithm 1: the smallest σ meeting (ε, δ) exactly, any ε.
    case analytic
    /// Dwork & Roth 2014, Theorem A.1: σ = √(2 ln(1.25/δ))·Δ/ε, for ε < 1 only.
    case classic
}

/// The settings accountants declare (`AccountantKind.options`), as options of a function that
/// lets the user choose the accountant: written from the accountants' own declarations, so a new
/// setting is documented, accepted and checked without touching a binding. Each applies only with
/// `accountant` naming an accountant that declares it (the declaration's condition refuses it
/// otherwise: "option 'discretization' needs accountant = "pld"").
enum AccountantDeclarations {
    /// Every accountant's settings, once each (in the accountants' order), each applying only
    /// with the accountants that declare it.
    static var settings: [OptionSpec] {
        var order = [AccountantOption](), owners = [String: [String]]()
        for kind in AccountantKind.allCases {
            for o in kind.options {
                if owners[o.name] == nil { order.append(o) }
                owners[o.name, default: []].append(kind.rawValue)
            }
        }
        return order.map { spec($0).only(.equals("accountant", owners[$0.name]!)) }
    }

    /// One setting as an option: its kind, default and bounds from the accountant's declaration.
    static func spec(_ o: AccountantOption) -> OptionSpec {
        switch (o.domain, o.defaultValue) {
        case (.number(let lo, let hi), .number(let d)):
            return OptionSpec(o.name, .number, o.meaning, .defaulted(.number(d)), [lo.map { .above($0) }, hi.map { .atMost($0) }].compactMap { $0 })
        case (.choice(let names), .choice(let d)):
            return OptionSpec(o.name, .choice(names), o.meaning, .defaulted(.string(d)))
        case (.numbers(let lo), _):
            // Each entry is checked against the bound as it is read (`optionalNumbers`).
            return OptionSpec(o.name, .numbers, o.meaning, .optional("the accountant's default list"), [.above(lo)])
        default:
            return OptionSpec(o.name, .any, o.meaning, .optional(nil))
        }
    }

    /// The accountant choice beside its settings.
    static func choice(_ meaning: String) -> [OptionSpec] {
        [.choice("accountant", AccountantKind.self, meaning, default: .rdp)] + settings
    }
}

/// The declarations of `pl.privacy.*`: accounting of subsampled Gaussian steps and the basic
/// mechanisms.
enum PrivacyDeclarations {
    /// One phase of steps: sample rate, noise (unless the function computes it) and steps.
    static func phaseOptions(noise: Bool, absent: OptionPresence) -> [OptionSpec] {
        [.number("sample_rate", "probability that a record takes part in a step (q)", absent, .above(0), .atMost(1))]
            + (noise ? [.number("noise", "noise multiplier σ of every step (noise standard deviation / clip)", absent, .above(0))] : [])
            + [.integer("steps", "number of steps (compositions)", absent, .atLeast(0))]
    }

    /// sample_rate, noise, steps — or phases = {{…}, …} instead.
    static func phased(noise: Bool) -> [OptionSpec] {
        let phaseList = noise ? "{sample_rate=, noise=, steps=}" : "{sample_rate=, steps=}"
        return phaseOptions(noise: noise, absent: .optional("given by phases instead"))
            + [OptionSpec("phases", .table, "list of \(phaseList) run one after another, instead of one phase's options", .optional(nil))]
    }

    /// An entry of `phases`.
    static func phase(noise: Bool) -> FunctionDeclaration {
        FunctionDeclaration("privacy phase", "one phase of steps", options: phaseOptions(noise: noise, absent: .required))
    }

    static let epsilon = FunctionDeclaration(
        "privacy.epsilon", "ε at δ of subsampled Gaussian steps (DP-SGD's), or phases of them, composed by an accountant",
        options: phased(noise: true) + [
            .number("delta", "δ the ε is stated at", .required, .rule("in (0, 1)")),
        ] + AccountantDeclarations.choice("the accountant composing the steps"),
        returns: "number, number",
        resultFields: [ResultField("1", "number", "ε"), ResultField("2", "number", "with the RDP accountant: the Rényi order that gave it")])

    static let delta = FunctionDeclaration(
        "privacy.delta", "δ at a given ε of subsampled Gaussian steps, or phases of them, composed by an accountant",
        options: phased(noise: true) + [
            .number("epsilon", "ε the δ is stated at", .required, .rule("≥ 0")),
        ] + AccountantDeclarations.choice("the accountant composing the steps"),
        returns: "number")

    static let noiseFor = FunctionDeclaration(
        "privacy.noise_for", "the smallest noise multiplier σ for which the steps meet (ε, δ) (a bisection over the accountant's ε)",
        options: phased(noise: false) + [
            .number("epsilon", "the target ε", .required, .rule("> 0")),
            .number("delta", "δ of the target", .required, .rule("in (0, 1)")),
        ] + AccountantDeclarations.choice("the accountant the noise is calibrated with"),
        returns: "number")

    static let rdp = FunctionDeclaration(
        "privacy.rdp", "the Rényi DP curve of subsampled Gaussian steps: one ε(α) per order α (Mironov, Talwar & Zhang 2019)",
        options: phased(noise: true) + [
            OptionSpec("orders", .numbers, "the Rényi orders α the curve is evaluated at", .optional("the RDP accountant's default orders"), [.above(1)]),
        ],
        returns: "number[], number[]",
        resultFields: [ResultField("1", "number[]", "ε(α) at each order"), ResultField("2", "number[]", "the orders α")],
        refused: ["accountant": "does not apply (the curve is the RDP accountant's own; privacy.epsilon chooses accountants)",
                  "conversion": "does not apply (the curve is in Rényi DP; privacy.epsilon converts it to (ε, δ))",
                  "discretization": "does not apply (a setting of the PLD accountant; the curve is the RDP accountant's)"])

    // MARK: mechanisms

    static let value = OptionSpec("value", .number, "the number to privatise (one result)", .optional("values given instead"))
    static let values = OptionSpec("values", .numbers, "the numbers to privatise (a list of results)", .optional("value given instead"))
    static let sensitivity = OptionSpec.number("sensitivity", "largest change one record can make to the value (its L1 norm for Laplace, L2 for Gaussian)", default: 1, .above(0))
    static let gaussianOptions: [OptionSpec] = [
        sensitivity,
        .number("epsilon", "ε the noise is calibrated to", default: 1, .above(0)),
        .number("delta", "δ the noise is calibrated to", default: 1e-5, .above(0), .atMost(0.999999)),
        .choice("calibration", GaussianCalibration.self, "analytic (Balle & Wang 2018: any ε, the smallest σ) or classic (Dwork & Roth: ε < 1)", default: .analytic),
    ]

    static let laplace = FunctionDeclaration(
        "privacy.laplace", "the Laplace mechanism: adds Laplace(sensitivity/ε) noise to each value (pure ε-DP)",
        options: [value, values, sensitivity,
                  .number("epsilon", "ε of the release", default: 1, .above(0)),
                  .seed("seed of the noise")],
        returns: "number|number[], number",
        resultFields: [ResultField("1", "number|number[]", "the noisy value(s)"), ResultField("2", "number", "the Laplace scale b")])

    static let gaussianSigma = FunctionDeclaration(
        "privacy.gaussian_sigma", "the noise standard deviation σ of the Gaussian mechanism at (ε, δ)",
        options: gaussianOptions, returns: "number")

    static let gaussian = FunctionDeclaration(
        "privacy.gaussian", "the Gaussian mechanism: adds N(0, σ²) noise to each value, σ calibrated to (ε, δ)",
        options: [value, values] + gaussianOptions + [.seed("seed of the noise")],
        returns: "number|number[], number",
        resultFields: [ResultField("1", "number|number[]", "the noisy value(s)"), ResultField("2", "number", "σ")])

    static let gaussianDelta = FunctionDeclaration(
        "privacy.gaussian_delta", "the exact δ(ε) of the Gaussian mechanism with noise σ (Balle & Wang 2018, Theorem 8)",
        options: [.number("sigma", "noise standard deviation", default: 1, .above(0)),
                  .number("sensitivity", "L2 sensitivity of the value", default: 1, .above(0)),
                  .number("epsilon", "ε the δ is stated at", default: 1, .atLeast(0))],
        returns: "number")

    static let categories = OptionSpec.integer("categories", "k: the answers are 0, 1, …, k − 1", default: 2, .atLeast(2), .atMost(1_000_000))

    static let randomizedResponse = FunctionDeclaration(
        "privacy.randomized_response", "k-ary randomised response: each answer kept with probability e^ε/(e^ε + k − 1), else one of the others (local ε-DP)",
        options: [OptionSpec("values", .integers, "the true answers, each in 0…categories − 1", .required),
                  categories,
                  .number("epsilon", "ε of each answer", default: 1, .above(0)),
                  .seed("seed of the randomisation")],
        returns: "integer[]")

    static let rrEstimate = FunctionDeclaration(
        "privacy.rr_estimate", "unbiased estimates of each answer's frequency from randomised-response reports",
        options: [OptionSpec("reports", .integers, "the randomised answers (what privacy.randomized_response returned)", .required),
                  categories,
                  .number("epsilon", "ε the reports were randomised with", default: 1, .above(0))],
        returns: "number[]")

    static let releasePredictions = FunctionDeclaration(
        "privacy.release_predictions", "output perturbation of a model's predictions: its probability vectors noised by Laplace or Gaussian noise, with the guarantee",
        arguments: [ArgumentSpec("model", "Model", "a fitted model"),
                    ArgumentSpec("data", "Dataset|table", "the records (a Dataset or a list of feature rows) whose predictions are released")],
        options: [.choice("mechanism", Perturbation.Mechanism.self, "Laplace (pure ε) or Gaussian ((ε, δ)) noise on each probability vector", default: .laplace),
                  .number("epsilon", "ε of each released vector", default: 1, .above(0)),
                  .number("delta", "δ of the Gaussian mechanism", default: 1e-5, .above(0), .atMost(0.999999)),
                  .seed("seed of the noise")],
        returns: "table, integer[], table",
        resultFields: [ResultField("1", "table", "the noisy probability vectors, one per record"),
                       ResultField("2", "integer[]", "the labels they predict"),
                       ResultField("3", "table", "the release's privacy statement (as model:privacy(): epsilon and delta of all its vectors by basic composition, events, note) with noise, epsilon_per_vector and delta_per_vector")])
}
