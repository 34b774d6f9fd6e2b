import Foundation

/// Engine functions that compute the same thing as one another, so that withholding one
/// (`--@ forbid privacy.epsilon`) withholds the others too: otherwise `pl.privacy.delta{…}`
/// bisected over ε, or `pl.privacy.noise_for{…}` bisected over the target, gives the forbidden
/// answer for full marks (issue 32). A group lists functions each of which answers the others
/// given a search (a bisection, a minimum over orders).
public enum ForbiddenEquivalents {
    public static let groups: [[String]] = [
        // The sampled Gaussian's RDP accountant: RDP curve ⇄ ε(δ) ⇄ δ(ε) ⇄ σ for a target ε.
        ["privacy.rdp", "privacy.epsilon", "privacy.delta", "privacy.noise_for"],
        // The analytic Gaussian mechanism (Balle & Wang 2018): δ(ε, σ) ⇄ σ(ε, δ).
        ["privacy.gaussian_delta", "privacy.gaussian_sigma"],
    ]

    /// The declared names and every name in a group with one of them (declared first, in order);
    /// `added` lists the ones the author did not name, for the warning `assign build` prints.
    public static func expand(_ declared: [String]) -> (all: [String], added: [String]) {
        var all = declared
        for g in groups where g.contains(where: declared.contains) {
            for name in g where !all.contains(name) { all.append(name) }
        }
        return (all, Array(all.dropFirst(declared.count)))
    }
}
